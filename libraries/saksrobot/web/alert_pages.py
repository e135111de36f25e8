"""Varsler: who gets which e-mail alert (rule × role, with exceptions per robot), for admins. Every
save is one row in the audit trail."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from saksrobot.audit import Action
from saksrobot.runner import known_robots
from saksrobot.web.security import ADMINS
from saksrobot.web.users import Role

ANSWERS = {"ja": True, "nei": False}


def add_routes(app: FastAPI, room) -> None:  # noqa: ANN001 - the ControlRoom (no import cycle)
    # imported here: saksrobot.alerts reads the control room's page helpers (saksrobot.web.pages)
    from saksrobot.alerts.catalog import RULES
    from saksrobot.alerts.service import last_problem
    from saksrobot.alerts.subscriptions import EVERY_ROBOT, Choice, SubscriptionStore, addresses, picture, subscribed

    store = SubscriptionStore(room.engine)

    def robots() -> list[str]:
        return known_robots(room.settings)

    def alerts_page(request: Request) -> Response:
        user = room.guard(request, ADMINS)
        stored = store.stored()
        unreachable = [u.username for u in room.users.all() if u.active and not u.email]
        return room.page(request, "alerts.html", user, rules=list(RULES.values()), roles=list(Role), robots=robots(),
                         stored=stored, subscribed=subscribed, alerts=room.settings.alerts, config=room.settings,
                         defaults=not any(robot == EVERY_ROBOT for _, robot, _ in stored),
                         unreachable=unreachable, reachable=len(addresses(room.engine, list(Role))),
                         problem=last_problem(room.engine))

    async def save_alerts(request: Request) -> Response:
        user = room.guard(request, ADMINS)
        form = await room.form(request)
        choices: dict[Choice, bool] = {(rule, EVERY_ROBOT, role): f"g:{rule}:{role}" in form
                                       for rule in RULES for role in Role}
        for robot in robots():
            for rule in (r for r in RULES.values() if r.per_robot):
                for role in Role:
                    if (answer := form.get(f"r:{robot}:{rule.name}:{role}", "")) in ANSWERS:
                        choices[(rule.name, robot, role)] = ANSWERS[answer]
        before, after = picture(store.stored()), picture(choices)
        store.replace(choices, user.username)
        changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
        rules = sorted({key.split("/")[0] for key in changed})
        if changed:  # a save that changes nothing is no change
            room.audit.record(user.username, Action.ALERT_CHANGE, ("alert", ",".join(rules)),
                              before={key: before.get(key, "som for alle") for key in changed},
                              after={key: after.get(key, "som for alle") for key in changed})
        return room.back(request, "/varsler", "Varslene er lagret." + ("" if changed else " Ingenting ble endret."))

    app.add_api_route("/varsler", alerts_page, methods=["GET"], response_class=HTMLResponse)
    app.add_api_route("/varsler", save_alerts, methods=["POST"], response_class=HTMLResponse)
