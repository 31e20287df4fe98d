"""The PDF form of a data card, drawn with fpdf2 (pure Python: no system package or font needed).

The PDF core fonts in WinAnsi (windows-1252) encoding cover Spanish (á é í ó ú ü ñ ¿ ¡ « » – —);
any other character a summary might carry is replaced by its closest plain form, never dropped
silently into a broken glyph.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from fpdf import FPDF

from orchestration.publish.content import Copy

ACCENT = (27, 94, 140)
INK = (29, 36, 51)
MUTED = (91, 100, 117)
PANEL = (246, 248, 251)
BAR_COLORS = [(27, 94, 140), (224, 123, 36), (60, 141, 82), (178, 58, 72)]
ENCODING = "windows-1252"


def pdf_text(text: str) -> str:
    """Text the WinAnsi core fonts can show: unsupported characters become their closest form."""
    out = []
    for ch in text:
        try:
            ch.encode(ENCODING)
            out.append(ch)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", ch).encode(ENCODING, "ignore").decode(ENCODING)
            out.append(plain or "?")
    return "".join(out)


class CardPDF(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(orientation="P", unit="mm", format="Letter")
        self.core_fonts_encoding = ENCODING
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(16, 14, 16)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=7)
        self.set_text_color(*MUTED)
        self.cell(0, 5, pdf_text(f"{self.footer_text}  ·  {self.page_no()}/{{nb}}"), align="C")


def write_card_pdf(card, copy: Copy, path: Path) -> Path:
    pdf = CardPDF(card.generated)
    pdf.set_title(pdf_text(f"{card.title} - {card.period}"))
    pdf.set_lang(card.lang)
    pdf.set_creator("alt-response-platform publisher")
    # A fixed creation date (the publication day) keeps re-runs of one day's build identical.
    pdf.set_creation_date(dt.datetime.combine(card.generated_on, dt.time(), tzinfo=dt.timezone.utc))
    pdf.add_page()
    width = pdf.epw

    # Header band.
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, pdf.w, 30, style="F")
    pdf.set_xy(16, 7)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("helvetica", size=8)
    pdf.cell(width, 4, pdf_text(copy.get("site.org")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 18)
    pdf.cell(width, 9, pdf_text(card.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=12)
    pdf.cell(width, 6, pdf_text(card.period), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(33)
    pdf.set_font("helvetica", size=8)
    pdf.set_text_color(*MUTED)
    pdf.cell(width, 4, pdf_text(f"{card.dates.get('current_through', '')} · {card.dates.get('published_on', '')}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(39)

    # Lead sentence.
    pdf.set_text_color(*INK)
    pdf.set_font("helvetica", size=11)
    pdf.set_fill_color(*PANEL)
    pdf.multi_cell(width, 5.6, pdf_text(card.lead_text), fill=True, padding=3, align="L",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    # Highlights: a grid of boxes, four per row.
    _heading(pdf, copy.get("card.highlights"))
    per_row, gap, box_h = 4, 3, 24
    box_w = (width - gap * (per_row - 1)) / per_row
    for i, h in enumerate(card.highlights):
        col = i % per_row
        if col == 0:
            if i:
                pdf.set_y(y0 + box_h + gap)
            y0 = pdf.get_y()
        x = pdf.l_margin + col * (box_w + gap)
        pdf.set_fill_color(*PANEL)
        pdf.rect(x, y0, box_w, box_h, style="F")
        pdf.set_xy(x + 2, y0 + 2)
        pdf.set_font("helvetica", "B", 15 if not h.reason else 11)
        pdf.set_text_color(*ACCENT)
        pdf.cell(box_w - 4, 8 if not h.reason else 5, pdf_text(h.text))
        if h.reason:
            pdf.set_xy(x + 2, y0 + 7)
            pdf.set_font("helvetica", size=6.5)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(box_w - 4, 2.8, pdf_text(h.reason), align="L")
        pdf.set_xy(x + 2, y0 + 15 if h.reason else y0 + 11)
        pdf.set_font("helvetica", size=8)
        pdf.set_text_color(*INK)
        pdf.multi_cell(box_w - 4, 3.8, pdf_text(h.label), align="L")
    pdf.set_y(y0 + box_h + 5)

    # HEART incidents by program: bars with their published value.
    if card.programs:
        _heading(pdf, copy.get("card.by_program"))
        shown = [p["figure"].value for p in card.programs if p["figure"].shown]
        top = max(shown, default=1.0) or 1.0
        label_w, value_w, bar_max = 62, 22, width - 62 - 22 - 4
        for i, p in enumerate(card.programs):
            y = pdf.get_y()
            pdf.set_font("helvetica", size=9)
            pdf.set_text_color(*INK)
            pdf.cell(label_w, 6, pdf_text(p["label"]))
            if p["figure"].shown:
                pdf.set_fill_color(*BAR_COLORS[i % len(BAR_COLORS)])
                pdf.rect(pdf.l_margin + label_w, y + 1, max(0.5, bar_max * p["figure"].value / top), 4, style="F")
            pdf.set_x(pdf.l_margin + label_w + bar_max + 4)
            pdf.cell(value_w, 6, pdf_text(p["text"]), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    # The reviewed story.
    _heading(pdf, copy.get("card.story"))
    pdf.set_font("helvetica", size=10)
    pdf.set_text_color(*INK)
    for para in card.story_paragraphs or (copy.get("card.story_missing"),):
        pdf.multi_cell(width, 5, pdf_text(para), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    if card.summaries:
        _heading(pdf, copy.get("card.summaries"))
        for s in card.summaries:
            pdf.set_text_color(*INK)
            pdf.set_font("helvetica", "B", 9)
            pdf.cell(width, 5, pdf_text(s["program"]), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("helvetica", size=9.5)
            pdf.multi_cell(width, 4.6, pdf_text(s["text"]), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)

    pdf.ln(2)
    pdf.set_font("helvetica", size=8)
    pdf.set_text_color(*MUTED)
    contact = copy.get("site.contact").format(email=card.dates.get("contact_email", ""))
    for line in [copy.get("card.about"), *card.notes, contact]:
        pdf.multi_cell(width, 4, pdf_text(" ".join(line.split())), align="L", new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font("helvetica", "B", 12)
    pdf.set_text_color(*ACCENT)
    pdf.cell(pdf.epw, 7, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
