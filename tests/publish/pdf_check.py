"""Reading a PDF data card back and checking its numbers against the public marts.

The card is a tagged PDF: its charts are `Figure` structure elements. Chart text (axis ticks are scale
marks, not figures) is read apart from the rest, as the browser tests skip the SVG; every other number
in the PDF must be a public-mart figure of the quarter, reviewed text or a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from pypdf import PdfReader

from orchestration.publishing.cards import CARD_PROGRAMS, HIGHLIGHTS

from .mart_check import NUMBER, answered_share, date_numbers, parse_shown, provisional_numbers, reviewed_text_numbers

UNAVAILABLE = {"en": "Not available", "es": "No disponible"}
MARKS = ("<11", "\u2014")  # what a hidden cell prints in a table; never inside a sentence


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


@dataclass
class TaggedPDF:
    """What a tagged PDF holds: the text outside figures, the text inside them, the figures'
    alternative texts, and the document's language, title and tagging marks."""

    body: str
    figure_text: str
    figure_alts: list[str | None] = field(default_factory=list)
    lang: str = ""
    title: str = ""
    marked: bool = False
    pdfua_part: str = ""
    pages: int = 0


def read_tagged_pdf(path) -> TaggedPDF:
    reader = PdfReader(str(path))
    body, figures = [], []
    for page in reader.pages:
        stack: list[str] = []

        def before(op, args, cm, tm, stack=stack):
            if op in (b"BDC", b"BMC"):
                stack.append(str(args[0]) if args else "")
            elif op == b"EMC" and stack:
                stack.pop()

        def visit(text, cm, tm, font, size, stack=stack):
            (figures if "/Figure" in stack else body).append(text)

        page.extract_text(visitor_operand_before=before, visitor_text=visit)
        body.append("\n")
    root = reader.trailer["/Root"]
    alts: list[str | None] = []
    if "/StructTreeRoot" in root:
        _figure_alts(root["/StructTreeRoot"].get_object(), alts)
    xmp = reader.xmp_metadata
    part = ""
    if xmp is not None:
        found = re.search(r'pdfuaid:part="?(\d)', xmp.rdf_root.toxml())
        part = found.group(1) if found else ""
    return TaggedPDF(
        body="".join(body),
        figure_text="".join(figures),
        figure_alts=alts,
        lang=str(root.get("/Lang", "")),
        title=str((reader.metadata or {}).get("/Title", "")),
        marked=bool(root.get("/MarkInfo", {}).get("/Marked", False)),
        pdfua_part=part,
        pages=len(reader.pages),
    )


def _figure_alts(node, out: list) -> None:
    node = node.get_object()
    if not isinstance(node, dict):
        return
    if node.get("/S") == "/Figure":
        out.append(str(node["/Alt"]) if "/Alt" in node else None)
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object"):
            _figure_alts(kid, out)


