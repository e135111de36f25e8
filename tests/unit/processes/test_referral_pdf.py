import io
from datetime import datetime

from pypdf import PdfReader

from saksrobot.processes.referral_pdf import render_referral
from saksrobot.schooladmin import AttachmentInfo, Guardian, Reason, Referral, ReferredChild, Referrer


def test_the_rendering_holds_every_part_of_the_form():
    referral = Referral(
        id="H-7", received=datetime(2026, 11, 2, 9, 14), status="ny", referral_type="re-henvisning",
        child=ReferredChild(first_name="Åse", last_name="Ødegård", fnr="11831650003", mother_tongue="dari",
                            interpreter_needed=True),
        guardians=(Guardian(name="Guro Ødegård", fnr="03828510036", consent=True),),
        referrer=Referrer(kind="skole", name="Nordby skole", orgnr="980000702", contact_person="Siv – lærer"),
        reason=Reason(category="Lese- og skrivevansker", text="Strever med lesing (§ 5-1)"),
        attachments=(AttachmentInfo(n=1, title="Pedagogisk rapport", filename="rapport.pdf"),))
    data = render_referral(referral)
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in ("Henvisning til PPT (H-7)", "Åse Ødegård", "re-henvisning", "Strever med lesing (§ 5-1)",
                     "Foresatt 1", "Samtykke", "Pedagogisk rapport", "Siv - lærer", "Behov for tolk"):
        assert expected in text, expected
