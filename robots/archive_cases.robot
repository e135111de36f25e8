*** Settings ***
Documentation       Case requests from the municipality's units become cases in the archive.
...
...                 The units send the city archive a sheet of case requests (.xlsx or .csv).
...                 Every row becomes a work item keyed by its Id. For each item the robot creates
...                 the case in the archive system, or finds the case an earlier run made; a row
...                 with bad data goes to archive staff (manual handling) with the reason. The
...                 result sheet in the run's output folder has the case number or the reason.
...
...                 Run:    saksrobot run archive_cases --variable REQUESTS:path/to/requests.xlsx

Library             saksrobot.keywords.ArchiveLibrary
Library             saksrobot.keywords.CaseRequestsLibrary
Library             saksrobot.keywords.WorkItemsLibrary    process=archive_cases

Suite Setup         Open Archive
Suite Teardown      Close Archive


*** Variables ***
${REQUESTS}         ${CURDIR}${/}data${/}case_requests.csv
${RESULT_SHEET}     ${OUTPUT_DIR}${/}resultat.xlsx


*** Tasks ***
Load Case Requests As Work Items
    [Documentation]    Producer: every row of the sheet becomes a work item (once, however often run).
    [Tags]    producer
    ${requests}=    Read Case Requests    ${REQUESTS}
    Add Work Items For Requests    ${requests}

Create Cases For Work Items
    [Documentation]    Consumer: one case per request; bad data to archive staff, outages retried later.
    Process Work Items    Create Case For Work Item
    [Teardown]    Report Outcome


*** Keywords ***
Report Outcome
    [Documentation]    The result sheet for archive staff; the task fails if the archive failed.
    Write Result Sheet    ${RESULT_SHEET}
    Every Request Should Be Settled
