"""Fault injection of the archive simulator: latency, HTTP 500 before writing, expiring sessions,
renamed labels; and the web UI over plain HTTP."""

import time

import httpx
import pytest

from saksrobot.settings import load_settings
from saksrobot.simulators import running_simulators

PREFIX = "/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"


@pytest.fixture
def sim(tmp_path):
    settings = load_settings(simulators={"archive_database_url": f"sqlite:///{tmp_path / 'a.db'}",
                                         "schooladmin_database_url": f"sqlite:///{tmp_path / 's.db'}"})
    with running_simulators(settings, port=0) as s:
        yield s


def set_faults(sim, **faults):
    httpx.post(f"{sim.archive_url}/_sim/faults", json=faults,
               headers={"Authorization": f"authkey {sim.api_key}"}).raise_for_status()


def rpc(sim, method, **parameter):
    return httpx.post(f"{sim.archive_url}{PREFIX}/{method}", json={"parameter": parameter},
                      headers=sim.archive_headers)


def ping(sim):
    return rpc(sim, "SupportService/GetCodeTableRows", CodeTableName="code table: Access code")


def logged_in(sim) -> httpx.Client:
    client = httpx.Client(base_url=sim.archive_url)
    response = client.post("/login", data={"username": "arkivar", "password": sim.password, "neste": "/sok"})
    assert response.status_code == 303 and response.headers["location"] == "/sok"
    return client


def test_error_rate_one_answers_500_and_writes_nothing(sim):
    before = rpc(sim, "CaseService/GetCases").json()["TotalCount"]
    set_faults(sim, error_rate=1.0)
    answer = rpc(sim, "CaseService/CreateCase", Title="x", CaseType="Sak", ResponsibleEnterpriseRecno=1)
    assert answer.status_code == 500
    client = logged_in(sim)
    assert client.post("/saker/ny", data={"Title": "x"}).status_code == 500
    set_faults(sim, error_rate=0.0)
    assert rpc(sim, "CaseService/GetCases").json()["TotalCount"] == before


def test_error_rate_is_a_repeatable_share(sim):
    set_faults(sim, error_rate=0.5, seed=3)
    first = [ping(sim).status_code for _ in range(40)]
    set_faults(sim, error_rate=0.5, seed=3)
    assert [ping(sim).status_code for _ in range(40)] == first
    assert 8 <= first.count(500) <= 32


def test_latency_is_added(sim):
    set_faults(sim, latency_ms=300)
    start = time.perf_counter()
    ping(sim)
    assert time.perf_counter() - start >= 0.3


def test_renamed_label_shows_in_the_form(sim):
    client = logged_in(sim)
    form = client.get("/saker/ny").text
    assert ">Offentlig tittel<" in form
    assert '<option value="U" selected>' in form  # open (ugradert) unless the user chooses otherwise
    set_faults(sim, renamed_labels={"Offentlig tittel": "Sakstittel"})
    page = client.get("/saker/ny").text
    assert ">Sakstittel<" in page and ">Offentlig tittel<" not in page


def test_expired_session_goes_to_login_with_a_message(sim):
    set_faults(sim, session_timeout_minutes=0.005)  # 0.3 s
    client = logged_in(sim)
    assert client.get("/saker/ny").status_code == 200
    time.sleep(0.5)
    response = client.get("/saker/ny")
    assert response.status_code == 303 and response.headers["location"].startswith("/login?neste=/saker/ny")
    assert "Økten er utløpt. Logg inn på nytt." in client.get(response.headers["location"]).text


def test_pages_need_login_and_wrong_password_is_refused(sim):
    anonymous = httpx.Client(base_url=sim.archive_url)
    assert anonymous.get("/sok").status_code == 303
    response = anonymous.post("/login", data={"username": "arkivar", "password": "feil"})
    assert response.status_code == 401 and "Feil brukernavn eller passord" in response.text


def test_ui_form_validation_rerenders_with_422_and_keeps_values(sim):
    client = logged_in(sim)
    response = client.post("/saker/ny", data={"Title": "", "UnofficialTitle": "Behold meg", "AccessCode": "13"})
    assert response.status_code == 422
    assert 'data-testid="feiloppsummering"' in response.text and "Saken ble ikke lagret" in response.text
    assert "Offentlig tittel må fylles ut" in response.text and 'value="Behold meg"' in response.text


def test_ui_create_case_page_and_search(sim):
    client = logged_in(sim)
    unit = rpc(sim, "ContactService/GetEnterprises", Name="Byarkivet").json()["Enterprises"][0]["Recno"]
    response = client.post("/saker/ny", data={"Title": "Fra skjema", "CaseType": "Sak", "AccessCode": "U",
                                              "ResponsibleEnterpriseRecno": str(unit), "ExternalId": "ui-1",
                                              "ExternalIdType": "test"})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    found = rpc(sim, "CaseService/GetCases", ExternalId={"Id": "ui-1", "Type": "test"}).json()
    number = found["Cases"][0]["CaseNumber"]
    assert f'data-testid="saksnummer">{number}<' in page
    hits = client.get("/sok", params={"ekstern_id": "ui-1"}).text
    assert hits.count('data-testid="treff"') == 1 and number in hits
    assert "Ingen treff" in client.get("/sok", params={"ekstern_id": "finnes-ikke"}).text


def test_login_never_redirects_to_another_site(sims):
    with httpx.Client(base_url=sims.archive_url, follow_redirects=False) as client:
        for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
            response = client.post("/login", data={"username": "robot", "password": sims.password, "neste": target})
            assert response.status_code == 303 and response.headers["location"] == "/", target
