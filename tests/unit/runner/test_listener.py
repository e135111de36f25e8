"""The run listener's record of each item: its outcome and, for an item not done, the reason (masked)."""

import json
from types import SimpleNamespace

from saksrobot.runner.listener import RunListener


def test_items_are_recorded_with_their_reason_masked(tmp_path):
    listener = RunListener(str(tmp_path / "items.jsonl"))
    listener.start_test(SimpleNamespace(name="Behandle"), None)
    for text in ("Work item R1: done", "Work item R2: manual (Fant ikke 03851598730 (barnet) i registeret)",
                 "Work item R3: retry", "Noe annet"):
        listener.log_message(SimpleNamespace(message=text))
    listener.close()
    records = [json.loads(line) for line in (tmp_path / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["key"], r["outcome"], r.get("reason")) for r in records] == [
        ("R1", "done", None), ("R2", "manual", "Fant ikke *********** (barnet) i registeret"), ("R3", "retry", None)]
