*** Settings ***
Documentation       Works on one item, then waits to be killed (a run whose owner dies mid-work).
Library             OperatingSystem


*** Tasks ***
Wait
    [Documentation]    Says it started, then waits far longer than any test.
    Log To Console    robot-started
    Sleep    10 min
