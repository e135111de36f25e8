"""Alerts by e-mail end to end, against a real SMTP server process (aiosmtpd, STARTTLS and log-in
required, its certificate from a private CA the client trusts through ``alerts.ca_file``): a failed
run, a missed run and a long manual queue each deliver one mail; a second failure within the
grouping period none; the Varsler page decides who gets them. Passes are driven with explicit times."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from saksrobot.alerts import AlertNotSent, AlertService
from saksrobot.alerts.mailer import probe_message, send
from saksrobot.cli import app as cli
from saksrobot.database import make_engine
from saksrobot.runner import RunStatus, record_event
from saksrobot.scheduler import SchedulerService
from saksrobot.settings import load_settings
from saksrobot.web import users as users_module
from saksrobot.web.app import create_app
from saksrobot.web.users import Role, UserStore
from saksrobot.workitems import WorkItemStore
from smtp_sink import PASSWORD, USER, smtp_sink

pytestmark = pytest.mark.acceptance
T0 = datetime(2027, 5, 14, 8, 0, tzinfo=UTC)  # 10:00 in Oslo
BASE = "https://saksrobot.kommune.no"
LOGIN = "et-langt-passord-2026"


@pytest.fixture(scope="module")
def sink(tmp_path_factory):
    with smtp_sink(tmp_path_factory.mktemp("smtp")) as sink:
        yield sink


@pytest.fixture
def world(sink, tmp_path, monkeypatch):
    """Settings pointing at the SMTP server, a fresh database with users of each role, an empty mailbox."""
    for old in sink.folder.iterdir():
        old.unlink()
    monkeypatch.setattr(users_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    settings = load_settings(logs_dir=tmp_path / "logs", alerts={
        "enabled": True, "smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_username": USER,
        "smtp_password": PASSWORD, "sender": "saksrobot@kommune.no", "ca_file": str(sink.ca_file),
        "timeout_seconds": 10, "base_url": BASE, "manual_queue_max": 2})
    engine = make_engine(f"sqlite:///{tmp_path / 'saksrobot.db'}")
    users = UserStore(engine)
    for name, role in (("ola", Role.OPERATOR), ("mona", Role.MANAGER), ("ada", Role.ADMIN)):
        users.add(name, LOGIN, role)
        users.set_email(name, f"{name}@kommune.no")
    yield settings, engine
    engine.dispose()


def failed(engine, at: datetime, reason: str = "Arkivet svarte ikke") -> str:
    return record_event(engine, "archive_cases", RunStatus.FAILED, reason, "tidsplan #1", at)


def test_a_failed_run_delivers_one_mail_and_a_second_within_the_period_none(sink, world):
    settings, engine = world
    alerts = AlertService(settings, engine)
    run_id = failed(engine, T0 - timedelta(minutes=1), reason="Fant ikke 03856298741 i folkeregisteret")
    assert alerts.check(T0).failed == 0
    [(message, envelope)] = sink.messages()
    assert (envelope["login"], envelope["tls"]) == (USER, True)
    assert sorted(envelope["rcpt_tos"]) == ["ada@kommune.no", "ola@kommune.no"]
    assert message["To"] == "ada@kommune.no, ola@kommune.no" and message["From"] == "saksrobot@kommune.no"
    assert message["Subject"] == "[saksrobot] Kjøring feilet: Saker fra forespørsler"
    body = message.get_body().get_content()
    assert "Kjøringen av «Saker fra forespørsler» som startet 14.05.2027 kl. 09:59" in body
    assert f"Se mer: {BASE}/kjoringer/{run_id}" in body and "Hva du bør gjøre:" in body
    assert "Fant ikke *********** i folkeregisteret" in body
    assert "03856298741" not in message.as_string() and not re.search(r"(?<!\d)\d{11}(?!\d)", body)

    failed(engine, T0 + timedelta(minutes=10))  # within group_minutes (60)
    alerts.check(T0 + timedelta(minutes=11))
    assert len(sink.messages()) == 1

    failed(engine, T0 + timedelta(minutes=70))  # after the period: mailed again, telling of the one held back
    alerts.check(T0 + timedelta(minutes=71))
    assert len(sink.messages()) == 2
    assert "i tillegg vært 1 lignende hendelse(r)" in sink.messages()[1][0].get_body().get_content()


def test_a_missed_scheduled_run_delivers_one_mail(sink, world):
    settings, engine = world
    run_id = record_event(engine, "invoices", RunStatus.MISSED, "Kjøringen 14.05.2027 kl. 07:00 ble ikke startet: "
                          "tjenesten var nede lenger enn 60 min", "tidsplan #2", T0 - timedelta(minutes=30))
    AlertService(settings, engine).check(T0)
    [(message, _)] = sink.messages()
    assert message["Subject"] == "[saksrobot] Kjøring ikke startet: Inngående fakturaer (EHF)"
    body = message.get_body().get_content()
    assert "tjenesten var nede lenger enn 60 min" in body and f"{BASE}/kjoringer/{run_id}" in body


def test_a_long_manual_queue_delivers_one_mail(sink, world):
    settings, engine = world
    items = WorkItemStore(engine)
    for n in range(3):
        items.add("archive_cases", f"REQ-{n}", {"title": "Søknad", "fnr": "03856298741"})
        items.hand_over(items.reserve("archive_cases"), "unknown_contact", "Fant ikke kontaktpersonen")
    alerts = AlertService(settings, engine)
    now = datetime.now(UTC)
    alerts.check(now)
    alerts.check(now + timedelta(minutes=5))
    [(message, _)] = sink.messages()
    assert message["Subject"] == "[saksrobot] Oppgaver venter på manuell behandling: Saker fra forespørsler"
    body = message.get_body().get_content()
    assert "3 oppgaver fra «Saker fra forespørsler» venter på manuell behandling" in body
    assert f"{BASE}/manuell?prosess=archive_cases" in body and "03856298741" not in message.as_string()


def test_a_role_unsubscribed_on_the_varsler_page_gets_nothing(sink, world):
    settings, engine = world
    client = TestClient(create_app(settings, engine, SchedulerService(settings, engine, runner=lambda *a, **k: None)),
                        follow_redirects=False)
    page = client.get("/logg-inn")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    assert client.post("/logg-inn", data={"username": "ada", "password": LOGIN, "csrf_token": token}).status_code == 303
    page = client.get("/varsler")
    assert page.status_code == 200 and "Ingen valg er lagret ennå" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    form = {name: "on" for name in re.findall(r'type="checkbox" id="[^"]+" name="([^"]+)" checked', page.text)}
    del form["g:run_failed:operator"]
    assert client.post("/varsler", data={"csrf_token": token, **form}).status_code == 303
    failed(engine, T0 - timedelta(minutes=1))
    AlertService(settings, engine).check(T0)
    [(message, envelope)] = sink.messages()
    assert envelope["rcpt_tos"] == ["ada@kommune.no"] and "ola" not in message["To"]
    client.close()


def test_an_untrusted_certificate_or_a_wrong_password_is_not_sent(sink, world, tmp_path):
    settings, _ = world
    other_ca = tmp_path / "other-ca.pem"
    import trustme

    trustme.CA().cert_pem.write_to_path(other_ca)
    for wrong in ({"ca_file": str(other_ca)}, {"smtp_password": SecretStr("feil-passord")}):
        broken = settings.model_copy(update={"alerts": settings.alerts.model_copy(update=wrong)})
        with pytest.raises(AlertNotSent) as raised:
            send(broken, probe_message(broken, "ola@kommune.no"))
        assert PASSWORD not in str(raised.value)
    assert sink.messages() == []


def test_saksrobot_alerts_test_sends_a_test_mail_with_the_password_from_the_environment(sink, world, monkeypatch,
                                                                                         tmp_path):
    settings, _ = world
    home = tmp_path / "home"
    shutil.copytree(settings.home / "config", home / "config")
    monkeypatch.setenv("SAKSROBOT_HOME", str(home))
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port), "SMTP_USERNAME": USER,
                       "SMTP_PASSWORD": PASSWORD, "SENDER": "saksrobot@kommune.no",
                       "CA_FILE": str(settings.alerts.ca_file)}.items():
        monkeypatch.setenv(f"SAKSROBOT_ALERTS__{key}", value)
    result = CliRunner().invoke(cli, ["alerts", "test", "ada@kommune.no"])
    assert result.exit_code == 0, result.output
    [(message, envelope)] = sink.messages()
    assert message["Subject"] == "[saksrobot] Testvarsel" and envelope["rcpt_tos"] == ["ada@kommune.no"]
