"""Revisjonslogg: the audit trail for admins, filtered by person, object and period, and as CSV."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from saksrobot.audit import ACTIONS, Filter
from saksrobot.audit.log import OBJECTS, to_csv
from saksrobot.scheduler.triggers import TZ
from saksrobot.web import pages
from saksrobot.web.security import ADMINS

SHOWN = 500  # rows on the page; the CSV has up to 100 000


def add_routes(app: FastAPI, room) -> None:  # noqa: ANN001 - the ControlRoom (no import cycle)
    log = room.audit

    def audit_page(request: Request, person: str = "", objekt: str = "", id: str = "",  # noqa: A002
                   fra: str = "", til: str = "") -> Response:
        user = room.guard(request, ADMINS)
        choices = {"person": person, "objekt": objekt, "id": id, "fra": fra, "til": til}
        events = log.find(Filter.of(**choices, limit=SHOWN))
        return room.page(request, "audit.html", user, events=events, actions=ACTIONS, objects=OBJECTS,
                         actors=log.actors(), query=choices, shown=SHOWN,
                         download="/revisjonslogg/last-ned?" + urlencode(choices))

    def audit_file(request: Request, person: str = "", objekt: str = "", id: str = "",  # noqa: A002
                   fra: str = "", til: str = "") -> Response:
        room.guard(request, ADMINS)
        events = log.find(Filter.of(person, objekt, id, fra, til, limit=100_000))
        text = to_csv(events, lambda moment: f"{pages.oslo(moment):%Y-%m-%d %H:%M:%S}")
        return Response("\ufeff" + text, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="revisjonslogg-{datetime.now(TZ):%Y-%m-%d}.csv"'})

    app.add_api_route("/revisjonslogg", audit_page, methods=["GET"], response_class=HTMLResponse)
    app.add_api_route("/revisjonslogg/last-ned", audit_file, methods=["GET"])
