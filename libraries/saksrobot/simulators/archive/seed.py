"""Seed data: units, enterprises, persons (synthetic fødselsnumre only), users, code tables and
some existing cases. Loaded when the database is empty, and again by ``POST /_sim/reset``."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from saksrobot.simulators.archive import db

# Internal units: (name, orgnr). Schools and kindergartens are units of the municipality.
UNITS = [
    ("Byarkivet", "910000004"), ("Oppvekst og utdanning", "930000205"),
    ("Pedagogisk-psykologisk tjeneste (PPT)", "940000300"), ("Økonomiavdelingen", "950000406"),
    ("Helse og velferd", "960000501"), ("Teknisk drift", "970000607"), ("Nordby skole", "980000702"),
    ("Sørbyen skole", "990000808"), ("Solsikken barnehage", "911000903"),
]
# External enterprises (suppliers, partners): (name, orgnr).
ENTERPRISES = [
    ("Nordlys Bygg AS", "922001006"), ("Café Nord AS", "933001105"), ("Fjordkontor Eiendom AS", "944001204"),
    ("Brønnøysundregistrene", "974760673"), ("Kontorrekvisita Norge AS", "988077917"),
]
# Private persons with Skatteetaten/Tenor synthetic numbers (month + 80): never real people.
PERSONS = [
    ("Ola", "Nordmann", "03851550150", "Storgata 1, 9000 Byen"),
    ("Kari", "Nordmann", "14891250097", "Storgata 1, 9000 Byen"),
    ("Per", "Hansen", "27810950043", "Fjellveien 3, 9000 Byen"),
    ("Lise", "Johansen", "02868490058", "Sjøgata 12, 9000 Byen"),
    ("Ahmed", "Ali", "30917990057", "Elvegata 4, 9000 Byen"),
    ("Ingrid", "Berg", "18829090038", "Bakken 7, 9000 Byen"),
    ("Noah", "Larsen", "08882050069", "Skoleveien 2, 9000 Byen"),
    ("Emma", "Olsen", "01832150076", "Parkveien 9, 9000 Byen"),
    ("Jon", "Dahl", "12847590031", "Kirkegata 5, 9000 Byen"),
    ("Sofie", "Lie", "24920150027", "Torget 8, 9000 Byen"),
    ("Tobias", "Eide", "27841350036", "Lia 14, 9000 Byen"),  # has a PPT case (re-referral in school-admin)
]
DEMO_PERSONS = [p[2] for p in PERSONS]
DEMO_ENTERPRISES = [e[1] for e in ENTERPRISES]

USERS = [("robot", "Saksrobot (RPA)"), ("arkivar", "Anne Arkivar")]

P13 = "Offl. § 13 jf. fvl. § 13 (1) nr.1"
# (code, description[, recno]); recnos not given are numbered from 200 001
CODE_TABLES: dict[str, list[tuple]] = {
    db.CASE_TYPE: [("Sak", "Generell sak"), ("Elev", "Elevmappe"), ("Barn", "Barnemappe"), ("PPT", "PPT-sak"),
                   ("Faktura", "Fakturasak"), ("Personal", "Personalsak")],
    db.CASE_STATUS: [("B", "Under behandling"), ("R", "Opprettet av saksbehandler"),
                     ("S", "Avsluttet av saksbehandler"), ("F", "Ferdig fra saksbehandler"), ("A", "Avsluttet"),
                     ("U", "Utgår"), ("P", "Unntatt prosesstyring")],
    db.JOURNAL_STATUS: [("J", "Journalført"), ("F", "Ferdigstilt fra saksbehandler"), ("G", "Godkjent av leder"),
                        ("E", "Ekspedert"), ("A", "Arkivert"), ("U", "Utgår"), ("R", "Reservert dokument"),
                        ("M", "Midlertidig registrert av saksbehandler"), ("S", "Registrert av saksbehandler")],
    db.DOCUMENT_CATEGORY: [("I", "Dokument inn", 110), ("U", "Dokument ut", 111),
                           ("N", "Internt notat med oppfølging", 113), ("X", "Internt notat uten oppfølging", 60005),
                           ("S", "Saksframlegg", 60006)],
    db.ACCESS_CODE: [("U", "Ugradert"), ("13", "Taushetsplikt"), ("14", "Unntatt innsyn etter offl. § 14"),
                     ("17", "Unntatt etter offl. § 17"), ("26", "Unntatt etter offl. § 26")],
    db.SUB_ARCHIVE: [("Sakarkiv", "Sakarkiv"), ("Elev", "Elevarkiv"), ("Barn", "Barnehagearkiv"),
                     ("PPT", "PPT-arkiv"), ("Faktura", "Fakturaarkiv"), ("Personal", "Personalarkiv")],
    db.CLASSIFICATION: [("FAGKLASSE PRINSIPP", "K-koder (fagklasser)"), ("FNR", "Fødselsnummer"),
                        ("ORGNR", "Organisasjonsnummer"), ("EMNEKODE", "Emnekode")],
    db.ACCESS_GROUP: [("Alle", "Alle"), ("Byarkivet", "Byarkivet"), ("PPT", "PPT"), ("Økonomi", "Økonomi"),
                      ("Nordby skole", "Nordby skole"), ("Sørbyen skole", "Sørbyen skole"),
                      ("Solsikken barnehage", "Solsikken barnehage")],
}
# the site's additional fields on documents: (name, label). saksrobot's key of a journal post is one.
CUSTOM_FIELDS = [("CF_SaksrobotId", "Saksrobot-ID"), ("CF_Prosjektnummer", "Prosjektnummer")]


def _code_rows() -> list[db.Code]:
    rows, recno = [], 200_000
    for table, values in CODE_TABLES.items():
        for code, description, *given in values:
            recno += 1
            rows.append(db.Code(table=table, code=code, description=description, recno=given[0] if given else recno))
    return rows


def seed(session: Session, now: datetime) -> None:
    """Fill an empty database. Existing cases are made through ``create`` so numbers are real."""
    from saksrobot.simulators.archive.service import ArchiveService

    session.add_all(_code_rows())
    session.add_all(db.CustomField(name=n, label=label) for n, label in CUSTOM_FIELDS)
    session.add_all(db.Enterprise(name=n, enterprise_number=o, categories=[db.INTERNAL_UNIT]) for n, o in UNITS)
    session.add_all(db.Enterprise(name=n, enterprise_number=o) for n, o in ENTERPRISES)
    session.add_all(db.Person(first_name=f, last_name=last, personal_id_number=fnr, address=a)
                    for f, last, fnr, a in PERSONS)
    session.add_all(db.User(username=u, display_name=d) for u, d in USERS)
    session.flush()
    units = {e.name: e.recno for e in session.query(db.Enterprise) if e.is_internal}
    existing = [
        (now.replace(year=now.year - 1, month=3, day=14), {
            "Title": "Reguleringsplan for sentrum", "CaseType": "Sak", "SubArchive": "Sakarkiv",
            "ResponsibleEnterpriseRecno": units["Teknisk drift"], "Status": "A"}),
        (now - timedelta(days=30), {
            "Title": "Elevmappe", "UnofficialTitle": "Elevmappe - Noah Larsen", "CaseType": "Elev",
            "SubArchive": "Elev", "AccessCode": "13", "Paragraph": P13, "AccessGroup": "Nordby skole",
            "ResponsibleEnterpriseRecno": units["Nordby skole"],
            "ArchiveCodes": [{"ArchiveType": "FNR", "ArchiveCode": PERSONS[6][2], "Sort": 1, "IsManualText": True},
                             {"ArchiveType": "FAGKLASSE PRINSIPP", "ArchiveCode": "B31", "Sort": 2}],
            "Contacts": [{"Role": "Sakspart", "ReferenceNumber": PERSONS[6][2], "IsUnofficial": True}]}),
        (now.replace(year=now.year - 1, month=10, day=6), {
            "Title": "PPT-sak", "UnofficialTitle": "PPT-sak - Tobias Eide", "CaseType": "PPT",
            "SubArchive": "PPT", "AccessCode": "13", "Paragraph": P13, "AccessGroup": "PPT",
            "ResponsibleEnterpriseRecno": units["Pedagogisk-psykologisk tjeneste (PPT)"],
            "ArchiveCodes": [{"ArchiveType": "FNR", "ArchiveCode": PERSONS[10][2], "Sort": 1, "IsManualText": True}],
            "Contacts": [{"Role": "Sakspart", "ReferenceNumber": PERSONS[10][2], "IsUnofficial": True}]}),
        (now - timedelta(days=7), {
            "Title": "Rammeavtale kontorrekvisita 2026", "CaseType": "Sak", "SubArchive": "Sakarkiv",
            "ResponsibleEnterpriseRecno": units["Økonomiavdelingen"],
            "Contacts": [{"Role": "Sakspart", "ReferenceNumber": "988077917", "IsUnofficial": False}]}),
    ]
    service = ArchiveService(session)
    for created, parameter in existing:
        case = service.create_case(parameter, now=created)
        service.create_document({"CaseNumber": case.case_number, "Title": "Saksframlegg", "Category": "Saksframlegg",
                                 "Status": "J", "AccessCode": parameter.get("AccessCode", "U"),
                                 "Paragraph": parameter.get("Paragraph")}, now=created)
