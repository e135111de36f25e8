"""Seed data: schools and kindergartens, the register of pupils and children, and the inbox of
referrals to PPT with its hard cases (see docs/schooladmin-simulator.md). Every fødselsnummer is
synthetic (Skatteetaten/Tenor style, month + 80): never a real person. Loaded when the database
is empty, and again by ``POST /_sim/reset``."""

from __future__ import annotations

import copy
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from fpdf import FPDF
from sqlalchemy.orm import Session

from saksrobot.simulators.schooladmin import db

UNITS: list[dict[str, Any]] = [
    {"id": 1, "name": "Nordby skole", "orgnr": "980000702", "kind": "skole", "access_group": "Nordby skole"},
    {"id": 2, "name": "Sørbyen skole", "orgnr": "990000808", "kind": "skole", "access_group": "Sørbyen skole"},
    {"id": 3, "name": "Solsikken barnehage", "orgnr": "911000903", "kind": "barnehage",
     "access_group": "Solsikken barnehage"},
]
UNIT_BY_NAME = {u["name"]: u for u in UNITS}

USERS = [("robot", "Saksrobot (RPA)"), ("saksbehandler", "Sara Saksbehandler")]

_CHILD_ROWS = [  # id, first, last, fnr, unit, grade, enrolled, folder case number, address
    ("E-1001", "Mia", "Haugen", "11831650003", "Nordby skole", "4. trinn", "2022-08-17", "22/00318",
     "Haugveien 3, 9000 Byen"),
    ("E-1002", "Sara", "Moe", "23861450090", "Sørbyen skole", "6. trinn", "2020-08-17", "20/00977",
     "Moeveien 8, 9000 Byen"),
    ("E-1003", "Filip", "Aas", "14821050015", "Nordby skole", "10. trinn", "2016-08-17", "16/00541",
     "Åsen 2, 9000 Byen"),
    ("E-1004", "Tobias", "Eide", "27841350036", "Sørbyen skole", "7. trinn", "2019-08-19", "19/00702",
     "Lia 14, 9000 Byen"),
    ("E-1005", "Amir", "Rahimi", "49901650097", "Nordby skole", "4. trinn", "2026-01-12", None,  # D-number
     "Elvegata 10, 9000 Byen"),
    ("E-1006", "Ella", "Bakke", "05911750068", "Sørbyen skole", "3. trinn", "2023-08-21", "23/00411",
     "Bakkegata 6, 9000 Byen"),
    ("E-1007", "Noah", "Larsen", "08882050069", "Nordby skole", "1. trinn", "2026-08-17", None,  # has an elevmappe
     "Skoleveien 2, 9000 Byen"),
    ("E-1008", "Lucas", "Holm", "07871850059", "Sørbyen skole", "3. trinn", "2026-08-17", None,
     "Holmen 1, 9000 Byen"),
    ("E-1009", "Ida", "Ruud", "01921950043", "Nordby skole", "1. trinn", "2026-08-17", None,
     "Ruudveien 4, 9000 Byen"),
    ("E-1010", "Emil", "Foss", "29822050181", "Sørbyen skole", "1. trinn", "2026-08-17", None,  # bad check digits
     "Fossen 9, 9000 Byen"),
    ("B-2001", "Jakob", "Strand", "02891950074", "Solsikken barnehage", "Avdeling Blåklokka", "2021-08-02",
     "21/00233", "Strandveien 5, 9000 Byen"),
    ("B-2003", "Oskar", "Lund", "18842250001", "Solsikken barnehage", "Avdeling Blåklokka", "2026-08-03", None,
     "Lundveien 7, 9000 Byen"),
    ("B-2004", "Nora", "Vik", "30812150150", "Solsikken barnehage", "Avdeling Solstrålen", "2026-09-01", None,
     "Vika 3, 9000 Byen"),
]
CHILDREN: list[dict[str, Any]] = [
    {"id": i, "kind": "elev" if i.startswith("E-") else "barn", "first_name": first, "last_name": last, "fnr": fnr,
     "unit": unit, "grade": grade, "enrolled": enrolled, "folder_case_number": folder, "address": address}
    for i, first, last, fnr, unit, grade, enrolled, folder, address in _CHILD_ROWS]
