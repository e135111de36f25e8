"""The rules staff can be alerted by: their names (the keys stored in subscriptions and the sent
log), Norwegian labels and advice, how they repeat, and who gets them when nothing is chosen yet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from saksrobot.alerts import rules
from saksrobot.alerts.rules import Finding, Window
from saksrobot.alerts.summary import daily_summary
from saksrobot.settings import Settings
from saksrobot.web.users import Role


class Kind(StrEnum):
    EVENT = "event"          # something that happened once (a run failed): at most one mail per group period
    CONDITION = "condition"  # something that holds (a long queue): mailed again at most once a day while it holds
    DAILY = "daily"          # one mail per day


@dataclass(frozen=True)
class Rule:
    name: str
    label: str  # for the Varsler page and the mails
    describe: str  # when it fires; ``{...}`` are the ``alerts`` settings
    advice: str  # what the reader should do
    kind: Kind
    per_robot: bool  # whether the Varsler page offers exceptions per robot
    default_roles: frozenset[Role]  # who gets it until an admin chooses
    find: Callable[[Window], list[Finding]]

    def description(self, settings: Settings) -> str:
        return self.describe.format(**settings.alerts.model_dump(), stalled=settings.runner.stalled_seconds)


OPERATIONS = frozenset({Role.OPERATOR, Role.ADMIN})
RULES: dict[str, Rule] = {rule.name: rule for rule in (
    Rule("run_failed", "Kjøring feilet", "En kjøring endte med feil eller ble stoppet fordi den tok for lang tid.",
         "Åpne kjøringen og se årsaken og loggen. Rett feilen, eller kjør roboten på nytt med «Kjør nå».",
         Kind.EVENT, True, OPERATIONS, rules.run_failed),
    Rule("run_missed", "Kjøring ikke startet", "En planlagt kjøring ble ikke startet (tjenesten var nede lenger enn "
         "tidsplanens frist).", "Sjekk at saksrobot-tjenesten kjører, og start kjøringen med «Kjør nå» om den trengs.",
         Kind.EVENT, True, OPERATIONS, rules.run_missed),
    Rule("robot_stale", "Ingen vellykket kjøring", "En robot med aktiv tidsplan har ikke hatt en vellykket kjøring på "
         "{stale_days:g} dager.", "Se roboten sine siste kjøringer, og finn ut hvorfor de feiler eller ikke starter.",
         Kind.CONDITION, True, OPERATIONS, rules.robot_stale),
    Rule("manual_queue", "Lang kø til manuell behandling", "Flere enn {manual_queue_max} oppgaver venter på manuell "
         "behandling, eller den eldste har ventet mer enn {manual_age_days:g} dager.",
         "Behandle oppgavene på siden Manuell behandling, eller fordel dem på flere.", Kind.CONDITION, True,
         OPERATIONS, rules.manual_queue),
    Rule("worker_died", "Arbeider stoppet", "En arbeider har ikke gitt livstegn på {stalled:g} sekunder og ble ikke "
         "stoppet på vanlig måte.", "Sjekk maskinen arbeideren kjørte på, og start «saksrobot worker» igjen.",
         Kind.EVENT, False, OPERATIONS, rules.worker_died),
    Rule("daily_summary", "Daglig oppsummering", "Gårsdagens kjøringer, oppgaver og sparte timer, hver morgen kl. "
         "{daily_summary_time} (når daglig oppsummering er slått på).", "Ingenting, dette er til orientering.",
         Kind.DAILY, False, frozenset({Role.MANAGER}), daily_summary),
)}
