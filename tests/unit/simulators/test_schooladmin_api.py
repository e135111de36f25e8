"""Contract tests of the school-admin simulator's JSON API (docs/schooladmin-simulator.md), over
HTTP against a running server."""

import re
from datetime import date

import httpx
import pytest

from saksrobot.domain.identity import is_valid_fnr, parse_fnr
from saksrobot.simulators.schooladmin.seed import (
    CHILDREN,
    REFERRAL_BY_ID,
    REFERRALS,
    UNITS,
    WITHOUT_FOLDER,
)

FNR_RUN = re.compile(r"(?<!\d)\d{11}(?!\d)")
NO_FAULTS = {"latency_ms": 0, "error_rate": 0.0, "session_timeout_minutes": 0, "renamed_labels": {}}


@pytest.fixture(scope="module")
def sim(sims):
    return sims


@pytest.fixture
def api(sim):
    """A client with the API key, on a freshly seeded database without faults."""
    client = httpx.Client(base_url=sim.schooladmin_url, headers={"Authorization": f"authkey {sim.api_key}"})
    client.post("/_sim/reset").raise_for_status()
    client.post("/_sim/faults", json=NO_FAULTS).raise_for_status()
    yield client
    client.post("/_sim/faults", json=NO_FAULTS)
    client.close()


