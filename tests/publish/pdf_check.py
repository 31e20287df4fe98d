"""Reading a PDF data card back and checking its numbers against the public marts."""
from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from orchestration.publish.cards import CARD_PROGRAMS, HIGHLIGHTS

from .mart_check import NUMBER, answered_share, date_numbers, parse_shown, reviewed_text_numbers

UNAVAILABLE = {"en": "Not available", "es": "No disponible"}


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def quarter_rows(marts: dict, start: dt.date) -> list[dict]:
    return [r for r in marts["mv"].values() if r["period_grain"] == "quarter" and r["period_start"] == start]


def matches(value: float, shown: float, decimals: int, unit: str) -> bool:
    target = value * 100 if unit == "share (0..1)" else value
    return abs(target - shown) <= 0.5 * 10 ** -decimals + 1e-9


def check_pdf_card(path, marts: dict, start: dt.date, lang: str, generated: dt.date) -> str:
    """Every highlight of the card printed as its public-mart value; every number printed is a figure
    of the quarter or comes from reviewed text or a date. Returns the PDF's text."""
    quarter = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    text = pdf_text(path)
    rows = quarter_rows(marts, start)
    units = marts["catalog"]

    # Each highlight and each program's HEART incidents is printed as its mart value, or <11 when hidden.
    wanted = [(m, "ALL") for m in HIGHLIGHTS] + [("heart_incidents", p) for p in CARD_PROGRAMS]
    tokens = [parse_shown(t, lang) for t in NUMBER.findall(text) if _parses(t, lang)]
    for metric_id, program in wanted:
        row = marts["mv"].get(f"{metric_id}|quarter|{start}|{program}||")
        if row is None:
            continue
        if row["is_suppressed"]:
            mark = UNAVAILABLE[lang] if program == "ALL" else "<11"  # a highlight says so in words; a table cell marks it
            assert mark in text or "\u2014" in text, f"{path}: {metric_id}/{program} is suppressed but {mark!r} is not shown"
            continue
        assert any(matches(row["value"], v, d, units[metric_id]) for v, d, _ in tokens), \
            f"{path}: {metric_id}/{program} = {row['value']} (public mart) is not printed"

    # Every number printed is a published figure of the quarter, or comes from reviewed text or a date.
    months = sorted(r["period_start"] for r in marts["mv"].values() if r["period_grain"] == "month")
    through = [dt.date(m.year + m.month // 12, m.month % 12 + 1, 1) - dt.timedelta(days=1) for m in months[-1:]]
    allowed = reviewed_text_numbers(marts) | date_numbers(generated, start, *through) | {"1", "2", "3"}
    published_values = [(r["value"], units.get(r["metric_id"], "")) for r in rows if not r["is_suppressed"]]
    answered, _ = answered_share(marts, f"eligible_answered_share|quarter|{start}|ALL||")
    if answered is not None:
        published_values.append((answered, "share (0..1)"))
    for token in NUMBER.findall(text):
        if token in allowed:
            continue
        shown, decimals, _ = parse_shown(token, lang)
        assert any(matches(v, shown, decimals, u) for v, u in published_values), \
            f"{path}: {token!r} is not a public-mart figure of {quarter}"
    return text


def _parses(token: str, lang: str) -> bool:
    try:
        parse_shown(token, lang)
        return True
    except AssertionError:
        return False
