"""Sending alert mails: one ``EmailMessage`` in Norwegian (subject ``[saksrobot] ...``), every text
masked, sent through the municipality's SMTP server with STARTTLS (a private CA through
``alerts.ca_file``) and a log-in. A server that cannot be reached or refuses is an
:class:`AlertNotSent` (an application error: the next pass tries again)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from saksrobot.errors import ApplicationError, ConfigurationError
from saksrobot.privacy import mask
from saksrobot.settings import Settings

PREFIX = "[saksrobot]"
SIGNATURE = "Hilsen saksrobot\n(Denne e-posten er sendt automatisk. Ikke svar på den.)"


class AlertNotSent(ApplicationError):
    """The SMTP server could not be reached, or refused the log-in or the message."""

    code = "alert_not_sent"


def compose(settings: Settings, to: Sequence[str], headline: str, body: str) -> EmailMessage:
    """The mail: ``[saksrobot] <headline>`` to ``to``, the body as plain text; both masked."""
    if not settings.alerts.sender:
        raise ConfigurationError("alerts.sender (the From address of alert mails) is not set", code="alerts")
    message = EmailMessage()
    message["Subject"] = mask(f"{PREFIX} {headline}")
    message["From"] = settings.alerts.sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid("saksrobot", domain=settings.alerts.sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies
    message.set_content(mask(f"Hei,\n\n{body.strip()}\n\n{SIGNATURE}\n"), cte="quoted-printable")
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Deliver ``message`` through ``alerts.smtp_host``: STARTTLS (the certificate checked, against
    ``alerts.ca_file`` when set), log-in when ``alerts.smtp_username`` is set."""
    alerts = settings.alerts
    if not alerts.smtp_host:
        raise ConfigurationError("alerts.smtp_host (the SMTP server of alert mails) is not set", code="alerts")
    smtp: smtplib.SMTP | None = None
    try:
        smtp = smtplib.SMTP(alerts.smtp_host, alerts.smtp_port, timeout=alerts.timeout_seconds)
        if alerts.starttls:
            cafile = settings.path(alerts.ca_file) if alerts.ca_file else None
            smtp.starttls(context=ssl.create_default_context(cafile=cafile))
        if alerts.smtp_username:
            password = alerts.smtp_password.get_secret_value() if alerts.smtp_password else ""
            smtp.login(alerts.smtp_username, password)
        smtp.send_message(message)
        smtp.quit()
    except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, timed out, TLS (ssl.SSLError)
        raise AlertNotSent(f"E-post ble ikke sendt via {alerts.smtp_host}:{alerts.smtp_port}: "
                           f"{type(exc).__name__}: {exc}") from None
    finally:
        if smtp is not None:
            smtp.close()  # after a failure no QUIT: a half-made TLS connection would only time out


def probe_message(settings: Settings, address: str) -> EmailMessage:
    """The mail of ``saksrobot alerts test``: it arrived, so the SMTP settings work."""
    return compose(settings, [address], "Testvarsel", "Dette er en test av e-postvarslene fra saksrobot. Kom den "
                   f"fram, virker SMTP-innstillingene.\nKontrollrommet: {settings.alerts.base_url}")
