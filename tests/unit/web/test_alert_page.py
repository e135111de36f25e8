"""Varsler: the admin's page of who gets which alert; every save one audit row."""

from __future__ import annotations

import json
import re

from webroom import ROBOT

from saksrobot.alerts.subscriptions import SubscriptionStore
from saksrobot.audit import AuditLog, Filter


def checked(html: str) -> dict[str, str]:
    return {name: "on" for name in re.findall(r'type="checkbox" id="[^"]+" name="([^"]+)" checked', html)}


def test_the_page_shows_the_defaults_with_a_label_for_every_control(room):
    html = room.as_user("ada").get("/varsler").text
    assert "Ingen valg er lagret ennå" in html and 'href="/varsler" class="aktiv"' in html
    assert set(checked(html)) == {f"g:{rule}:{role}" for rule in ("run_failed", "run_missed", "robot_stale",
                                                                  "manual_queue", "worker_died") for role in
                                  ("operator", "admin")} | {"g:daily_summary:manager"}
    controls = re.findall(r'<(?:input type="checkbox"|select) id="([^"]+)"', html)
    assert controls and all(f'<label for="{id_}"' in html for id_ in controls)
    assert "<caption>Hvem får hvilke varsler, for alle roboter</caption>" in html


def test_a_save_stores_the_choices_and_leaves_one_audit_row(room):
    client = room.as_user("ada")
    form = checked(client.get("/varsler").text)
    del form["g:run_failed:operator"]
    response = client.post("/varsler", data={"csrf_token": room.token(client), **form,
                                             f"r:{ROBOT}:run_failed:manager": "ja",
                                             f"r:{ROBOT}:manual_queue:admin": ""})
    assert response.status_code == 303 and response.headers["location"] == "/varsler"
    stored = SubscriptionStore(room.engine).stored()
    assert stored[("run_failed", "", "operator")] is False and stored[("run_failed", "", "admin")] is True
    assert stored[("run_failed", ROBOT, "manager")] is True and ("manual_queue", ROBOT, "admin") not in stored
    [event] = AuditLog(room.engine).find(Filter(object_type="alert", limit=10))
    assert (event.actor, event.action, event.object_id) == ("ada", "alert_change", "run_failed")
    assert json.loads(event.before) == {"run_failed/alle/operator": "ja", f"run_failed/{ROBOT}/manager": "som for alle"}
    assert json.loads(event.after) == {"run_failed/alle/operator": "nei", f"run_failed/{ROBOT}/manager": "ja"}
    html = client.get("/varsler").text
    assert "Ingen valg er lagret ennå" not in html and "Varslene er lagret." in html
    assert re.search(rf'name="r:{ROBOT}:run_failed:manager">\s*<option value="" >Som for alle</option>\s*'
                     r'<option value="ja" selected>', html)
