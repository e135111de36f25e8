"""A PDF rendering of a referral form, filed with the referral as its main document (PDF/A is
the archive's long-term format; this rendering is plain PDF 1.4 text)."""

from __future__ import annotations

from fpdf import FPDF

from saksrobot.schooladmin.models import Referral


def _latin1(text: object) -> str:
    """The core PDF fonts hold Latin-1 (æøå and § included); anything else becomes '?'."""
    return str(text if text is not None else "").replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def _yes(value: bool) -> str:
    return "Ja" if value else "Nei"


def render_referral(referral: Referral) -> bytes:
    """The referral with every field, as archive staff would see the paper form."""
    child, referrer = referral.child, referral.referrer
    sections: list[tuple[str, list[tuple[str, object]]]] = [
        ("Barnet", [("Navn", child.full_name), ("Fødselsnummer", child.fnr), ("Adresse", child.address),
                    ("Skole/barnehage", child.unit_name), ("Organisasjonsnummer", child.unit_orgnr),
                    ("Trinn/avdeling", child.grade), ("Morsmål", child.mother_tongue),
                    ("Behov for tolk", _yes(child.interpreter_needed))]),
        ("Henviser", [("Henviser", referrer.kind), ("Navn", referrer.name), ("Organisasjonsnummer", referrer.orgnr),
                      ("Kontaktperson", referrer.contact_person), ("Telefon", referrer.phone)]),
        ("Henvisningen", [("Type", referral.referral_type), ("Mottatt", f"{referral.received:%d.%m.%Y %H:%M}"),
                          ("Årsak", referral.reason.category), ("Beskrivelse", referral.reason.text),
                          ("Hva ønskes vurdert", referral.to_assess), ("Tiltak som er prøvd", referral.measures_tried),
                          ("Vedlegg", ", ".join(a.title for a in referral.attachments) or "Ingen")]),
    ]
    for n, g in enumerate(referral.guardians, start=1):
        sections.append((f"Foresatt {n}", [
            ("Navn", g.name), ("Fødselsnummer", g.fnr), ("Telefon", g.phone), ("E-post", g.email),
            ("Foreldreansvar", _yes(g.parental_responsibility)), ("Bor med barnet", _yes(g.lives_with_child)),
            ("Samtykke", _yes(g.consent))]))

    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Henvisning til PPT {referral.id}"))
    pdf.set_creator("saksrobot")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(f"Henvisning til PPT ({referral.id})"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 6, _latin1("Unntatt offentlighet, offl. § 13 jf. fvl. § 13 (1) nr.1"), new_x="LMARGIN", new_y="NEXT")
    for heading, fields in sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
        for label, value in fields:
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(45, 6, _latin1(label))
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 6, _latin1(value or "-"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
