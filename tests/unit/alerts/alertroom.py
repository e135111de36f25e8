"""Helpers of the alert tests: settings with alerts on, runs that failed, and an outbox that stands in
for the SMTP server (the acceptance test has a real one)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from saksrobot.alerts import AlertNotSent
from saksrobot.runner import RunStatus, record_event
from saksrobot.settings import Settings, load_settings

BASE = "https://saksrobot.kommune.no"
ADDRESSES = {"ola": "ola@kommune.no", "mona": "mona@kommune.no", "ada": "ada@kommune.no"}
T0 = datetime(2027, 5, 14, 8, 0, tzinfo=UTC)  # a Friday, 10:00 in Oslo


class Outbox:
    """Stands in for ``mailer.send``: keeps every message; ``down`` makes it fail as a dead server does."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.down = False

    def __call__(self, settings: Settings, message: EmailMessage) -> None:
        if self.down:
            raise AlertNotSent("E-post ble ikke sendt via 127.0.0.1:25: ConnectionRefusedError")
        self.messages.append(message)

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


def alert_settings(tmp_path: Any, **alerts: Any) -> Settings:
    return load_settings(logs_dir=tmp_path / "logs", alerts={
        "enabled": True, "smtp_host": "127.0.0.1", "sender": "saksrobot@kommune.no", "base_url": BASE} | alerts)


def failed_run(engine: Any, at: datetime, robot: str = "archive_cases",
               reason: str = "Arkivet svarte ikke", status: RunStatus = RunStatus.FAILED) -> str:
    """A run that ended ``status`` at ``at``, recorded by the runner's own function."""
    return record_event(engine, robot, status, reason, "tidsplan #1", at)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
