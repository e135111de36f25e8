"""Who gets what: per rule and role, for every robot, with exceptions per robot; recipients are the
active users of the subscribed roles who have an e-mail address. A choice never made is the rule's
default (:attr:`Rule.default_roles`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.alerts.catalog import RULES
from saksrobot.alerts.model import AlertSubscription
from saksrobot.web.users import Role, User
from saksrobot.workitems import utcnow

Choice = tuple[str, str, str]  # (rule, robot ("": every robot), role)
EVERY_ROBOT = ""


def subscribed(stored: Mapping[Choice, bool], rule: str, robot: str | None, role: str) -> bool:
    """Whether ``role`` gets ``rule``'s alerts about ``robot``: its exception for the robot, else its
    choice for every robot, else the rule's default."""
    if robot and (rule, robot, role) in stored:
        return stored[(rule, robot, role)]
    return stored.get((rule, EVERY_ROBOT, role), Role(role) in RULES[rule].default_roles)


def picture(stored: Mapping[Choice, bool]) -> dict[str, str]:
    """The choices as the audit trail keeps them: every rule and role for every robot (defaults
    included), and each exception per robot; ``rule/robot/role`` → ``ja`` or ``nei``."""
    view = {f"{rule}/alle/{role}": "ja" if subscribed(stored, rule, None, role) else "nei"
            for rule in RULES for role in Role}
    view |= {f"{rule}/{robot}/{role}": "ja" if enabled else "nei"
             for (rule, robot, role), enabled in sorted(stored.items()) if robot != EVERY_ROBOT}
    return view


class SubscriptionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def stored(self) -> dict[Choice, bool]:
        """The choices saved on the Varsler page (empty until an admin saves it)."""
        with Session(self.engine) as s:
            return {(row.rule, row.robot, row.role): row.enabled for row in s.scalars(select(AlertSubscription))}

    def replace(self, choices: Mapping[Choice, bool], by: str) -> None:
        """Store exactly ``choices`` (what the page sends), in one transaction."""
        now = utcnow()
        with Session(self.engine) as s:
            s.execute(delete(AlertSubscription))
            s.add_all(AlertSubscription(rule=rule, robot=robot, role=role, enabled=enabled, updated_by=by,
                                        updated_at=now) for (rule, robot, role), enabled in choices.items())
            s.commit()

    def recipients(self, rule: str, robot: str | None, stored: Mapping[Choice, bool] | None = None) -> list[str]:
        """The addresses of the active users whose role gets ``rule`` for ``robot``."""
        stored = self.stored() if stored is None else stored
        roles = [role for role in Role if subscribed(stored, rule, robot, role)]
        return addresses(self.engine, roles)


def addresses(engine: Engine, roles: Iterable[str]) -> list[str]:
    """The e-mail addresses of the active users of ``roles`` (those without one get nothing)."""
    with Session(engine) as s:
        return sorted(s.scalars(select(User.email).where(User.active.is_(True), User.role.in_(list(roles)),
                                                         User.email.is_not(None), User.email != "")))
