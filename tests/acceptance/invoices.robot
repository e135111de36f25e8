*** Settings ***
Documentation       Acceptance: robots/invoices.robot on a mixed inbox of EHF files (generated
...                 invoices and credit notes, duplicates, hostile files, the shared Peppol corpus)
...                 against the archive simulator. Every check reads the archive through its API
...                 and the inbox folders on disk.

Library             libraries/InvoicesDriver.py

Suite Setup         Start Archive Simulator
Suite Teardown      Stop Archive Simulator


*** Test Cases ***
Every Invoice Is Filed And Routed Or Handed Over With A Reason
    [Documentation]    At least 30 files; each ends in processed/ with a journal post, or in
    ...    rejected/ with a reason file and a manual work item; the robot gets through all of them.
    ${files}=    Fill The Inbox
    Should Be True    ${files} >= 30
    Run Invoices
    Every File Should Have Its Expected Outcome
    The Archive Should Hold Exactly The Expected Journal Posts
    Run Output Should Contain No Fodselsnummer

Re-running Files Nothing Twice
    [Documentation]    A second run finds nothing new; the same files delivered again are duplicates.
    Fill The Inbox    with_50_mb_file=${False}
    Run Invoices
    ${before}=    Journal Post Count
    Run Invoices
    ${count}=    Deliver The Filed Invoices Again
    Run Invoices
    ${after}=    Journal Post Count
    Should Be Equal    ${before}    ${after}
    Every Redelivered File Should Be A Duplicate    ${count}

Invoices Through The Archive Web UI
    [Documentation]    The same kinds of file filed through the archive's web pages in headless Chromium
    ...    (fewer ordinary invoices: each costs seconds in a browser).
    Fill The Inbox    with_50_mb_file=${False}    invoices=8
    Run Invoices    backend=ui
    Every File Should Have Its Expected Outcome
    The Archive Should Hold Exactly The Expected Journal Posts
