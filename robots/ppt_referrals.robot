*** Settings ***
Documentation       New referrals to PPT become journal posts in the child's PPT case.
...
...                 The robot searches the school-admin inbox for new referrals to PPT and makes
...                 each a work item. For each referral it finds or creates the child's PPT case,
...                 files the referral (with a PDF of the form and the attachments) as a screened
...                 incoming journal post, and marks the referral processed with the case number.
...                 A referral without consent, with an invalid fødselsnummer, for a child not in
...                 the register, or received twice goes to archive staff with the reason.
...
...                 Run:    saksrobot run ppt_referrals

Resource            resources/school_systems.resource
Library             saksrobot.keywords.PptReferralsLibrary
Library             saksrobot.keywords.WorkItemsLibrary    process=ppt_referrals

Suite Setup         Open Archive And School Admin
Suite Teardown      Close Archive And School Admin


*** Tasks ***
Search New Referrals To PPT
    [Documentation]    Producer: every new referral in the inbox becomes a work item (once).
    [Tags]    producer
    Add Work Items For New Referrals

File Referrals In PPT Cases
    [Documentation]    Consumer: one journal post per referral, never two; the rest to archive staff.
    Process Work Items    File Referral For Work Item
    [Teardown]    Every Work Item Should Be Settled
