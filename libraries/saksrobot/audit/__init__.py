"""The audit trail (revisjonslogg): every change a person, the command line or the scheduler makes,
recorded once and never changed — who, when, what, and the object before and after.

    AuditLog(engine).record("kari", Action.SCHEDULE_PAUSE, ("schedule", 3), before={...}, after={...})

The table is append-only: the application has no update or delete for it, and the database refuses
both (triggers, migration 0008). Nothing personal is kept but staff user names: every value is masked
(fødselsnummer) before it is written."""

from saksrobot.audit.log import ACTIONS, CLI, SCHEDULER, TIME_LIMIT, Action, AuditLog, Filter, cli_actor
from saksrobot.audit.model import AuditEvent

__all__ = ["ACTIONS", "CLI", "SCHEDULER", "TIME_LIMIT", "Action", "AuditEvent", "AuditLog", "Filter", "cli_actor"]