CHILD_BY_ID = {c["id"]: c for c in CHILDREN}
WITHOUT_FOLDER = [c["id"] for c in CHILDREN if c["folder_case_number"] is None]

DEFAULT_ATTACHMENTS = [("Pedagogisk rapport", "pedagogisk-rapport.pdf"), ("Samtykkeskjema", "samtykke.pdf")]


def _child(child_id: str, **override: Any) -> dict[str, Any]:
    c = CHILD_BY_ID[child_id]
    unit = UNIT_BY_NAME[c["unit"]]
    return {"first_name": c["first_name"], "last_name": c["last_name"], "fnr": c["fnr"], "address": c["address"],
            "unit_name": unit["name"], "unit_orgnr": unit["orgnr"], "grade": c["grade"], "mother_tongue": "norsk",
            "interpreter_needed": False, **override}


def _unit_referrer(name: str, contact_person: str, phone: str) -> dict[str, Any]:
    unit = UNIT_BY_NAME[name]
    return {"kind": unit["kind"], "name": name, "orgnr": unit["orgnr"], "contact_person": contact_person,
            "phone": phone}


def _guardian(name: str, fnr: str, phone: str, *, consent: bool = True, lives: bool = True,
              responsibility: bool = True) -> dict[str, Any]:
    email = name.lower().replace(" ", ".").translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a"}))
    return {"name": name, "fnr": fnr, "phone": phone, "email": f"{email}@example.no",
            "parental_responsibility": responsibility, "lives_with_child": lives, "consent": consent}


def _referral(rid: str, received: str, child: dict, referrer: dict, guardians: list, category: str, text: str, *,
              to_assess: str = "Behov for spesialundervisning", measures_tried: str = "Tilpasset opplæring",
              referral_type: str = "individsak", attachments: list | None = None, status: str = "ny",
              case_number: str | None = None) -> dict[str, Any]:
    return {"id": rid, "received": received, "status": status, "case_number": case_number,
            "referral_type": referral_type, "child": child, "guardians": guardians, "referrer": referrer,
            "reason": {"category": category, "text": text}, "to_assess": to_assess, "measures_tried": measures_tried,
            "attachments": [{"title": t, "filename": f} for t, f in attachments or DEFAULT_ATTACHMENTS]}


HAUGEN = [_guardian("Guro Haugen", "03828510036", "91000101"),
          _guardian("Trond Haugen", "19888310110", "91000102", lives=False)]
HILDE_MOE = _guardian("Hilde Moe", "01858010043", "91000301")
MARTE_BAKKE_FNR = "22848810081"  # synthetic_fnr(date(1988, 4, 22), 100): distinct from every other person
H0101 = _referral("H-2026-0101", "2026-11-02T09:14:00", _child("E-1001"),
                  _unit_referrer("Nordby skole", "Siv Olsen (kontaktlærer)", "90000001"), HAUGEN,
                  "Lese- og skrivevansker", "Eleven strever med lesing og rettskriving til tross for tiltak.",
                  measures_tried="Lesekurs i 8 uker, tilpasset opplæring")

