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
CODE_TABLES: dict[str, list[tuple[str, str]]] = {
    "Sakstype": [("Sak", "Generell sak"), ("Elev", "Elevmappe"), ("Barn", "Barnemappe"), ("PPT", "PPT-sak"),
                 ("Faktura", "Fakturasak"), ("Personal", "Personalsak")],
    "Saksstatus": [("B", "Under behandling"), ("A", "Avsluttet"), ("AS", "Avsluttet av saksbehandler"),
                   ("U", "Utgår"), ("R", "Reservert")],
    "Tilgangskode": [("U", "Ugradert"), ("13", "Taushetsplikt"), ("14", "Unntatt innsyn etter offl. § 14"),
                     ("17", "Unntatt etter offl. § 17"), ("26", "Unntatt etter offl. § 26")],
    "Dokumentkategori": [("Dokument inn", "Inngående dokument (I)"), ("Dokument ut", "Utgående dokument (U)"),
                         ("Internt notat", "Internt notat (N)")],
    "Journalstatus": [("J", "Journalført"), ("F", "Ferdigstilt"), ("E", "Ekspedert"), ("A", "Arkivert")],
    "Arkivdel": [("Sakarkiv", "Sakarkiv"), ("Elev", "Elevarkiv"), ("Barn", "Barnehagearkiv"),
                 ("PPT", "PPT-arkiv"), ("Faktura", "Fakturaarkiv"), ("Personal", "Personalarkiv")],
    "Ordningsprinsipp": [("FAGKLASSE PRINSIPP", "K-koder (fagklasser)"), ("FNR", "Fødselsnummer"),
                         ("ORGNR", "Organisasjonsnummer"), ("EMNEKODE", "Emnekode")],
    "Tilgangsgruppe": [("Alle", "Alle"), ("Byarkivet", "Byarkivet"), ("PPT", "PPT"), ("Økonomi", "Økonomi"),
                       ("Nordby skole", "Nordby skole"), ("Sørbyen skole", "Sørbyen skole"),
                       ("Solsikken barnehage", "Solsikken barnehage")],
}


def seed(session: Session, now: datetime) -> None:
    """Fill an empty database. Existing cases are made through ``create`` so numbers are real."""
    from saksrobot.simulators.archive.service import ArchiveService

    for table, rows in CODE_TABLES.items():
        session.add_all(db.Code(table=table, code=c, description=d) for c, d in rows)
    session.add_all(db.Enterprise(name=n, enterprise_number=o, is_internal=True) for n, o in UNITS)
    session.add_all(db.Enterprise(name=n, enterprise_number=o) for n, o in ENTERPRISES)
    session.add_all(db.Person(first_name=f, last_name=last, personal_id_number=fnr, address=a)
                    for f, last, fnr, a in PERSONS)
    session.add_all(db.User(username=u, display_name=d) for u, d in USERS)
    session.flush()
    units = {e.name: e.recno for e in session.query(db.Enterprise).filter_by(is_internal=True)}
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
        service.create_document({"CaseNumber": case.case_number, "Title": "Saksframlegg",
                                 "Category": "Internt notat", "AccessCode": parameter.get("AccessCode", "U"),
                                 "Paragraph": parameter.get("Paragraph")}, now=created)
