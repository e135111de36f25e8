*** Settings ***
Documentation       Incoming EHF invoices become routed journal posts in the archive.
...
...                 The access point delivers EHF invoices (Peppol BIS Billing 3.0) as files in the
...                 inbox folder. Every file becomes a work item keyed by supplier and invoice
...                 number. For each the robot checks the invoice, finds the unit and approver in
...                 the reference register, and files it (XML and PDF) in the supplier's invoice
...                 case for the year. Files it cannot file go to rejected/ with the reason, and
...                 their items to finance staff (manual handling).
...
...                 Run:    saksrobot run invoices

Library             saksrobot.keywords.ArchiveLibrary
Library             saksrobot.keywords.InvoicesLibrary
Library             saksrobot.keywords.WorkItemsLibrary    process=invoices

Suite Setup         Open Invoice Validation And Archive
Suite Teardown      Close Archive


*** Tasks ***
Take Incoming Invoices From The Inbox
    [Documentation]    Producer: every file in the inbox becomes a work item (once).
    [Tags]    producer
    Add Work Items For Inbox Files

File And Route Invoices
    [Documentation]    Consumer: one journal post per invoice, never two; the rest to finance staff.
    Process Work Items    File Invoice For Work Item
    [Teardown]    Every Work Item Should Be Settled


*** Keywords ***
Open Invoice Validation And Archive
    [Documentation]    The official validation first: without it no invoice is taken.
    Open Invoice Validation
    Open Archive
