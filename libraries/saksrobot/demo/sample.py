"""The demo's sample sheet: about 30 realistic case requests, some of them invalid on purpose."""

from __future__ import annotations

from pathlib import Path

from saksrobot import sheets
from saksrobot.domain.case_request import COLUMNS

P13 = "Offl. § 13 jf. fvl. § 13 (1) nr.1"


def sample_rows(persons: list[str], enterprises: list[str]) -> list[dict[str, str]]:
    """Rows for the request sheet. ``persons`` (fnr) and ``enterprises`` (orgnr) must be
    known to the archive; at least three of each."""
    p, e = persons, enterprises
    valid = [
        ("Byggesak - Storgata 12, tilbygg", "", "Sak", "Teknisk drift", "", "U", "", "", e[0]),
        ("Søknad om skjenkebevilling - Café Nord", "", "Sak", "Byarkivet", "", "U", "", "", e[1]),
        ("Klage på vedtak om skoleskyss", f"Klage på skoleskyss - {p[0]}", "Sak", "Oppvekst og utdanning",
         f"FNR:{p[0]}", "13", P13, "", p[0]),
        ("Tilsyn med Solsikken barnehage 2026", "", "Sak", "Oppvekst og utdanning", "A10", "U", "", "", ""),
        ("Avtale om leie av lokaler i Kirkegata 3", "", "Sak", "Økonomiavdelingen", "", "U", "", "", e[2]),
        ("Personalsak", "Personalsak - {name}", "Personal", "Byarkivet", f"FNR:{p[1]}", "13", P13,
         "Byarkivet", p[1]),
        ("Søknad om startlån", "Søknad om startlån - {name}", "Sak", "Helse og velferd", f"FNR:{p[2]}",
         "13", P13, "", p[2]),
        ("Innkjøp av skolemøbler 2026", "", "Sak", "Økonomiavdelingen", "", "U", "", "", e[0]),
        ("Vegvedlikehold Ringveien 2026", "", "Sak", "Teknisk drift", "", "U", "", "", ""),
        ("Høring - kommunedelplan for oppvekst", "", "Sak", "Oppvekst og utdanning", "A00", "U", "", "", ""),
        ("Avvikling av eldre arkivserier", "", "Sak", "Byarkivet", "", "U", "", "", ""),
        ("Politisk sak - budsjett 2027", "", "Sak", "Økonomiavdelingen", "", "U", "", "", ""),
        ("Søknad om tilskudd - idrettslag", "", "Sak", "Byarkivet", "", "U", "", "", e[1]),
        ("Klage på eiendomsskatt", "Klage på eiendomsskatt - {name}", "Sak", "Økonomiavdelingen",
         f"FNR:{p[0]}", "13", P13, "Økonomi", p[0]),
        ("Tilsyn med Nordby skole", "", "Sak", "Oppvekst og utdanning", "A10", "U", "", "", ""),
        ("Søknad om parkeringstillatelse", "Parkeringstillatelse - {name}", "Sak", "Teknisk drift",
         f"FNR:{p[1]}", "13", P13, "", p[1]),
        ("Rammeavtale renhold", "", "Sak", "Økonomiavdelingen", "", "U", "", "", e[2]),
        ("Beredskapsplan 2027", "", "Sak", "Byarkivet", "", "U", "", "", ""),
        ("Søknad om permisjon", "Permisjon - {name}", "Personal", "Helse og velferd", f"FNR:{p[2]}", "13",
         P13, "", p[2]),
        ("Ombygging av Sørbyen skole", "", "Sak", "Teknisk drift", "", "U", "", "", e[0]),
        ("Årsmelding byarkivet 2026", "", "Sak", "Byarkivet", "", "U", "", "", ""),
        ("Henvendelse om innsyn i byggesak", "", "Sak", "Byarkivet", "", "U", "", "", e[1]),
        ("Avtale om lærlingplass", "Lærlingavtale - {name}", "Personal", "Oppvekst og utdanning",
         f"FNR:{p[0]}", "13", P13, "", p[0]),
        ("Gravetillatelse - Skoleveien", "", "Sak", "Teknisk drift", "", "U", "", "", e[2]),
    ]
    invalid = [
        ("", "", "Sak", "Byarkivet", "", "U", "", "", ""),  # no title
        ("Byggesøknad - Fjordveien 8", "", "Byggesøknad", "Teknisk drift", "", "U", "", "", ""),  # unknown type
        ("Søknad om støttekontakt", "", "Sak", "Helse og velferd", "", "13", P13, "", "03851598731"),  # bad fnr
        ("Kulturmidler 2027", "", "Sak", "Kulturetaten", "", "U", "", "", ""),  # unknown unit
        ("Søknad om barnehageplass", "", "Sak", "Oppvekst og utdanning", "", "13", "", "", ""),  # no paragraph
        ("Leverandøravtale IT", "", "Sak", "Økonomiavdelingen", "", "U", "", "", "988077918"),  # bad orgnr
        (f"Klage fra {p[1]}", "", "Sak", "Byarkivet", "", "U", "", "", ""),  # a fødselsnummer in the public title
        ("Søknad om fritak", "", "Sak", "Byarkivet", "", "U", "", "", ""),  # its Id is a fødselsnummer (below)
    ]
    fields = ["Tittel", "Intern tittel", "Sakstype", "Ansvarlig enhet", "Klassering", "Tilgangskode",
              "Hjemmel", "Tilgangsgruppe", "Parter"]
    rows = []
    for number, values in enumerate(valid + invalid, start=1):
        row = dict(zip(fields, values, strict=True))
        row["Intern tittel"] = row["Intern tittel"].replace("{name}", "navn på part")
        rows.append({"Id": f"DEMO-{number:04d}", **row})
    rows[-1]["Id"] = p[2]
    return rows


def write_sample_sheet(path: Path, persons: list[str], enterprises: list[str]) -> Path:
    """Write the sample request sheet (.xlsx or .csv) and return its path."""
    return sheets.write_rows(path, list(COLUMNS), sample_rows(persons, enterprises))
