*** Settings ***
Documentation       The invoices robot, killed (SIGKILL) as soon as the archive has filed its third
...                 journal post: the file is still in the inbox and its work item not done.

Library             saksrobot.keywords.ArchiveLibrary
Library             saksrobot.keywords.InvoicesLibrary
Library             saksrobot.keywords.WorkItemsLibrary    process=invoices
Library             ../libraries/CrashLibrary.py    die_after=3

Suite Setup         Open Archive


*** Tasks ***
Take Incoming Invoices From The Inbox
    [Documentation]    The same producer as invoices.
    Add Work Items For Inbox Files

File Invoices Until Killed
    [Documentation]    Dies right after the third journal post is filed.
    Die After Filing Journal Posts
    Process Work Items    File Invoice For Work Item
