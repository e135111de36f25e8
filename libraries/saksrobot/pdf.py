"""Plain PDF renderings of forms (a referral, an invoice without its own PDF) as label/value
sections, for filing next to the original. Text only; the core fonts hold Latin-1 (æøå and §)."""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

Section = tuple[str, Sequence[tuple[str, object]]]


def latin1(text: object) -> str:
    """Text the core PDF fonts can show: dashes made plain, anything else outside Latin-1 as '?'."""
    text = str(text if text is not None else "").replace("–", "-").replace("—", "-")
    return text.encode("latin-1", "replace").decode("latin-1")


def render_form(title: str, subtitle: str, sections: Sequence[Section]) -> bytes:
    """A PDF with a title, a subtitle and one block of label/value lines per section."""
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(title))
    pdf.set_creator("saksrobot")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 6, latin1(subtitle), new_x="LMARGIN", new_y="NEXT")
    for heading, fields in sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, latin1(heading), new_x="LMARGIN", new_y="NEXT")
        for label, value in fields:
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(45, 6, latin1(label))
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 6, latin1(value if value not in (None, "") else "-"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
