"""A PDF rendering of a referral form, filed with the referral as its main document."""

from __future__ import annotations

from saksrobot.pdf import Section, render_form
from saksrobot.schooladmin.models import Referral


def _yes(value: bool) -> str:
    return "Ja" if value else "Nei"


def render_referral(referral: Referral) -> bytes:
    """The referral with every field, as archive staff would see the paper form."""
    child, referrer = referral.child, referral.referrer
    sections: list[Section] = [
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
    return render_form(f"Henvisning til PPT ({referral.id})", "Unntatt offentlighet, offl. § 13 jf. fvl. § 13 (1) nr.1",
                       sections)
