"""Alerts by e-mail: operators are told of failed and missed runs, robots that have not succeeded for
days, long manual queues and dead workers without watching the control room; managers may get a
daily summary. Rules (:mod:`.rules`), who gets what (:mod:`.subscriptions`), the mail
(:mod:`.mailer`) and one pass (:mod:`.service`); see docs/alerts.md."""

from saksrobot.alerts.catalog import RULES, Kind, Rule
from saksrobot.alerts.mailer import AlertNotSent
from saksrobot.alerts.rules import Finding
from saksrobot.alerts.service import AlertService, PassReport, schedule_checks

__all__ = ["RULES", "AlertNotSent", "AlertService", "Finding", "Kind", "PassReport", "Rule", "schedule_checks"]