class _CardReader(HTMLParser):
    """The text of the card's lead sentence (`p.answer`) and of its headings, as a reader sees them."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []  # the part being read ("lead" or "heading"), one entry per open tag in it
        self.lead: list[str] = []
        self.headings: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if self.open:
            self.open.append(self.open[-1])
        elif tag == "p" and "answer" in (dict(attrs).get("class") or "").split():
            self.open.append("lead")
        elif tag in ("h1", "h2", "h3"):
            self.open.append("heading")
            self.headings.append([])

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        if self.open:
            (self.lead if self.open[-1] == "lead" else self.headings[-1]).append(data)


def card_parts(card_html: str) -> tuple[str, list[str]]:
    """(the lead sentence, the headings) of an HTML card, whitespace collapsed."""
    reader = _CardReader()
    reader.feed(card_html)
    return " ".join("".join(reader.lead).split()), [" ".join("".join(h).split()) for h in reader.headings]


def quarter_rows(marts: dict, start: dt.date) -> list[dict]:
    return [r for r in marts["mv"].values() if r["period_grain"] == "quarter" and r["period_start"] == start]


def matches(value: float, shown: float, decimals: int, unit: str) -> bool:
    target = value * 100 if unit == "share (0..1)" else value
    return abs(target - shown) <= 0.5 * 10**-decimals + 1e-9


def check_pdf_card(path, marts: dict, start: dt.date, lang: str, generated: dt.date) -> TaggedPDF:
    """A tagged PDF/UA card in `lang` whose lead sentence is the HTML card's, with no hidden-cell mark;
    every highlight printed as its public-mart value; every number outside the charts a figure of the
    quarter, reviewed text, a date or a page number."""
    quarter = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    pdf = read_tagged_pdf(path)
    text = pdf.body
    flat = " ".join(text.split())

    # One card, two formats: the PDF is tagged, in the card's language, and says the HTML's lead sentence.
    assert pdf.marked and pdf.pdfua_part == "1", f"{path}: not a tagged PDF/UA-1 document"
    assert pdf.lang == lang, f"{path}: document language {pdf.lang!r}, expected {lang!r}"
    assert pdf.figure_alts and all(pdf.figure_alts), f"{path}: a chart has no alternative text: {pdf.figure_alts}"
    lead, headings = card_parts(path.with_suffix(".html").read_text(encoding="utf-8"))
    assert lead and not any(m in lead for m in MARKS), f"{path}: the lead sentence prints a hidden-cell mark: {lead!r}"
    assert lead in flat, f"{path}: the HTML card's lead sentence {lead!r} is not in the PDF"
    missing = [h for h in headings if h not in flat]
    assert headings and not missing, f"{path}: headings of the HTML card missing from the PDF: {missing}"

    # Each highlight and each program's HEART incidents is printed as its mart value, or marked when hidden.
    wanted = [(m, "ALL") for m in HIGHLIGHTS] + [("heart_incidents", p) for p in CARD_PROGRAMS]
    tokens = [parse_shown(t, lang) for t in NUMBER.findall(text) if _parses(t, lang)]
    units = marts["catalog"]
    for metric_id, program in wanted:
        row = marts["mv"].get(f"{metric_id}|quarter|{start}|{program}||")
        if row is None:
            continue
        if row["is_suppressed"]:
            if program == "ALL":  # a highlight says so in words, never with a bare mark
                assert UNAVAILABLE[lang] in text, (
                    f"{path}: {metric_id} is suppressed but {UNAVAILABLE[lang]!r} is not shown"
                )
            else:
                assert any(m in text for m in MARKS), f"{path}: {metric_id}/{program} is suppressed but not marked"
            continue
        assert any(matches(row["value"], v, d, units[metric_id]) for v, d, _ in tokens), (
            f"{path}: {metric_id}/{program} = {row['value']} (public mart) is not printed"
        )

    # Every number outside the charts is a published figure of the quarter, reviewed text, a date or a page number.
    months = sorted(r["period_start"] for r in marts["mv"].values() if r["period_grain"] == "month")
    through = [dt.date(m.year + m.month // 12, m.month % 12 + 1, 1) - dt.timedelta(days=1) for m in months[-1:]]
    allowed = (
        reviewed_text_numbers(marts)
        | date_numbers(generated, start, *through)
        | provisional_numbers(marts)
        | {str(n) for n in range(1, pdf.pages + 1)}
    )
    published_values = [
        (r["value"], units.get(r["metric_id"], "")) for r in quarter_rows(marts, start) if not r["is_suppressed"]
    ]
    answered, _ = answered_share(marts, f"eligible_answered_share|quarter|{start}|ALL||")
    if answered is not None:
        published_values.append((answered, "share (0..1)"))
    for token in NUMBER.findall(text):
        if token in allowed:
            continue
        shown, decimals, _ = parse_shown(token, lang)
        assert any(matches(v, shown, decimals, u) for v, u in published_values), (
            f"{path}: {token!r} is not a public-mart figure of {quarter}"
        )
    return pdf


def _parses(token: str, lang: str) -> bool:
    try:
        parse_shown(token, lang)
        return True
    except AssertionError:
        return False
