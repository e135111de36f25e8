"""The rules over a real database: each finds what it should, in Norwegian, masked, with its link,
and nothing else."""

from __future__ import annotations

from datetime import timedelta

from alertroom import BASE, T0, alert_settings, failed_run, minutes
from sqlalchemy import update
from sqlalchemy.orm import Session

from saksrobot.alerts import rules
from saksrobot.alerts.rules import Window
from saksrobot.alerts.service import naive_utc
from saksrobot.alerts.summary import daily_summary
from saksrobot.gevinst import GevinstLog
from saksrobot.runner import RunStatus, record_event
from saksrobot.scheduler import ScheduleSpec, ScheduleStore
from saksrobot.scheduler.model import Schedule
from saksrobot.workers.model import WorkerRow
from saksrobot.workitems import WorkItem, WorkItemStore

NOW = naive_utc(T0)


def window(settings, engine, now=NOW, since=NOW - timedelta(hours=1)) -> Window:
    return Window(settings, engine, now, since)


def test_run_failed_finds_failed_and_timed_out_runs_of_the_window_masked_with_a_link(settings, engine):
    inside = failed_run(engine, T0 - minutes(5), reason="Fant ikke 03856298741 i folkeregisteret")
    stopped = failed_run(engine, T0 - minutes(4), robot="invoices", status=RunStatus.TIMED_OUT)
    failed_run(engine, T0 - minutes(90))  # before the window
    failed_run(engine, T0 + minutes(1))  # after now
    record_event(engine, "archive_cases", RunStatus.SKIPPED, "forrige kjøring pågikk", "tidsplan #1", T0)
    found = rules.run_failed(window(settings, engine))
    assert [(f.subject, f.link, f.event) for f in found] == [
        ("archive_cases", f"{BASE}/kjoringer/{inside}", f"run:{inside}"),
        ("invoices", f"{BASE}/kjoringer/{stopped}", f"run:{stopped}")]
    assert found[0].headline == "Kjøring feilet: Saker fra forespørsler"
    assert "«Feilet»" in found[0].text and "14.05.2027 kl. 09:55" in found[0].text  # Oslo time
    assert "03856298741" not in found[0].text and "Fant ikke *********** i folkeregisteret" in found[0].text
    assert "«Stoppet (for lang tid)»" in found[1].text


def test_run_missed_finds_the_scheduled_runs_that_did_not_start(settings, engine):
    missed = record_event(engine, "invoices", RunStatus.MISSED, "Kjøringen 14.05.2027 kl. 07:00 ble ikke startet: "
                          "tjenesten var nede lenger enn 60 min", "tidsplan #2", T0 - minutes(30))
    failed_run(engine, T0 - minutes(20))
    found = rules.run_missed(window(settings, engine))
    assert [(f.rule, f.subject, f.link) for f in found] == [("run_missed", "invoices", f"{BASE}/kjoringer/{missed}")]
    assert found[0].headline == "Kjøring ikke startet: Inngående fakturaer (EHF)"
    assert "tjenesten var nede lenger enn 60 min" in found[0].text


def test_robot_stale_counts_from_the_last_success_or_the_schedule(tmp_path, engine):
    settings = alert_settings(tmp_path, stale_days=3)
    store = ScheduleStore(engine)
    store.create(ScheduleSpec(robot="archive_cases", days="hverdager", times="07:00"), by="kari")
    paused = store.create(ScheduleSpec(robot="invoices", days="hverdager", times="07:00"), by="kari")
    store.set_enabled(paused.id, False, "kari")
    with Session(engine) as s:  # the schedules were made ten days before "now"
        s.execute(update(Schedule).values(updated_at=NOW - timedelta(days=10)))
        s.commit()
    record_event(engine, "archive_cases", RunStatus.SUCCEEDED, "", "test", T0 - timedelta(days=4))
    found = rules.robot_stale(window(settings, engine))
    assert [(f.subject, f.link) for f in found] == [("archive_cases", f"{BASE}/kjoringer?robot=archive_cases")]
    assert "ingen vellykket kjøring siden 10.05.2027 kl. 10:00" in found[0].text
    record_event(engine, "archive_cases", RunStatus.SUCCEEDED, "", "test", T0 - timedelta(days=2))
    assert rules.robot_stale(window(settings, engine)) == []


