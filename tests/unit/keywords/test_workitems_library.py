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
