*** Settings ***
Documentation       Passes, logging two work-item outcomes as WorkItemsLibrary does.


*** Tasks ***
Pass
    [Documentation]    Nothing but log lines.
    Log    Work item A-1: done
    Log    Work item A-2: manual (Mangler tittel)