def test_manual_queue_above_the_threshold_or_too_old(tmp_path, engine):
    items = WorkItemStore(engine)
    for n in range(3):
        items.add("archive_cases", f"REQ-{n}", {"title": "Søknad"})
        items.hand_over(items.reserve("archive_cases"), "unknown_contact", "Fant ikke 03856298741")
    items.add("invoices", "INV-1", {})
    items.hand_over(items.reserve("invoices"), "invalid", "Ugyldig")
    with Session(engine) as s:
        s.execute(update(WorkItem).values(updated_at=NOW - timedelta(days=1)))
        s.execute(update(WorkItem).where(WorkItem.process == "invoices").values(updated_at=NOW - timedelta(days=6)))
        s.commit()
    found = rules.manual_queue(window(alert_settings(tmp_path, manual_queue_max=2, manual_age_days=5), engine))
    assert [(f.subject, f.link) for f in found] == [("archive_cases", f"{BASE}/manuell?prosess=archive_cases"),
                                                    ("invoices", f"{BASE}/manuell?prosess=invoices")]  # too old
    assert found[0].text.startswith("3 oppgaver fra «Saker fra forespørsler» venter på manuell behandling")
    assert all("03856298741" not in f.text for f in found)  # no reasons, no payloads: counts only
    assert rules.manual_queue(window(alert_settings(tmp_path, manual_queue_max=3, manual_age_days=7), engine)) == []


def test_worker_died_in_the_window_only_in_workers_mode(tmp_path, engine):
    with Session(engine) as s:
        for name, beat, stopped in (("runner-a", NOW - minutes(5), None), ("runner-b", NOW - minutes(5), NOW),
                                    ("runner-c", NOW - minutes(0.5), None),  # alive
                                    ("runner-d", NOW - timedelta(days=3), None)):  # died long before the window
            s.add(WorkerRow(name=name, host="vm-1", pid=1, queues=[], concurrency=1, started_at=beat,
                            heartbeat_at=beat, stopped_at=stopped))
        s.commit()
    workers = alert_settings(tmp_path).model_copy(update={"runner": alert_settings(tmp_path).runner.model_copy(
        update={"mode": "workers", "stalled_seconds": 60})})
    found = rules.worker_died(window(workers, engine))
    assert [(f.subject, f.link, f.robot) for f in found] == [("runner-a", f"{BASE}/arbeidere", None)]
    assert "har ikke gitt livstegn siden 14.05.2027 kl. 09:55" in found[0].text
    assert rules.worker_died(window(alert_settings(tmp_path), engine)) == []  # local runs: no workers


def test_daily_summary_after_its_time_with_counts_only(tmp_path, engine):
    settings = alert_settings(tmp_path, daily_summary=True, daily_summary_time="07:30")
    yesterday = T0 - timedelta(days=1)
    failed_run(engine, yesterday)
    GevinstLog(engine, settings.gevinst).record("archive_cases", "REQ-1", "done", finished_at=naive_utc(yesterday))
    assert daily_summary(window(settings, engine, now=naive_utc(T0.replace(hour=5)))) == []  # 07:00 in Oslo
    [found] = daily_summary(window(settings, engine))
    assert (found.subject, found.headline, found.link) == ("2027-05-13", "Daglig oppsummering for 13.05.2027",
                                                           f"{BASE}/")
    assert "Kjøringer: 1, av dem 1 med problemer" in found.text
    assert "- Saker fra forespørsler: 1 ferdige, 0 til manuell behandling" in found.text
    assert daily_summary(window(alert_settings(tmp_path), engine)) == []  # off by default
