"""The gevinstrealiseringsplan and budget gains file: loaded and validated, a bad entry named."""

from pathlib import Path

import pytest

from saksrobot.errors import ConfigurationError
from saksrobot.gevinst import load_plan, plan_of
from saksrobot.settings import load_settings

KNOWN = ["archive_cases", "invoices"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gevinst_plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_plan_is_valid_and_covers_the_robots():
    plan = plan_of(load_settings())
    assert plan.source == "config/gevinst_plan.toml"
    assert {e.process for e in plan.plan if e.year == 2026} == {"archive_cases", "school_cases", "ppt_referrals",
                                                               "invoices"}


def test_plan_and_budget_gains_are_read(tmp_path):
    plan = load_plan(write(tmp_path, """
[[plan]]
process = "archive_cases"
year = 2026
planned_items = 6000

[[plan]]
process = "invoices"
year = 2026
planned_hours = 2000

[[budget_gains]]
process = "invoices"
amount_nok = 325000
date = 2026-09-01
vedtak = "KST-sak 112/26"
description = "Halv stilling ikke gjenbesatt"
"""), KNOWN)
    assert plan.entry("archive_cases", 2026).planned_items == 6000
    assert plan.entry("invoices", 2026).planned_hours == 2000
    assert plan.entry("invoices", 2027) is None
    assert (plan.budget_gains[0].amount_nok, plan.budget_gains[0].vedtak) == (325000, "KST-sak 112/26")


def test_a_missing_file_is_an_empty_plan(tmp_path):
    plan = load_plan(tmp_path / "nothing.toml", KNOWN)
    assert (plan.plan, plan.budget_gains) == ([], [])


@pytest.mark.parametrize(("text", "named"), [
    ('[[plan]]\nprocess = "archive_cases"\nyear = 2026\nplanned_items = 10\n'
     '[[plan]]\nprocess = "invoices"\nyear = 2026\nplanned_items = -5\n',
     "plan[1] (invoices 2026): planned_items"),
    ('[[plan]]\nprocess = "invoices"\nyear = 2026\nplanned_items = 10\nplanned_hours = 5\n',
     "plan[0] (invoices 2026)"),
    ('[[plan]]\nprocess = "invoices"\nyear = 2026\n', "either planned_items or planned_hours"),
    ('[[plan]]\nprocess = "invoice"\nyear = 2026\nplanned_items = 10\n', "unknown process 'invoice'"),
    ('[[plan]]\nprocess = "invoices"\nyear = 2026\nplanned_items = 1\n'
     '[[plan]]\nprocess = "invoices"\nyear = 2026\nplanned_items = 2\n', "a second plan for invoices in 2026"),
    ('[[budget_gains]]\nprocess = "invoices"\namount_nok = 1000\ndate = 2026-09-01\n',
     "budget_gains[0] (invoices 2026-09-01): vedtak"),
    ('[[budget_gains]]\nprocess = "invoices"\namount_nok = 1000\ndate = "someday"\nvedtak = "x"\n',
     "budget_gains[0]"),
    ('[[plan]]\nprocess = "invoices"\nyear = 2026\nplanned_items = 1\ncolour = "red"\n', "colour"),
    ("[[plan]\n", "not valid TOML"),
])
def test_a_bad_entry_fails_naming_it(tmp_path, text, named):
    with pytest.raises(ConfigurationError) as caught:
        load_plan(write(tmp_path, text), KNOWN)
    assert named in str(caught.value)
    assert "gevinst_plan.toml" in str(caught.value)
