"""One pass of the alerts: evaluate every rule, group what was found (at most one mail per rule and
subject per period; findings held back are counted in the next mail), find the recipients, send,
and record what was sent and how far events were read. ``saksrobot serve`` runs a pass every
``alerts.check_seconds``; ``saksrobot alerts check`` runs one now."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.alerts import mailer
from saksrobot.alerts.catalog import RULES, Kind, Rule
from saksrobot.alerts.model import AlertSent, AlertWatermark
from saksrobot.alerts.rules import Finding, Window, when
from saksrobot.alerts.subscriptions import SubscriptionStore
from saksrobot.database.locks import named_lock
from saksrobot.errors import SaksrobotError
from saksrobot.privacy import mask
from saksrobot.settings import Settings

log = logging.getLogger(__name__)
EVENTS = "events"  # the watermark of event rules
DAY = timedelta(days=1)
FIRST_LOOKBACK = timedelta(hours=1)  # the very first pass tells of events this recent, not of older history
OVERLAP = DAY  # a pass reads events this far before the last pass too (a run recorded late), skipping those seen
Send = Callable[[Settings, EmailMessage], None]


@dataclass
class PassReport:
    """What a pass did: the mails sent (their subject lines), findings held back by grouping, findings
    nobody gets (no subscribed role has a user with an address), and mails the server did not take."""

    sent: list[str] = field(default_factory=list)
    held: int = 0
    unaddressed: int = 0
    failed: int = 0


def naive_utc(moment: datetime) -> datetime:
    """A time as the database stores it (naive UTC); a naive one is taken to be UTC already."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


