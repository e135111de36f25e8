"""WorkItemsLibrary in a real Robot Framework run: outcomes mapped from the handler's errors."""

import subprocess
import sys
import textwrap

from sqlalchemy import select
from sqlalchemy.orm import Session

from saksrobot.database import make_engine
from saksrobot.gevinst import GevinstRow
from saksrobot.workitems import State, WorkItemStore

HANDLERS = '''
from saksrobot.errors import ApplicationError, BusinessError


def handle(item):
    kind = item.payload["kind"]
    if kind == "bad":
        raise BusinessError("Mangler samtykke fra foresatte for 03851550150", code="no_consent")
    if kind == "down":
        raise ApplicationError("Arkivet svarer ikke", code="unreachable")
    if kind == "bug":
        raise KeyError("typo")
    return "26/00042"
'''

ROBOT = '''
*** Settings ***
Library    saksrobot.keywords.WorkItemsLibrary    process=test
Library    handlers.py

*** Tasks ***
Produce
    FOR    ${kind}    IN    ok    bad    down    bug
        Add Work Item    ${kind}-1    ${{ {"kind": "${kind}"} }}
    END
    Add Work Item    ok-1    ${{ {"kind": "changed"} }}

Consume
    ${counts}=    Process Work Items    Handle
    Should Be Equal    ${counts}    ${{ {"done": 1, "manual": 1, "retry": 2} }}
    Run Keyword And Expect Error    2 work item(s) of test met an application error (2 to be retried, 0 failed)
    ...    Every Work Item Should Be Settled
'''


def test_outcomes_states_and_gevinst_rows(tmp_path):
    (tmp_path / "handlers.py").write_text(HANDLERS)
    (tmp_path / "flow.robot").write_text(textwrap.dedent(ROBOT))
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = subprocess.run([sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"), "--variable",
                             "RUN_ID:r1", str(tmp_path / "flow.robot")], cwd=tmp_path, capture_output=True, text=True,
                            env={**__import__("os").environ, "SAKSROBOT_DATABASE__URL": url,
                                 "SAKSROBOT_GEVINST__BASELINES": '{"test": [{"version": "t", "valid_from": '
                                                                 '"2000-01-01", "manual_minutes": 10}]}'})
    assert result.returncode == 0, result.stdout
    engine = make_engine(url)
    items = {i.key: i for i in WorkItemStore(engine).find("test")}
    assert items["ok-1"].state == State.DONE and items["ok-1"].result == {"case_number": "26/00042"}
    assert items["ok-1"].payload == {"kind": "ok"}  # the second add changed nothing
    assert (items["bad-1"].state, items["bad-1"].reason_code) == (State.MANUAL, "no_consent")
    assert "03851550150" not in items["bad-1"].reason_text
    assert (items["down-1"].state, items["down-1"].reason_code) == (State.PENDING, "unreachable")
    assert (items["bug-1"].state, items["bug-1"].reason_code) == (State.PENDING, "robot_error")
    with Session(engine) as s:
        rows = {(r.business_key, r.outcome, r.saved_minutes, r.run_id) for r in s.scalars(select(GevinstRow))}
    assert rows == {("ok-1", "done", 10.0, "r1"), ("bad-1", "manual", 0, "r1"), ("down-1", "retry", 0, "r1"),
                    ("bug-1", "retry", 0, "r1")}
    assert "03851550150" not in (tmp_path / "out" / "output.xml").read_text()


RF_HANDLERS = '''
*** Settings ***
Library    saksrobot.keywords.WorkItemsLibrary    process=rf    personal=navn
Library    handlers.py

*** Tasks ***
Produce
    Add Items With A Name    ok    bad    consent    later    bug    crash

Consume
    ${counts}=    Process Work Items    Handle In Robot Framework
    Should Be Equal    ${counts}    ${{ {"done": 1, "manual": 2, "failed": 3} }}

*** Keywords ***
Handle In Robot Framework
    [Arguments]    ${item}
    The Name Should Be Back    ${item}
    IF    $item.payload["kind"] == "bad"
        Check The Application    ${item}
    ELSE IF    $item.payload["kind"] == "consent"
        Refuse Without Consent
    ELSE IF    $item.payload["kind"] == "later"
        Wait For The Archive
    ELSE IF    $item.payload["kind"] == "bug"
        Fail    A typo in the robot
    ELSE IF    $item.payload["kind"] == "crash"
        Raise Application Error Always
    END
    RETURN    26/00042

Check The Application
    [Arguments]    ${item}
    Deep Down    Søknaden mangler tiltakshaver

Deep Down
    [Arguments]    ${reason}
    Hand Over To Archive Staff    ${reason}    code=missing_applicant

Wait For The Archive
    Retry Later    Saken er låst av en saksbehandler
'''