def get(api, path, **params):
    response = api.get(f"/api/v1{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def detail(response) -> str:
    message = response.json()["detail"]
    assert isinstance(message, str) and not FNR_RUN.search(message), message
    return message


# -- register --------------------------------------------------------------------------------------
def test_units_are_the_seeded_schools_and_kindergarten(api):
    assert get(api, "/units") == UNITS


def test_every_child_is_served_as_seeded(api):
    children = {c["id"]: c for c in get(api, "/children")}
    assert set(children) == {c["id"] for c in CHILDREN}
    for seeded in CHILDREN:
        served = children[seeded["id"]]
        assert get(api, f"/children/{seeded['id']}") == served
        unit = next(u for u in UNITS if u["name"] == seeded["unit"])
        assert served["unit"] == unit
        assert {k: served[k] for k in ("kind", "first_name", "last_name", "fnr", "address", "grade", "enrolled",
                                       "folder_case_number")} == {
            k: seeded[k] for k in ("kind", "first_name", "last_name", "fnr", "address", "grade", "enrolled",
                                   "folder_case_number")}


def test_children_filters(api):
    without = [c["id"] for c in get(api, "/children", without_folder="true")]
    assert sorted(without) == sorted(WITHOUT_FOLDER) == sorted(
        ["E-1005", "E-1007", "E-1008", "E-1009", "E-1010", "B-2003", "B-2004"])
    assert all(c["folder_case_number"] is None for c in get(api, "/children", without_folder="true"))
    assert {c["id"] for c in get(api, "/children", without_folder="true", kind="barn")} == {"B-2003", "B-2004"}
    assert len(get(api, "/children", without_folder="true", kind="elev")) == 5
    assert all(c["kind"] == "barn" and c["id"].startswith("B-") for c in get(api, "/children", kind="barn"))
    assert len(get(api, "/children", without_folder="false")) == len(CHILDREN)
    assert [c["id"] for c in get(api, "/children", fnr="11831650003")] == ["E-1001"]
    assert get(api, "/children", fnr="05851550048") == []  # Selma Nilsen (H-2026-0106) is not in the register
    assert api.get("/api/v1/children", params={"kind": "voksen"}).status_code == 422


def test_unknown_child_is_404_without_the_number_in_the_message(api):
    response = api.get("/api/v1/children/E-9999")
    assert response.status_code == 404 and "E-9999" in detail(response)
    assert api.get("/api/v1/children/11831650003").status_code == 404
    detail(api.get("/api/v1/children/11831650003"))


def test_seeded_register_hard_cases(api):
    assert not is_valid_fnr(get(api, "/children/E-1010")["fnr"])  # check digits fail on purpose
    assert int(get(api, "/children/E-1005")["fnr"][0]) >= 4 and is_valid_fnr(get(api, "/children/E-1005")["fnr"])
    noah = get(api, "/children/E-1007")
    assert (noah["fnr"], noah["folder_case_number"]) == ("08882050069", None)  # his elevmappe is in the archive
    assert get(api, "/children/B-2003")["grade"] == "Avdeling Blåklokka"


# -- folder ----------------------------------------------------------------------------------------
def test_put_folder_is_idempotent_and_refuses_another_number(api):
    response = api.put("/api/v1/children/E-1008/folder", json={"case_number": "26/00012"})
    assert response.status_code == 200 and response.json()["folder_case_number"] == "26/00012"
    again = api.put("/api/v1/children/E-1008/folder", json={"case_number": "26/00012"})
    assert again.status_code == 200 and again.json() == response.json()
    other = api.put("/api/v1/children/E-1008/folder", json={"case_number": "26/00013"})
    assert other.status_code == 409 and "26/00012" in detail(other)
    assert get(api, "/children/E-1008")["folder_case_number"] == "26/00012"
    assert "E-1008" not in [c["id"] for c in get(api, "/children", without_folder="true")]


def test_put_folder_on_a_child_with_a_folder_names_the_existing_case(api):
    response = api.put("/api/v1/children/E-1001/folder", json={"case_number": "26/00099"})
    assert response.status_code == 409 and "22/00318" in detail(response)
    assert api.put("/api/v1/children/E-1001/folder", json={"case_number": "22/00318"}).status_code == 200


@pytest.mark.parametrize("body", [{"case_number": "2600012"}, {"case_number": "26/0012"}, {"case_number": ""},
                                  {"case_number": 26}, {}, [], {"case_number": "11831650003"}])
def test_malformed_case_number_is_422_and_nothing_is_saved(api, body):
    response = api.put("/api/v1/children/E-1009/folder", json=body)
    assert response.status_code == 422 and detail(response) == "Saksnummer må ha formen ÅÅ/NNNNN"
    processed = api.post("/api/v1/referrals/H-2026-0102/processed", json=body)
    assert processed.status_code == 422 and detail(processed) == "Saksnummer må ha formen ÅÅ/NNNNN"
    assert get(api, "/children/E-1009")["folder_case_number"] is None
    assert get(api, "/referrals/H-2026-0102")["status"] == "ny"


def test_body_that_is_not_json_is_422_and_unknown_ids_are_404(api):
    response = api.put("/api/v1/children/E-1009/folder", content=b"not json",
                       headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and detail(response) == "Saksnummer må ha formen ÅÅ/NNNNN"
    assert api.put("/api/v1/children/E-9999/folder", json={"case_number": "26/00012"}).status_code == 404
    assert api.post("/api/v1/referrals/H-1999-0001/processed", json={"case_number": "26/00012"}).status_code == 404


# -- referrals -------------------------------------------------------------------------------------
def test_referral_list_is_oldest_first_and_filters_by_status(api):
    every = get(api, "/referrals")
    assert [r["received"] for r in every] == sorted(r["received"] for r in every)
    assert {r["id"] for r in every} == set(REFERRAL_BY_ID)
    assert set(every[0]) == {"id", "received", "status", "referral_type", "child_name", "referrer_name",
                             "case_number"}
    new = get(api, "/referrals", status="ny")
    assert [r["id"] for r in new][:2] == ["H-2026-0101", "H-2026-0107"] and len(new) == 10
    assert "H-2026-0090" not in [r["id"] for r in new] and all(r["status"] == "ny" for r in new)
    done = get(api, "/referrals", status="behandlet")
    assert [(r["id"], r["case_number"]) for r in done] == [("H-2026-0090", "25/00811")]
    first = next(r for r in every if r["id"] == "H-2026-0101")
    assert (first["child_name"], first["referrer_name"], first["received"]) == (
        "Mia Haugen", "Nordby skole", "2026-11-02T09:14:00")
    assert api.get("/api/v1/referrals", params={"status": "slettet"}).status_code == 422


def test_every_referral_is_served_as_seeded(api):
    for seeded in REFERRALS:
        served = get(api, f"/referrals/{seeded['id']}")
        attachments = served.pop("attachments")
        assert served == {k: v for k, v in seeded.items() if k != "attachments"}
        assert [{"title": a["title"], "filename": a["filename"]} for a in attachments] == seeded["attachments"]
        assert [a["n"] for a in attachments] == list(range(1, len(attachments) + 1))
        assert all(a["mime"] == "application/pdf" and a["size"] > 500 for a in attachments)


def test_attachments_are_real_pdfs(api):
    for n, meta in enumerate(get(api, "/referrals/H-2026-0101")["attachments"], 1):
        response = api.get(f"/api/v1/referrals/H-2026-0101/attachments/{n}")
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-") and b"%%EOF" in response.content[-10:]
        assert len(response.content) == meta["size"]
        assert meta["filename"] in response.headers["content-disposition"]
    assert api.get("/api/v1/referrals/H-2026-0101/attachments/3").status_code == 404
    assert api.get("/api/v1/referrals/H-2026-0101/attachments/x").status_code == 404
    assert api.get("/api/v1/referrals/H-1999-0001/attachments/1").status_code == 404


def test_seeded_referral_hard_cases(api):
    def referral(rid):
        return get(api, f"/referrals/{rid}")

    ordinary = referral("H-2026-0101")
    assert ordinary["referral_type"] == "individsak" and ordinary["referrer"]["kind"] == "skole"
    assert ordinary["referrer"]["contact_person"] == "Siv Olsen (kontaktlærer)"
    assert [g["consent"] for g in ordinary["guardians"]] == [True, True]
    assert [g["lives_with_child"] for g in ordinary["guardians"]] == [True, False]
    kindergarten = referral("H-2026-0102")["referrer"]
    assert (kindergarten["kind"], kindergarten["name"], kindergarten["orgnr"]) == (
        "barnehage", "Solsikken barnehage", "911000903")
    missing = [g for g in referral("H-2026-0103")["guardians"] if g["parental_responsibility"] and not g["consent"]]
    assert [g["name"] for g in missing] == ["Kjetil Moe"]
    self_referral = referral("H-2026-0104")
    assert self_referral["referrer"] == {"kind": "eleven selv", "name": "Filip Aas", "orgnr": None,
                                         "contact_person": None, "phone": "92000104"}
    assert not any(g["consent"] for g in self_referral["guardians"])
    assert [a["filename"] for a in self_referral["attachments"]] == ["egenmelding.pdf"]
    assert parse_fnr(self_referral["child"]["fnr"]).birth_date == date(2010, 2, 14)  # 16 years old in 2026-11
    assert not is_valid_fnr(referral("H-2026-0105")["child"]["fnr"])
    outside = referral("H-2026-0106")
    assert is_valid_fnr(outside["child"]["fnr"]) and get(api, "/children", fnr=outside["child"]["fnr"]) == []
    assert outside["referrer"]["kind"] == "helsestasjon"
    twice, first = referral("H-2026-0107"), referral("H-2026-0101")
    assert {k: v for k, v in twice.items() if k not in ("id", "received")} == {
        k: v for k, v in first.items() if k not in ("id", "received")}
    again = referral("H-2026-0108")
    assert again["referral_type"] == "re-henvisning" and again["child"]["fnr"] == "27841350036"
    d_number = referral("H-2026-0109")["child"]
    assert int(d_number["fnr"][0]) >= 4 and parse_fnr(d_number["fnr"]).birth_date == date(2016, 10, 9)
    assert (d_number["mother_tongue"], d_number["interpreter_needed"]) == ("dari", True)
    parents = referral("H-2026-0110")
    assert parents["referrer"]["kind"] == "foresatte" and parents["referrer"]["orgnr"] is None
    assert parents["referrer"]["name"] in [g["name"] for g in parents["guardians"]]


def test_every_person_has_one_distinct_synthetic_number(api):
    people: dict[str, set[str]] = {}
    for child in get(api, "/children"):
        people.setdefault(child["fnr"], set()).add(f"{child['first_name']} {child['last_name']}")
    for summary in get(api, "/referrals"):
        referral = get(api, f"/referrals/{summary['id']}")
        child = referral["child"]
        people.setdefault(child["fnr"], set()).add(f"{child['first_name']} {child['last_name']}")
        for guardian in referral["guardians"]:
            people.setdefault(guardian["fnr"], set()).add(guardian["name"])
    assert {fnr: names for fnr, names in people.items() if len(names) > 1} == {}
    invalid = {fnr for fnr in people if not is_valid_fnr(fnr)}
    assert invalid == {"29822050181", "07871850058"}  # Emil Foss (E-1010) and the child of H-2026-0105
    assert all(int(fnr[2:4]) > 80 for fnr in people)  # Tenor: month + 80, never a real person


def test_processing_is_idempotent_and_refuses_another_number(api):
    response = api.post("/api/v1/referrals/H-2026-0101/processed", json={"case_number": "26/00012"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["case_number"]) == ("behandlet", "26/00012")
    again = api.post("/api/v1/referrals/H-2026-0101/processed", json={"case_number": "26/00012"})
    assert again.status_code == 200 and again.json() == response.json()
    other = api.post("/api/v1/referrals/H-2026-0101/processed", json={"case_number": "26/00013"})
    assert other.status_code == 409 and "26/00012" in detail(other)
    assert "H-2026-0101" not in [r["id"] for r in get(api, "/referrals", status="ny")]
    assert get(api, "/referrals/H-2026-0107")["status"] == "ny"  # the duplicate is untouched
    earlier = api.post("/api/v1/referrals/H-2026-0090/processed", json={"case_number": "26/00014"})
    assert earlier.status_code == 409 and "25/00811" in detail(earlier)
    assert api.post("/api/v1/referrals/H-2026-0090/processed", json={"case_number": "25/00811"}).status_code == 200


def test_reset_restores_the_seed(api):
    api.put("/api/v1/children/E-1009/folder", json={"case_number": "26/00020"}).raise_for_status()
    api.post("/api/v1/referrals/H-2026-0102/processed", json={"case_number": "26/00021"}).raise_for_status()
    api.post("/_sim/reset").raise_for_status()
    assert get(api, "/children/E-1009")["folder_case_number"] is None
    assert get(api, "/referrals/H-2026-0102")["status"] == "ny"


# -- access and faults -----------------------------------------------------------------------------
@pytest.mark.parametrize("method, path", [
    ("GET", "/units"), ("GET", "/children"), ("GET", "/children/E-1001"), ("PUT", "/children/E-1008/folder"),
    ("GET", "/referrals"), ("GET", "/referrals/H-2026-0101"), ("GET", "/referrals/H-2026-0101/attachments/1"),
    ("POST", "/referrals/H-2026-0101/processed")])
def test_wrong_or_missing_key_is_401_and_writes_nothing(api, sim, method, path):
    for headers in ({"Authorization": "authkey wrong"}, {}):
        response = httpx.request(method, f"{sim.schooladmin_url}/api/v1{path}", headers=headers,
                                 json={"case_number": "26/00012"} if method != "GET" else None)
        assert response.status_code == 401 and detail(response)
    assert get(api, "/children/E-1008")["folder_case_number"] is None
    assert get(api, "/referrals/H-2026-0101")["status"] == "ny"
    assert httpx.get(f"{sim.schooladmin_url}/api/v1/units", params={"authkey": sim.api_key}).status_code == 200
    assert httpx.post(f"{sim.schooladmin_url}/_sim/reset").status_code == 401


def test_error_rate_fails_put_and_post_with_500_before_writing(api):
    api.post("/_sim/faults", json={"error_rate": 1.0}).raise_for_status()
    put = api.put("/api/v1/children/E-1008/folder", json={"case_number": "26/00012"})
    assert put.status_code == 500 and put.json() == {"detail": "Intern serverfeil"}
    post = api.post("/api/v1/referrals/H-2026-0101/processed", json={"case_number": "26/00012"})
    assert post.status_code == 500
    assert api.get("/api/v1/units").status_code == 200  # reads are not failed
    api.post("/_sim/faults", json={"error_rate": 0.0}).raise_for_status()
    assert get(api, "/children/E-1008")["folder_case_number"] is None
    assert get(api, "/referrals/H-2026-0101")["status"] == "ny"
