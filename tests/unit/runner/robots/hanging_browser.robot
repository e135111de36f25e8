*** Settings ***
Documentation       Starts a real Chromium (as the ui back-ends do) and then hangs: for the time-limit test.
Library             BrowserLibrary.py


*** Tasks ***
Open A Browser And Hang
    [Documentation]    Never finishes by itself.
    Open A Browser
    Sleep    300s
