"""The school-admin simulator's web UI over plain HTTP: login, the referral inbox and page, the
list of new pupils and children, forms with inline errors, attachments, search and faults."""

import re
import time
from html.parser import HTMLParser

import httpx
import pytest

from saksrobot.simulators.schooladmin.seed import REFERRALS, WITHOUT_FOLDER

NO_FAULTS = {"latency_ms": 0, "error_rate": 0.0, "session_timeout_minutes": 0, "renamed_labels": {}}
VOID = {"input", "br", "meta", "hr", "img", "link"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None") -> None:
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return " ".join("".join(c if isinstance(c, str) else f" {c.text()} " for c in self.children).split())

    def all(self, tag: str) -> list["Node"]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                found += [child] if child.tag == tag else []
                found += child.all(tag)
        return found

    def by_id(self, element_id: str) -> "Node":
        matches = [n for n in self.everything() if n.attrs.get("id") == element_id]
        assert len(matches) == 1, f"#{element_id}: {len(matches)} elements"
        return matches[0]

    def everything(self) -> list["Node"]:
        return [n for c in self.children if isinstance(c, Node) for n in (c, *c.everything())]


class Tree(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = self.current = Node("document", {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    return Tree(html).root


def sections(page: Node) -> dict[str, dict[str, str]]:
    """``{h2 text: {dt: dd}}`` of every section with a label/value list."""
    found = {}
    for section in page.all("section"):
        lists = section.all("dl")
        if lists:
            dts, dds = lists[0].all("dt"), lists[0].all("dd")
            found[section.all("h2")[0].text()] = {dt.text(): dd.text() for dt, dd in zip(dts, dds, strict=True)}
    return found


def table(page: Node, table_id: str) -> list[dict[str, str]]:
    node = page.by_id(table_id)
    headers = [th.text() for th in node.all("th")]
    return [dict(zip(headers, [td.text() for td in tr.all("td")], strict=True))
            for tr in node.all("tbody")[0].all("tr")]


def assert_labelled(page: Node) -> None:
    """Every visible field has a real ``<label for=...>``."""
    labelled = {label.attrs.get("for") for label in page.all("label")}
    fields = [n for n in page.everything() if n.tag in ("input", "select", "textarea")
              and n.attrs.get("type") not in ("hidden", "submit")]
    assert fields and all(f.attrs.get("id") in labelled for f in fields), [f.attrs for f in fields]


@pytest.fixture(scope="module")
def sim(sims):
    return sims


@pytest.fixture
def admin(sim):
    client = httpx.Client(base_url=sim.schooladmin_url, headers={"Authorization": f"authkey {sim.api_key}"})
    client.post("/_sim/reset").raise_for_status()
    client.post("/_sim/faults", json=NO_FAULTS).raise_for_status()
    yield client
    client.post("/_sim/faults", json=NO_FAULTS)
    client.close()


@pytest.fixture
def ui(sim, admin):
    """A browser-like client (cookies kept), logged in as the robot user."""
    client = httpx.Client(base_url=sim.schooladmin_url)
    response = client.post("/login", data={"username": "robot", "password": sim.password, "neste": "/henvisninger"})
    assert response.status_code == 303 and response.headers["location"] == "/henvisninger"
    yield client
    client.close()


def set_faults(admin, **faults):
    admin.post("/_sim/faults", json=faults).raise_for_status()


# -- login -----------------------------------------------------------------------------------------
def test_pages_need_login_and_the_login_form_is_labelled(sim, admin):
    anonymous = httpx.Client(base_url=sim.schooladmin_url)
    response = anonymous.get("/henvisninger", params={"status": "ny"})
    assert response.status_code == 303 and response.headers["location"] == "/login?neste=/henvisninger%3Fstatus%3Dny"
    login = parse(anonymous.get("/login").text)
    assert_labelled(login)
    labels = {label.text(): label.attrs["for"] for label in login.all("label")}
    assert login.by_id(labels["Brukernavn"]).attrs["name"] == "username"
    assert login.by_id(labels["Passord"]).attrs["type"] == "password"
    assert [b.text() for b in login.all("button")] == ["Logg inn"]
    wrong = anonymous.post("/login", data={"username": "robot", "password": "feil"})
    assert wrong.status_code == 401 and "Feil brukernavn eller passord" in wrong.text
    assert anonymous.post("/login", data={"username": "ukjent", "password": sim.password}).status_code == 401
    assert anonymous.post("/login", data={"username": "saksbehandler", "password": sim.password}).status_code == 303


def test_header_links(ui):
    header = parse(ui.get("/").text).all("header")[0]
    links = {a.text(): a.attrs["href"] for a in header.all("a")}
    assert links == {"Startside": "/", "Henvisninger": "/henvisninger", "Nye elever og barn": "/barn?uten_mappe=1",
                     "Søk": "/sok", "Logg ut": "/logout"}
    assert ui.get("/logout").status_code == 303 and ui.get("/").status_code == 303


# -- referrals -------------------------------------------------------------------------------------
def test_referral_list_and_status_filter(ui):
    page = parse(ui.get("/henvisninger").text)
    assert_labelled(page)
    select = page.by_id("status")
    assert any(lbl.attrs.get("for") == "status" and lbl.text() == "Status" for lbl in page.all("label"))
    assert [(o.attrs["value"], o.text()) for o in select.all("option")] == [
        ("", "Alle"), ("ny", "Ny"), ("behandlet", "Behandlet")]
    assert "Filtrer" in [b.text() for b in page.all("button")]
    rows = table(page, "henvisninger")
    assert list(rows[0]) == ["Id", "Mottatt", "Barn", "Henviser", "Type", "Status"]
    assert {r["Id"] for r in rows} == {r["id"] for r in REFERRALS}
    assert rows[0]["Id"] == "H-2026-0090" and rows[0]["Status"] == "Behandlet"  # oldest first
    links = [a.attrs["href"] for a in page.by_id("henvisninger").all("a")]
    assert links[0] == "/henvisninger/H-2026-0090"
    new = parse(ui.get("/henvisninger", params={"status": "ny"}).text)
    new_rows = table(new, "henvisninger")
    assert len(new_rows) == 10 and all(r["Status"] == "Ny" for r in new_rows)
    assert "H-2026-0090" not in {r["Id"] for r in new_rows}
    assert ["selected" in o.attrs for o in new.by_id("status").all("option")] == [False, True, False]
    first = new_rows[0]
    assert first == {"Id": "H-2026-0101", "Mottatt": "02.11.2026 09:14", "Barn": "Mia Haugen",
                     "Henviser": "Nordby skole", "Type": "individsak", "Status": "Ny"}
    done = table(parse(ui.get("/henvisninger", params={"status": "behandlet"}).text), "henvisninger")
    assert [r["Id"] for r in done] == ["H-2026-0090"]


def test_referral_page_sections_tables_and_attachments(ui, admin):
    page = parse(ui.get("/henvisninger/H-2026-0103").text)
    parts = sections(page)
    assert list(parts) == ["Barnet", "Henviser", "Henvisningen"]
    assert parts["Barnet"]["Fornavn"] == "Sara" and parts["Barnet"]["Fødselsnummer"] == "23861450090"
    assert parts["Barnet"]["Behov for tolk"] == "Nei"
    assert parts["Henviser"]["Navn"] == "Sørbyen skole" and parts["Henviser"]["Organisasjonsnummer"] == "990000808"
    assert parts["Henvisningen"]["Status"] == "Ny" and parts["Henvisningen"]["Saksnummer"] == ""
    assert parts["Henvisningen"]["Årsak"] == "Konsentrasjon og oppmerksomhet"
    guardians = table(page, "foresatte")
    assert list(guardians[0]) == ["Navn", "Fødselsnummer", "Telefon", "E-post", "Foreldreansvar", "Bor med barnet",
                                  "Samtykke"]
    assert [(g["Navn"], g["Foreldreansvar"], g["Samtykke"]) for g in guardians] == [
        ("Hilde Moe", "Ja", "Ja"), ("Kjetil Moe", "Ja", "Nei")]
    files = table(page, "vedlegg")
    assert [f["Tittel"] for f in files] == ["Pedagogisk rapport", "Samtykkeskjema"]
    links = page.by_id("vedlegg").all("a")
    assert [(a.attrs["href"], a.attrs["download"]) for a in links] == [
        ("/henvisninger/H-2026-0103/vedlegg/1", "pedagogisk-rapport.pdf"),
        ("/henvisninger/H-2026-0103/vedlegg/2", "samtykke.pdf")]
    download = ui.get(links[0].attrs["href"])
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    assert download.content == admin.get("/api/v1/referrals/H-2026-0103/attachments/1").content
    assert ui.get("/henvisninger/H-2026-0103/vedlegg/9").status_code == 404
    interpreter = sections(parse(ui.get("/henvisninger/H-2026-0109").text))["Barnet"]
    assert (interpreter["Morsmål"], interpreter["Behov for tolk"]) == ("dari", "Ja")
    assert ui.get("/henvisninger/H-1999-0001").status_code == 404


def test_mark_processed_form(ui, admin):
    page = parse(ui.get("/henvisninger/H-2026-0101").text)
    assert_labelled(page)
    field = page.by_id("saksnummer")
    assert any(lbl.attrs.get("for") == "saksnummer" and lbl.text() == "Saksnummer" for lbl in page.all("label"))
    assert field.parent.tag == "form" and field.parent.attrs["action"] == "/henvisninger/H-2026-0101"
    assert "Marker som behandlet" in [h.text() for h in page.all("h2")]

    bad = ui.post("/henvisninger/H-2026-0101", data={"saksnummer": "26-12"})
    assert bad.status_code == 422
    bad_page = parse(bad.text)
    assert bad_page.by_id("saksnummer-feil").text() == "Saksnummer må ha formen ÅÅ/NNNNN"
    assert bad_page.by_id("saksnummer-feil").attrs["class"] == "feltfeil"
    assert bad_page.by_id("saksnummer").attrs["aria-invalid"] == "true"
    assert bad_page.by_id("saksnummer").attrs["value"] == "26-12"
    assert admin.get("/api/v1/referrals/H-2026-0101").json()["status"] == "ny"

    done = ui.post("/henvisninger/H-2026-0101", data={"saksnummer": "26/00012"})
    assert done.status_code == 303 and done.headers["location"] == "/henvisninger/H-2026-0101"
    shown = ui.get(done.headers["location"]).text
    assert "Henvisningen er markert som behandlet med saksnummer 26/00012" in shown
    result = sections(parse(shown))["Henvisningen"]
    assert (result["Status"], result["Saksnummer"], result["Behandlet av"]) == ("Behandlet", "26/00012", "robot")
    assert "Henvisningen er markert" not in ui.get("/henvisninger/H-2026-0101").text  # shown once
    assert ui.post("/henvisninger/H-2026-0101", data={"saksnummer": "26/00012"}).status_code == 303

    conflict = ui.post("/henvisninger/H-2026-0101", data={"saksnummer": "26/00099"})
    assert conflict.status_code == 409
    message = parse(conflict.text).by_id("saksnummer-feil").text()
    assert "26/00012" in message and not re.search(r"\d{11}", message)
    assert admin.get("/api/v1/referrals/H-2026-0101").json()["case_number"] == "26/00012"
    new = table(parse(ui.get("/henvisninger", params={"status": "ny"}).text), "henvisninger")
    assert "H-2026-0101" not in {r["Id"] for r in new} and len(new) == 9


# -- children --------------------------------------------------------------------------------------
def test_new_children_list_and_child_page(ui):
    page = parse(ui.get("/barn", params={"uten_mappe": "1"}).text)
    rows = table(page, "barn")
    assert list(rows[0]) == ["Id", "Navn", "Type", "Skole/barnehage", "Trinn/avdeling", "Innmeldt"]
    assert sorted(r["Id"] for r in rows) == sorted(WITHOUT_FOLDER)
    noah = next(r for r in rows if r["Id"] == "E-1007")
    assert noah == {"Id": "E-1007", "Navn": "Noah Larsen", "Type": "Elev", "Skole/barnehage": "Nordby skole",
                    "Trinn/avdeling": "1. trinn", "Innmeldt": "17.08.2026"}
    assert next(r for r in rows if r["Id"] == "B-2004")["Type"] == "Barn"
    assert [a.attrs["href"] for a in page.by_id("barn").all("a")][0].startswith("/barn/")
    assert len(table(parse(ui.get("/barn").text), "barn")) == 13
    child = parse(ui.get("/barn/B-2003").text)
    assert_labelled(child)
    values = sections(child)["Opplysninger"]
    assert list(values) == ["Id", "Fornavn", "Etternavn", "Fødselsnummer", "Adresse", "Type", "Skole/barnehage",
                            "Organisasjonsnummer", "Tilgangsgruppe", "Trinn/avdeling", "Innmeldt", "Mappe"]
    assert values["Tilgangsgruppe"] == "Solsikken barnehage" and values["Mappe"] == ""
    assert values["Trinn/avdeling"] == "Avdeling Blåklokka" and values["Type"] == "Barn"
    assert any(lbl.attrs.get("for") == "saksnummer" and lbl.text() == "Saksnummer for mappe"
               for lbl in child.all("label"))
    assert ui.get("/barn/E-9999").status_code == 404


def test_register_folder_form(ui, admin):
    bad = ui.post("/barn/E-1009", data={"saksnummer": ""})
    assert bad.status_code == 422
    assert parse(bad.text).by_id("saksnummer-feil").text() == "Saksnummer må ha formen ÅÅ/NNNNN"
    done = ui.post("/barn/E-1009", data={"saksnummer": "26/00012"})
    assert done.status_code == 303 and done.headers["location"] == "/barn/E-1009"
    shown = ui.get("/barn/E-1009").text
    assert "Mappe registrert: 26/00012" in shown and sections(parse(shown))["Opplysninger"]["Mappe"] == "26/00012"
    assert admin.get("/api/v1/children/E-1009").json()["folder_case_number"] == "26/00012"
    conflict = ui.post("/barn/E-1001", data={"saksnummer": "26/00013"})
    assert conflict.status_code == 409
    error = parse(conflict.text)
    assert "22/00318" in error.by_id("saksnummer-feil").text()
    assert error.by_id("saksnummer").attrs["aria-invalid"] == "true"
    assert "E-1009" not in {r["Id"] for r in table(parse(ui.get("/barn?uten_mappe=1").text), "barn")}


def test_search_finds_children_and_referrals_by_name_or_id(ui):
    page = parse(ui.get("/sok", params={"q": "haugen"}).text)
    assert_labelled(page)
    assert [r["Id"] for r in table(page, "sok-barn")] == ["E-1001"]
    assert [r["Id"] for r in table(page, "sok-henvisninger")] == ["H-2026-0101", "H-2026-0107"]
    by_id = parse(ui.get("/sok", params={"q": "H-2026-0106"}).text)
    assert [r["Barn"] for r in table(by_id, "sok-henvisninger")] == ["Selma Nilsen"]
    assert [r["Id"] for r in table(parse(ui.get("/sok", params={"q": "E-1007"}).text), "sok-barn")] == ["E-1007"]
    by_fnr = parse(ui.get("/sok", params={"q": "08882050069"}).text)  # the robots look children up this way
    assert [r["Id"] for r in table(by_fnr, "sok-barn")] == ["E-1007"] and table(by_fnr, "sok-henvisninger") == []
    nothing = parse(ui.get("/sok", params={"q": "Finnes Ikke"}).text)
    assert "Ingen treff" in nothing.text() and table(nothing, "sok-barn") == []


# -- faults ----------------------------------------------------------------------------------------
def test_expired_session_goes_to_login(ui, admin):
    set_faults(admin, session_timeout_minutes=0.005)  # 0.3 s
    assert ui.get("/barn/E-1001").status_code == 200
    time.sleep(0.5)
    response = ui.get("/barn/E-1001")
    assert response.status_code == 303 and response.headers["location"] == "/login?neste=/barn/E-1001"
    assert "Økten er utløpt. Logg inn på nytt." in ui.get(response.headers["location"]).text


def test_renamed_labels_and_error_rate(ui, admin):
    set_faults(admin, renamed_labels={"Saksnummer": "Arkivsaksnummer", "Status": "Tilstand"})
    page = parse(ui.get("/henvisninger/H-2026-0101").text)
    assert any(lbl.attrs.get("for") == "saksnummer" and lbl.text() == "Arkivsaksnummer" for lbl in page.all("label"))
    assert "Tilstand" in sections(page)["Henvisningen"]
    set_faults(admin, renamed_labels={}, error_rate=1.0)
    assert ui.post("/henvisninger/H-2026-0101", data={"saksnummer": "26/00012"}).status_code == 500
    assert ui.post("/barn/E-1009", data={"saksnummer": "26/00012"}).status_code == 500
    assert ui.get("/henvisninger/H-2026-0101").status_code == 200
    set_faults(admin, error_rate=0.0)
    assert admin.get("/api/v1/referrals/H-2026-0101").json()["status"] == "ny"
    assert admin.get("/api/v1/children/E-1009").json()["folder_case_number"] is None