REFERRALS: list[dict[str, Any]] = [
    _referral("H-2026-0090", "2025-09-15T10:00:00", _child("E-1002"),
              _unit_referrer("Sørbyen skole", "Kari Lie (kontaktlærer)", "90000002"), [HILDE_MOE],
              "Konsentrasjon og oppmerksomhet", "Eleven har vansker med å holde fokus i timene.",
              status="behandlet", case_number="25/00811"),
    H0101,
    _referral("H-2026-0102", "2026-11-03T08:40:00", _child("B-2001"),
              _unit_referrer("Solsikken barnehage", "Per Pedersen (styrer)", "90000003"),
              [_guardian("Rune Strand", "09898810043", "91000201"),
               _guardian("Anne Strand", "03839010140", "91000202")],
              "Språk og kommunikasjon", "Barnet har et begrenset ordforråd og blir lite forstått av andre barn.",
              to_assess="Behov for spesialpedagogisk hjelp", measures_tried="Språkgrupper i barnehagen"),
    _referral("H-2026-0103", "2026-11-04T12:05:00", _child("E-1002"),
              _unit_referrer("Sørbyen skole", "Kari Lie (kontaktlærer)", "90000002"),
              [HILDE_MOE, _guardian("Kjetil Moe", "17878710045", "91000302", consent=False)],
              "Konsentrasjon og oppmerksomhet",
              "Eleven faller ut av undervisningen og trenger mye hjelp til å komme i gang."),
    _referral("H-2026-0104", "2026-11-05T14:20:00", _child("E-1003"),
              {"kind": "eleven selv", "name": "Filip Aas", "orgnr": None, "contact_person": None, "phone": "92000104"},
              [_guardian("Line Aas", "10908910031", "91000401", consent=False)],
              "Sosiale og emosjonelle vansker", "Jeg trives ikke på skolen og vil gjerne snakke med noen på PPT.",
              to_assess="Samtale og vurdering av behov for hjelp", measures_tried="Samtaler med helsesykepleier",
              attachments=[("Egenmelding", "egenmelding.pdf")]),
    _referral("H-2026-0105", "2026-11-06T09:00:00", _child("E-1008", fnr="07871850058"),
              _unit_referrer("Sørbyen skole", "Kari Lie (kontaktlærer)", "90000002"),
              [_guardian("Line Holm", "04849110190", "91000501")],
              "Matematikkvansker", "Eleven har store vansker med grunnleggende tallforståelse."),
    _referral("H-2026-0106", "2026-11-06T11:30:00",
              {"first_name": "Selma", "last_name": "Nilsen", "fnr": "05851550048", "address": "Nilsveien 1, 9000 Byen",
               "unit_name": "Nordby skole", "unit_orgnr": "980000702", "grade": "5. trinn", "mother_tongue": "norsk",
               "interpreter_needed": False},
              {"kind": "helsestasjon", "name": "Byen helsestasjon", "orgnr": "960000501",
               "contact_person": "Helsesykepleier Tone Li", "phone": "90000006"},
              [_guardian("Eva Nilsen", "06868610024", "91000601")],
              "Motoriske vansker", "Eleven har vansker med finmotorikk, blant annet blyantgrep og klipping.",
              to_assess="Behov for tilrettelegging", measures_tried="Ergoterapeut har gitt råd til skolen"),
    # The same referral as H-2026-0101, sent twice.
    {**copy.deepcopy(H0101), "id": "H-2026-0107", "received": "2026-11-02T09:31:00"},
    _referral("H-2026-0108", "2026-11-07T10:10:00", _child("E-1004"),
              _unit_referrer("Sørbyen skole", "Kari Lie (kontaktlærer)", "90000002"),
              [_guardian("Siri Eide", "12928210063", "91000801")],
              "Lese- og skrivevansker", "Eleven ble fulgt opp av PPT i fjor. Vanskene med lesing og skriving "
              "vedvarer, og skolen ber om en ny vurdering.", referral_type="re-henvisning",
              measures_tried="Tiltak etter sakkyndig vurdering fra PPT, ekstra lesetrening"),
    _referral("H-2026-0109", "2026-11-09T13:45:00", _child("E-1005", mother_tongue="dari", interpreter_needed=True),
              _unit_referrer("Nordby skole", "Siv Olsen (kontaktlærer)", "90000001"),
              [_guardian("Farah Rahimi", "12818810030", "91000901")],
              "Språk og kommunikasjon", "Eleven kom til Norge i år og strever med å forstå undervisningen.",
              to_assess="Behov for særskilt språkopplæring og spesialundervisning",
              measures_tried="Innføringsklasse, morsmålsstøtte"),
    _referral("H-2026-0110", "2026-11-10T08:05:00", _child("E-1006"),
              {"kind": "foresatte", "name": "Marte Bakke", "orgnr": None, "contact_person": None, "phone": "91001001"},
              [_guardian("Marte Bakke", MARTE_BAKKE_FNR, "91001001")],
              "Konsentrasjon og oppmerksomhet", "Vi er bekymret for at datteren vår ikke får med seg det som skjer "
              "i timene.", to_assess="Vurdering av behov for tilrettelegging", measures_tried="Samtaler med skolen"),
]
REFERRAL_BY_ID = {r["id"]: r for r in REFERRALS}
PROCESSED_EARLIER = {"H-2026-0090": ("2025-09-18T13:00:00", "saksbehandler")}


