*** Settings ***
Documentation       Opens the archive's ui back-end (a real Chromium) and then hangs: for the time-limit test.
Library             saksrobot.keywords.ArchiveLibrary


*** Tasks ***
Open A Browser And Hang
    [Documentation]    Never finishes by itself.
    Open Archive    backend=ui
    Sleep    300s
