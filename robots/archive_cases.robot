*** Settings ***
Documentation       Case requests from the municipality's units become cases in the archive.
...
...                 The units send the city archive a sheet of case requests (.xlsx or .csv).
...                 For every row the robot creates the case in the archive system, or finds the
...                 case it made on an earlier run, and writes the case number, or the reason it
...                 could not, to a result sheet in the run's output folder. Rows with bad data
...                 are reported and never stop the other rows.
...
...                 Run:    saksrobot run archive_cases --variable REQUESTS:path/to/requests.xlsx

Library             saksrobot.keywords.ArchiveLibrary
Library             saksrobot.keywords.CaseRequestsLibrary

Suite Setup         Open Archive
Suite Teardown      Close Archive


*** Variables ***
${REQUESTS}         ${CURDIR}${/}data${/}case_requests.csv
${RESULT_SHEET}     ${OUTPUT_DIR}${/}resultat.xlsx


*** Tasks ***
Create Cases From Requests
    [Documentation]    One case per request row; the outcome of every row in the result sheet.
    ${requests}=    Read Case Requests    ${REQUESTS}
    FOR    ${request}    IN    @{requests}
        Create Case For Request    ${request}
    END
    [Teardown]    Report Outcome


*** Keywords ***
Report Outcome
    [Documentation]    The result sheet for archive staff; the task fails if the archive failed.
    Write Result Sheet    ${RESULT_SHEET}
    No Request Should Have Failed