@lru_cache(maxsize=64)
def attachment_pdf(title: str, child_name: str, referral_id: str) -> bytes:
    """A small but real PDF with synthetic text (no personal numbers); cached, seeding stays fast."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2026, 11, 1))
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in (f"Gjelder: {child_name}", f"Henvisning: {referral_id}", "",
                 "Dette dokumentet er syntetiske testdata fra simulatoren for skoleadministrasjon.",
                 "Barnet har fått tilpasset opplæring over tid. Tiltakene er evaluert, og skolen",
                 "ser behov for en vurdering fra pedagogisk-psykologisk tjeneste (PPT).",
                 "Foresatte er orientert om henvisningen."):
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _referral_row(r: dict[str, Any]) -> db.Referral:
    child, referrer, reason = r["child"], r["referrer"], r["reason"]
    processed_at, processed_by = PROCESSED_EARLIER.get(r["id"], (None, None))
    name = f"{child['first_name']} {child['last_name']}"
    return db.Referral(
        id=r["id"], received=datetime.fromisoformat(r["received"]), status=r["status"], case_number=r["case_number"],
        processed_at=datetime.fromisoformat(processed_at) if processed_at else None, processed_by=processed_by,
        referral_type=r["referral_type"], **{f"child_{k}": child[k] for k in (
            "first_name", "last_name", "fnr", "address", "unit_name", "unit_orgnr", "grade")},
        mother_tongue=child["mother_tongue"], interpreter_needed=child["interpreter_needed"],
        **{f"referrer_{k}": referrer[k] for k in ("kind", "name", "orgnr", "contact_person", "phone")},
        reason_category=reason["category"], reason_text=reason["text"], to_assess=r["to_assess"],
        measures_tried=r["measures_tried"],
        guardians=[db.Guardian(position=i, **g) for i, g in enumerate(r["guardians"], 1)],
        attachments=[db.Attachment(n=n, title=a["title"], filename=a["filename"], mime="application/pdf",
                                   data=(data := attachment_pdf(a["title"], name, r["id"])), size=len(data))
                     for n, a in enumerate(r["attachments"], 1)])


def seed(session: Session, now: datetime | None = None) -> None:
    """Fill an empty database (the seed is fixed: it does not depend on ``now``)."""
    session.add_all(db.Unit(**u) for u in UNITS)
    session.add_all(db.User(username=u, display_name=d) for u, d in USERS)
    units = {u["name"]: u["id"] for u in UNITS}
    session.add_all(db.Child(
        id=c["id"], kind=c["kind"], first_name=c["first_name"], last_name=c["last_name"], fnr=c["fnr"],
        address=c["address"], unit_id=units[c["unit"]], grade=c["grade"], enrolled=date.fromisoformat(c["enrolled"]),
        folder_case_number=c["folder_case_number"]) for c in CHILDREN)
    session.add_all(_referral_row(r) for r in REFERRALS)
