*** Settings ***
Documentation       Acceptance: robots/archive_cases.robot against the archive simulator, over the
...                 API and in real headless Chromium. Every check reads the archive through its API.
...                 The sample sheet has 24 valid and 8 invalid requests.

Library             libraries/ArchiveCasesDriver.py

Suite Setup         Start Archive Simulator
Suite Teardown      Stop Archive Simulator
Test Setup          Reset Archive


*** Test Cases ***
Robot Creates Cases Through The Web UI
    [Documentation]    Every valid row becomes a case with its fields; bad rows are reported.
    ${run}=    Run Archive Cases    backend=ui
    Run Should Have Succeeded    ${run}
    Every Valid Request Should Be    ${run}    Opprettet
    Cases Should Match Their Requests    ${run}
    Invalid Requests Should Be Reported    ${run}

Robot Creates Cases Through The API
    [Documentation]    The api back-end gives the same result as the ui back-end.
    ${run}=    Run Archive Cases    backend=api
    Run Should Have Succeeded    ${run}
    Every Valid Request Should Be    ${run}    Opprettet
    Cases Should Match Their Requests    ${run}
    Invalid Requests Should Be Reported    ${run}

Re-running Creates No Duplicates
    [Documentation]    The request id is the external id: later runs, by either back-end, find the case.
    ${first}=    Run Archive Cases    backend=api
    Every Valid Request Should Be    ${first}    Opprettet
    ${again_api}=    Run Archive Cases    backend=api
    Every Valid Request Should Be    ${again_api}    Fantes fra før
    ${again_ui}=    Run Archive Cases    backend=ui
    Every Valid Request Should Be    ${again_ui}    Fantes fra før
    Each Valid Request Should Have Exactly One Case

Robot Survives Latency And Server Errors Over The API
    [Documentation]    A quarter of the archive's answers are HTTP 500: retries create every case once.
    Set Simulator Faults    latency_ms=30    error_rate=0.25    seed=11
    ${run}=    Run Archive Cases    backend=api    retries=6
    Run Should Have Succeeded    ${run}
    Every Valid Request Should Be    ${run}    Opprettet
    Switch Off Faults
    Each Valid Request Should Have Exactly One Case

Robot Survives Latency And Server Errors In The Web UI
    [Documentation]    The same through the browser: a failed form post is retried after a fresh look-up.
    Use The First Sample Rows    12
    Set Simulator Faults    latency_ms=30    error_rate=0.25    seed=12
    ${run}=    Run Archive Cases    backend=ui    retries=6
    Run Should Have Succeeded    ${run}
    Every Valid Request Should Be    ${run}    Opprettet
    Switch Off Faults
    Each Valid Request Should Have Exactly One Case

Robot Reports What The Archive Could Not Do
    [Documentation]    The archive is down: every row waits for a later retry, and the run fails.
    Set Simulator Faults    error_rate=1
    ${run}=    Run Archive Cases    backend=api    retries=1    backoff=60
    Run Should Have Failed    ${run}
    Every Valid Request Should Be    ${run}    Venter – prøves igjen
    Switch Off Faults
    No Request Should Have A Case

UI Robot Logs In Again When The Session Expires
    [Documentation]    Sessions live 3 s, also while a form is filled in: the robot logs in again.
    Use The First Sample Rows    10
    Set Simulator Faults    session_timeout_minutes=0.05
    ${run}=    Run Archive Cases    backend=ui
    Run Should Have Succeeded    ${run}
    Every Valid Request Should Be    ${run}    Opprettet

UI Robot Follows A Renamed Label When Told
    [Documentation]    An upgrade renamed a label: the items fail, naming the field; an operator sets
    ...    archive.labels and sends them back; the next run creates the cases.
    Use The First Sample Rows    6
    Set Simulator Faults    renamed_labels={"Offentlig tittel": "Sakstittel"}
    ${blind}=    Run Archive Cases    backend=ui    retries=0    max_attempts=1
    Every Valid Request Should Be    ${blind}    Feilet
    Every Valid Request Should Have Reason    ${blind}    Fant ikke feltet «Offentlig tittel»
    Retry Failed Items
    ${told}=    Run Archive Cases    backend=ui    labels={"Offentlig tittel": "Sakstittel"}
    Every Valid Request Should Be    ${told}    Opprettet

No Fødselsnummer In Any Run Output
    [Documentation]    Scans output.xml, log.html (decoded), report.html, the result sheets and
    ...    every other file of every run in this suite.
    Run Output Should Contain No Fodselsnummer


*** Keywords ***
Invalid Requests Should Be Reported
    [Documentation]    The eight invalid sample rows are Avvist with the reason archive staff need.
    [Arguments]    ${run}
    Invalid Requests Should Be Rejected With Reasons    ${run}
    ...    DEMO-0025=Tittel mangler
    ...    DEMO-0026=Byggesøknad
    ...    DEMO-0027=Parter: ugyldig fødselsnummer
    ...    DEMO-0028=Ukjent enhet «Kulturetaten»
    ...    DEMO-0029=Hjemmel
    ...    DEMO-0030=Parter: ugyldig organisasjonsnummer
    ...    DEMO-0031=Tittelen inneholder et fødselsnummer; bruk skjermet tittel
    ...    ***********=Id-en inneholder et fødselsnummer
