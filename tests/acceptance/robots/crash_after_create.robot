*** Settings ***
Documentation       archive_cases with a consumer that is killed (SIGKILL) right after the archive
...                 created its fifth case, before the work item is marked done.

Library             saksrobot.keywords.ArchiveLibrary
Library             saksrobot.keywords.CaseRequestsLibrary
Library             saksrobot.keywords.WorkItemsLibrary    process=archive_cases
Library             ../libraries/CrashLibrary.py    die_after=5

Suite Setup         Open Archive


*** Tasks ***
Load Case Requests As Work Items
    [Documentation]    The same producer as archive_cases.
    ${requests}=    Read Case Requests    ${REQUESTS}
    Add Work Items For Requests    ${requests}

Create Cases Until Killed
    [Documentation]    Dies during the fifth item.
    Process Work Items    Create Case And Die
