*** Settings ***
Documentation       New pupils and kindergarten children get their folder in the archive.
...
...                 Every pupil gets one elevmappe and every kindergarten child one barnemappe,
...                 screened (access code 13, § 13) and classified by fødselsnummer and B31.
...                 The robot finds the children still lacking a folder in the school-admin
...                 system, makes each a work item, finds or creates the folder in the archive,
...                 and records the case number in the school-admin system. A child whose data
...                 is wrong goes to archive staff (manual handling) with the reason.
...
...                 Run:    saksrobot run school_cases

Resource            resources/school_systems.resource
Library             saksrobot.keywords.SchoolCasesLibrary
Library             saksrobot.keywords.WorkItemsLibrary    process=school_cases

Suite Setup         Open Archive And School Admin
Suite Teardown      Close Archive And School Admin


*** Tasks ***
Find New Pupils And Children Without A Folder
    [Documentation]    Producer: every child lacking a folder becomes a work item (once).
    [Tags]    producer
    Add Work Items For Children Without Folder

Create Folders For Work Items
    [Documentation]    Consumer: one folder per child, never two; bad data to archive staff.
    Process Work Items    Create Folder For Work Item
    [Teardown]    Every Work Item Should Be Settled
