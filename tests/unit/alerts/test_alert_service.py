"""One pass after another with explicit times: grouping, the watermark across restarts, recipients
by role and robot, a dead SMTP server, and what the mail says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alertroom import BASE, T0, alert_settings, failed_run, minutes
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saksrobot.alerts import AlertService
from saksrobot.alerts.model import AlertSent
from saksrobot.alerts.service import last_problem
from saksrobot.alerts.subscriptions import SubscriptionStore
from saksrobot.errors import ConfigurationError
from saksrobot.workitems import WorkItemStore


def service(settings, engine, outbox) -> AlertService:
    return AlertService(settings, engine, send=outbox)


def test_a_failure_mails_once_a_second_within_the_period_is_held_and_told_later(settings, engine, users, outbox):
    alerts = service(settings, engine, outbox)
    failed_run(engine, T0 - minutes(1))
    assert alerts.check(T0).sent == ["Kjøring feilet: Saker fra forespørsler"]
    assert alerts.check(T0 + minutes(1)).sent == []  # nothing new
    failed_run(engine, T0 + minutes(20))
    report = alerts.check(T0 + minutes(21))
    assert (report.sent, report.held) == ([], 1)
    failed_run(engine, T0 + minutes(61), reason="Arkivet svarte 503")
    assert alerts.check(T0 + minutes(62)).sent == ["Kjøring feilet: Saker fra forespørsler"]
    assert len(outbox.messages) == 2
    body = outbox.messages[1].get_body().get_content()
    assert "Arkivet svarte 503" in body and "i tillegg vært 1 lignende hendelse(r)" in body


def test_failures_of_other_robots_are_mailed_apart(settings, engine, users, outbox):
    failed_run(engine, T0 - minutes(2))
    failed_run(engine, T0 - minutes(1), robot="invoices")
    assert len(service(settings, engine, outbox).check(T0).sent) == 2


def test_a_restart_neither_resends_nor_loses_an_alert(settings, engine, users, outbox):
    failed_run(engine, T0 - minutes(1))
    assert len(service(settings, engine, outbox).check(T0).sent) == 1
    late = failed_run(engine, T0 - minutes(3), robot="invoices")  # recorded after that pass, dated before it
    restarted = service(settings, engine, outbox)
    assert restarted.check(T0 + minutes(2)).sent == ["Kjøring feilet: Inngående fakturaer (EHF)"]
    assert f"/kjoringer/{late}" in outbox.messages[-1].get_body().get_content()
    assert service(settings, engine, outbox).check(T0 + minutes(3)).sent == []


def test_the_first_pass_tells_only_of_the_last_hour(settings, engine, users, outbox):
    failed_run(engine, T0 - timedelta(days=2))
    assert service(settings, engine, outbox).check(T0).sent == []


def test_a_dead_smtp_server_is_retried_at_the_next_pass_and_shown(settings, engine, users, outbox):
    alerts = service(settings, engine, outbox)
    failed_run(engine, T0 - minutes(1))
    outbox.down = True
    report = alerts.check(T0)
    assert (report.sent, report.failed) == ([], 1)
    assert "ConnectionRefusedError" in last_problem(engine)
    outbox.down = False
    assert alerts.check(T0 + minutes(1)).sent == ["Kjøring feilet: Saker fra forespørsler"]
    assert last_problem(engine) is None


def test_missing_smtp_settings_fail_the_mail_not_the_pass(tmp_path, engine, users):
    with pytest.raises(ConfigurationError, match="alerts.enabled needs alerts.smtp_host and alerts.sender"):
        alert_settings(tmp_path, smtp_host="")  # the service does not start so
    failed_run(engine, T0 - minutes(1))
    alerts = AlertService(alert_settings(tmp_path, smtp_host="", enabled=False), engine)  # `saksrobot alerts check`
    assert alerts.check(T0).failed == 1
    assert "alerts.smtp_host" in last_problem(engine)


def test_a_password_is_never_sent_without_starttls(tmp_path):
    with pytest.raises(ConfigurationError, match="unencrypted"):
        alert_settings(tmp_path, smtp_username="saksrobot", starttls=False)


def test_recipients_are_the_active_users_of_the_subscribed_roles(settings, engine, users, outbox):
    alerts = service(settings, engine, outbox)
    failed_run(engine, T0 - minutes(1))
    alerts.check(T0)
    assert outbox.messages[0]["To"] == "ada@kommune.no, ola@kommune.no"  # by default: operators and admins
    SubscriptionStore(engine).replace({("run_failed", "", "operator"): True, ("run_failed", "", "admin"): False,
                                       ("run_failed", "invoices", "operator"): False,
                                       ("run_failed", "invoices", "manager"): True}, by="ada")
    failed_run(engine, T0 + minutes(1), robot="invoices")
    failed_run(engine, T0 + minutes(1), robot="school_cases")
    alerts.check(T0 + minutes(2))
    assert {m["Subject"]: m["To"] for m in outbox.messages[1:]} == {
        "[saksrobot] Kjøring feilet: Inngående fakturaer (EHF)": "mona@kommune.no",
        "[saksrobot] Kjøring feilet: Elev- og barnehagemapper": "ola@kommune.no"}


def test_nobody_subscribed_sends_nothing(settings, engine, users, outbox):
    SubscriptionStore(engine).replace({("run_failed", "", role): False for role in ("operator", "admin")}, by="ada")
    failed_run(engine, T0 - minutes(1))
    report = service(settings, engine, outbox).check(T0)
    assert (report.sent, report.unaddressed, outbox.messages) == ([], 1, [])


def test_a_long_queue_is_mailed_once_a_day_while_it_lasts(tmp_path, engine, users, outbox):
    items = WorkItemStore(engine)
    for n in range(3):
        items.add("archive_cases", f"REQ-{n}", {"title": "Søknad"})
        items.hand_over(items.reserve("archive_cases"), "unknown_contact", "Fant ikke kontaktpersonen")
    alerts = service(alert_settings(tmp_path, manual_queue_max=2), engine, outbox)
    now = items.find()[0].updated_at + minutes(1)
    assert alerts.check(now).sent == ["Oppgaver venter på manuell behandling: Saker fra forespørsler"]
    assert alerts.check(now + timedelta(hours=5)).sent == []
    assert len(alerts.check(now + timedelta(days=1, minutes=1)).sent) == 1


def test_the_mail_is_norwegian_masked_and_links_the_run(settings, engine, users, outbox):
    run_id = failed_run(engine, T0 - minutes(1), reason="Fant ikke 03856298741 i folkeregisteret")
    service(settings, engine, outbox).check(T0)
    [message] = outbox.messages
    body = message.get_body().get_content()
    assert message["Subject"] == "[saksrobot] Kjøring feilet: Saker fra forespørsler"
    assert message["From"] == "saksrobot@kommune.no" and message["Auto-Submitted"] == "auto-generated"
    assert f"Se mer: {BASE}/kjoringer/{run_id}" in body and "Hva du bør gjøre:" in body
    assert "14.05.2027 kl. 09:59" in body and "Fant ikke *********** i folkeregisteret" in body
    assert "03856298741" not in message.as_string()


def test_the_daily_summary_goes_once_to_managers(tmp_path, engine, users, outbox):
    alerts = service(alert_settings(tmp_path, daily_summary=True), engine, outbox)
    assert alerts.check(T0).sent == ["Daglig oppsummering for 13.05.2027"]
    assert outbox.messages[0]["To"] == "mona@kommune.no"
    assert alerts.check(T0 + timedelta(hours=3)).sent == []
    assert alerts.check(T0 + timedelta(days=1)).sent == ["Daglig oppsummering for 14.05.2027"]
    with Session(engine) as s:  # old rows of the sent log are pruned
        assert s.scalar(select(func.count()).select_from(AlertSent)) == 2


def test_the_scheduler_service_checks_alerts_only_when_enabled(tmp_path, engine):
    from saksrobot.scheduler import SchedulerService

    for enabled in (True, False):
        scheduler = SchedulerService(alert_settings(tmp_path, enabled=enabled, check_seconds=30), engine,
                                     runner=lambda *a, **k: None)
        scheduler.start()
        try:
            job = scheduler.scheduler.get_job("alerts", jobstore="local")
            assert (job is not None) == enabled
            if enabled:
                assert job.trigger.interval.total_seconds() == 30 and job.executor == "alerts"
        finally:
            scheduler.shutdown()