class AlertService:
    """The alert passes over one database. ``send`` is :func:`mailer.send` (tests may pass another)."""

    def __init__(self, settings: Settings, engine: Engine, send: Send = mailer.send) -> None:
        self.settings, self.engine, self.send = settings, engine, send
        self.subscriptions = SubscriptionStore(engine)

    def check(self, now: datetime | None = None) -> PassReport:
        """One pass at ``now`` (default: the clock), one at a time on the database (the service's pass
        and ``saksrobot alerts check`` never mail the same thing twice). Each mail is sent outside any
        database transaction, and recorded as soon as it is sent."""
        with named_lock(self.engine, "alerts"):
            return self._check(naive_utc(now or datetime.now(UTC)))

    def _check(self, now: datetime) -> PassReport:
        report = PassReport()
        with Session(self.engine) as s:
            mark = s.get(AlertWatermark, EVENTS)
            since, seen, note = (mark.at - OVERLAP, set(mark.seen or []), mark.note) if mark else (
                now - FIRST_LOOKBACK, set(), None)
        window = Window(self.settings, self.engine, now, since)
        found = [finding for rule in RULES.values() for finding in rule.find(window)]
        groups: dict[tuple[str, str], list[Finding]] = {}
        for finding in found:
            if finding.event not in seen:
                groups.setdefault((finding.rule, finding.subject), []).append(finding)
        stored = self.subscriptions.stored()
        handled: set[str] = set()
        for (rule, subject), group in groups.items():
            try:
                self._deliver(RULES[rule], subject, group, stored, now, report)
            except SaksrobotError as exc:  # AlertNotSent, or the SMTP settings missing
                log.warning("Alert %s (%s) not sent: %s", rule, subject, exc)
                report.failed += 1
                note = mask(f"{when(now)}: {exc}")
                continue
            except Exception:  # a bug, or data no mail can carry: this alert is lost for now, not the others
                log.exception("Alert %s (%s) not sent", rule, subject)
                report.failed += 1
                note = mask(f"{when(now)}: varselet «{RULES[rule].label}» kunne ikke lages (se tjenestens logg)")
                continue
            handled |= {f.event for f in group if f.event}
        with Session(self.engine) as s:
            s.merge(AlertWatermark(name=EVENTS, at=now, note=None if report.sent and not report.failed else note,
                                   seen=sorted({f.event for f in found if f.event in seen | handled})))
            s.execute(delete(AlertSent).where(AlertSent.sent_at < now - max(self._period(), 2 * DAY)))
            s.commit()
        if report.sent or report.failed:
            log.info("Alerts: %d mail(s) sent, %d held back, %d not sent", len(report.sent), report.held,
                     report.failed)
        return report

    def check_safely(self) -> None:
        """A pass for the scheduler: whatever goes wrong is logged (masked), never raised."""
        try:
            self.check()
        except Exception:
            log.exception("The alert pass failed; the next pass tries again")

    def _period(self) -> timedelta:
        return timedelta(minutes=self.settings.alerts.group_minutes)

    def _repeat(self, rule: Rule) -> timedelta | None:
        """How long after a mail the same rule and subject stays quiet (None: for good, one per subject)."""
        return {Kind.EVENT: self._period(), Kind.CONDITION: max(self._period(), DAY), Kind.DAILY: None}[rule.kind]

    def _deliver(self, rule: Rule, subject: str, group: list[Finding], stored: Any, now: datetime,
                 report: PassReport) -> None:
        """Mail one group of findings, unless grouping holds it back or nobody gets it; raises
        :class:`~saksrobot.errors.SaksrobotError` when the mail did not go (the next pass tries again)."""
        with Session(self.engine) as s:
            last = s.get(AlertSent, (rule.name, subject))
            repeat = self._repeat(rule)
            if last is not None and (repeat is None or now - last.sent_at < repeat):
                if rule.kind is Kind.EVENT:
                    last.held += len(group)
                    s.commit()
                report.held += 1
                return
            s.expunge_all()
        to = self.subscriptions.recipients(rule.name, group[0].robot, stored)
        if not to:
            report.unaddressed += 1
            return
        headline = group[0].headline + (f" ({len(group)} hendelser)" if len(group) > 1 else "")
        self.send(self.settings, mailer.compose(self.settings, to, headline, self._body(rule, group, last)))
        with Session(self.engine) as s:
            s.merge(AlertSent(rule=rule.name, subject=subject, sent_at=now, held=0))
            s.commit()
        report.sent.append(headline)

    def _body(self, rule: Rule, group: list[Finding], last: AlertSent | None) -> str:
        parts = [f"{finding.text}\nSe mer: {finding.link}" for finding in group]
        parts.append(f"Hva du bør gjøre: {rule.advice}")
        if last is not None and last.held:
            parts.append(f"Siden forrige varsel om dette ({when(last.sent_at)}) har det i tillegg vært {last.held} "
                         f"lignende hendelse(r) som ikke ble sendt hver for seg.")
        parts.append(f"Du får denne e-posten fordi rollen din får varselet «{rule.label}». En administrator kan "
                     f"endre hvem som får hvilke varsler på {self.settings.alerts.base_url}/varsler.")
        return "\n\n".join(parts)


def last_problem(engine: Engine) -> str | None:
    """When a mail last failed to go and why (masked), for the Varsler page; None once mails go again."""
    with Session(engine) as s:
        mark = s.get(AlertWatermark, EVENTS)
        return mark.note if mark else None


def schedule_checks(scheduler: Any, settings: Settings, engine: Engine) -> None:
    """Add the alert pass to the scheduler service's APScheduler (``saksrobot serve``) every
    ``alerts.check_seconds``, on a thread of its own (a slow SMTP server holds up no run), when
    ``alerts.enabled``."""
    if not settings.alerts.enabled:
        return
    from apscheduler.executors.pool import ThreadPoolExecutor

    scheduler.add_executor(ThreadPoolExecutor(1), "alerts")
    scheduler.add_job(AlertService(settings, engine).check_safely, "interval", seconds=settings.alerts.check_seconds,
                      id="alerts", jobstore="local", executor="alerts", misfire_grace_time=None)
    log.info("Alerts by e-mail: checked every %g s", settings.alerts.check_seconds)