RF_LIBRARY = HANDLERS + '''

def add_items_with_a_name(*kinds):
    from robot.libraries.BuiltIn import BuiltIn

    work = BuiltIn().get_library_instance("saksrobot.keywords.WorkItemsLibrary")
    for kind in kinds:  # personal data read by a Python keyword, as the shipped robots do
        work.add_work_item(kind, {"kind": kind, "navn": "Kari " + "Nordmann"})


def the_name_should_be_back(item):
    assert item.payload["navn"] == "Kari " + "Nordmann"


def refuse_without_consent():
    raise BusinessError("Mangler samtykke fra foresatte", code="no_consent")


def raise_application_error_always():
    raise ApplicationError("Arkivet svarer ikke", code="unreachable")
'''


def run_robot_file(tmp_path, robot: str, library: str, url: str, **env: str):
    (tmp_path / "handlers.py").write_text(library)
    (tmp_path / "flow.robot").write_text(textwrap.dedent(robot))
    return subprocess.run([sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"), "--variable",
                           "RUN_ID:r1", str(tmp_path / "flow.robot")], cwd=tmp_path, capture_output=True, text=True,
                          env={**__import__("os").environ, "SAKSROBOT_DATABASE__URL": url, **env})


def test_a_handler_in_robot_framework_hands_over_and_retries_from_any_depth(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    from saksrobot.workitems.sealed import new_key
    key = new_key()
    result = run_robot_file(tmp_path, RF_HANDLERS, RF_LIBRARY, url, SAKSROBOT_WORKITEMS__ENCRYPTION_KEY=key,
                            SAKSROBOT_WORKITEMS__MAX_ATTEMPTS="1")
    assert result.returncode == 0, result.stdout
    items = {i.key: i for i in WorkItemStore(make_engine(url)).find("rf")}
    assert items["ok"].state == State.DONE
    assert (items["bad"].state, items["bad"].reason_code, items["bad"].reason_text) == (
        State.MANUAL, "missing_applicant", "Søknaden mangler tiltakshaver")
    assert (items["consent"].state, items["consent"].reason_code) == (State.MANUAL, "no_consent")  # Python, in RF
    assert (items["later"].state, items["later"].reason_code) == (State.FAILED, "retry_later")
    assert (items["bug"].state, items["bug"].reason_code) == (State.FAILED, "robot_error")
    assert (items["crash"].state, items["crash"].reason_code) == (State.FAILED, "unreachable")
    for item in items.values():  # the name was sealed, never stored or logged in clear
        assert "navn" not in item.payload and item.personal and "Kari" not in item.personal
    assert "Kari Nordmann" not in (tmp_path / "db.sqlite").read_bytes().decode("latin-1")
    assert "Kari Nordmann" not in (tmp_path / "out" / "output.xml").read_text()


STOPPING = '''
*** Settings ***
Library    saksrobot.keywords.WorkItemsLibrary    process=stop
Library    handlers.py

*** Tasks ***
Produce
    Add Work Item    first    ${{ {"kind": "ok"} }}
    Add Work Item    second    ${{ {"kind": "ok"} }}

Consume
    Process Work Items    Refused Key

Never Reached
    Log    after the stop
'''

STOP_LIBRARY = '''
from saksrobot.errors import ConfigurationError


def refused_key(item):
    raise ConfigurationError("The archive refused archive.api_key (HTTP 401)", code="unauthorized")
'''


def test_a_refused_key_gives_the_item_back_and_stops_the_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = run_robot_file(tmp_path, STOPPING, STOP_LIBRARY, url)
    assert result.returncode != 0
    assert "Kjøringen stoppes: The archive refused archive.api_key" in result.stdout
    items = {i.key: i for i in WorkItemStore(make_engine(url)).find("stop")}
    assert {(i.state, i.attempts) for i in items.values()} == {(State.PENDING, 0)}  # untouched, not counted
    assert "after the stop" not in (tmp_path / "out" / "output.xml").read_text()
    with Session(make_engine(url)) as s:
        assert s.scalars(select(GevinstRow)).all() == []  # nothing was handled


SLOW = '''
*** Settings ***
Library    saksrobot.keywords.WorkItemsLibrary    process=slow

*** Tasks ***
Produce
    Add Work Item    only    ${{ {"kind": "slow"} }}

Consume
    Process Work Items    Take Forever

*** Keywords ***
Take Forever
    [Arguments]    ${item}
    Sleep    120s
'''


def test_a_run_stopped_by_its_time_limit_gives_the_item_back_untouched(tmp_path):
    from saksrobot.runner import RunStatus, run_robot
    from saksrobot.settings import load_settings

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    (tmp_path / "slow.robot").write_text(textwrap.dedent(SLOW))
    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": url})
    result = run_robot(settings, str(tmp_path / "slow.robot"), timeout=8)
    assert result.status is RunStatus.TIMED_OUT
    [item] = WorkItemStore(make_engine(url)).find("slow")
    assert (item.state, item.attempts, item.reason_code) == (State.PENDING, 0, "released")
    assert "Uventet feil" not in (item.reason_text or "")
    with Session(make_engine(url)) as s:
        assert s.scalars(select(GevinstRow)).all() == []
