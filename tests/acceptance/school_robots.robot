*** Settings ***
Documentation       Acceptance: robots/school_cases.robot and robots/ppt_referrals.robot against both
...                 simulators. The school-admin system is driven through its web UI in headless
...                 Chromium; the archive through its API and, in one test, its web UI too. Every
...                 check reads the systems through their APIs.

Library             libraries/SchoolRobotsDriver.py

Suite Setup         Start Simulators
Suite Teardown      Stop Simulators
Test Setup          Reset Simulators


*** Test Cases ***
New Pupils And Children Get One Folder Each
    [Documentation]    One elevmappe / barnemappe per child with the fields of DOMAIN §1; an invalid
    ...    fødselsnummer goes to archive staff; an existing folder is recorded, not made again.
    Run School Robot    school_cases
    Every New Child Should Have One Folder

Every Referral Is Filed Or Handed Over With A Reason
    [Documentation]    The seeded hard cases: no consent, invalid fødselsnummer, not in the register,
    ...    sent twice - to archive staff; self-referral at 16, D-number, re-referral - filed.
    Run School Robot    ppt_referrals
    Every Referral Should Be Filed Or With Archive Staff
    The Re-referral Should Be In The Existing PPT Case

Re-running Both Robots Creates Nothing Twice
    [Documentation]    A second run (one through the school-admin web UI, one over its API) finds
    ...    everything done and adds nothing.
    Run School Robot    school_cases    schooladmin_backend=api
    Run School Robot    ppt_referrals    schooladmin_backend=api
    ${before}=    Archive Counts
    Run School Robot    school_cases
    Run School Robot    ppt_referrals    schooladmin_backend=api
    ${after}=    Archive Counts
    Should Be Equal    ${before}    ${after}
    Gevinst Should Count Each Filed Item Once

Both Robots Work Through Both Web UIs
    [Documentation]    The archive's web UI too, with a flaky school-admin system (latency and HTTP 500s).
    Set School Admin Faults    latency_ms=20    error_rate=0.1    seed=4
    Run School Robot    school_cases    archive_backend=ui
    Run School Robot    ppt_referrals    archive_backend=ui
    Set School Admin Faults    latency_ms=0    error_rate=0
    Every New Child Should Have One Folder
    Every Referral Should Be Filed Or With Archive Staff

No Fødselsnummer Leaves The Robots
    [Documentation]    Scans log.html, output.xml, console.log, summaries and the database of every
    ...    run above for every fødselsnummer of the seed data.
    No Fodselsnummer Should Appear In Run Output Or The Gevinst Log
