"""The PDF data cards: readable text in the card's language (Spanish accents and formats), and every
number in them equal to a public-mart figure of the quarter or taken from reviewed text."""
from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from orchestration.publish.cards import CARD_PROGRAMS, HIGHLIGHTS

from .conftest import GENERATED
from .mart_check import NUMBER, date_numbers, parse_shown, read_marts, reviewed_text_numbers

QUARTERS = {"2024-Q1": dt.date(2024, 1, 1), "2024-Q2": dt.date(2024, 4, 1), "2024-Q3": dt.date(2024, 7, 1),
            "2024-Q4": dt.date(2024, 10, 1)}


@pytest.fixture(scope="module")
def marts(published):
    return read_marts(published.warehouse)


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def quarter_rows(marts: dict, start: dt.date) -> list[dict]:
    return [r for r in marts["mv"].values() if r["period_grain"] == "quarter" and r["period_start"] == start]


def matches(value: float, shown: float, decimals: int, unit: str) -> bool:
    target = value * 100 if unit == "share (0..1)" else value
    return abs(target - shown) <= 0.5 * 10 ** -decimals + 1e-9


@pytest.mark.parametrize("quarter", list(QUARTERS))
@pytest.mark.parametrize("lang", ["en", "es"])
def test_pdf_card_numbers_equal_the_public_marts(published, marts, quarter, lang):
    path = published.cards / f"{quarter}.{lang}.pdf"
    text = pdf_text(path)
    start = QUARTERS[quarter]
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
            assert "<11" in text or "\u2014" in text, f"{path}: {metric_id}/{program} is suppressed but no mark is shown"
            continue
        assert any(matches(row["value"], v, d, units[metric_id]) for v, d, _ in tokens), \
            f"{path}: {metric_id}/{program} = {row['value']} (public mart) is not printed"

    # Every number printed is a published figure of the quarter, or comes from reviewed text or a date.
    allowed = reviewed_text_numbers(marts) | date_numbers(GENERATED, start) | {"1", "2", "3"}
    published_values = [(r["value"], units.get(r["metric_id"], "")) for r in rows if not r["is_suppressed"]]
    for token in NUMBER.findall(text):
        if token in allowed:
            continue
        shown, decimals, _ = parse_shown(token, lang)
        assert any(matches(v, shown, decimals, u) for v, u in published_values), \
            f"{path}: {token!r} is not a public-mart figure of {quarter}"


def _parses(token: str, lang: str) -> bool:
    try:
        parse_shown(token, lang)
        return True
    except AssertionError:
        return False


def test_spanish_pdf_card_is_in_spanish(published):
    text = pdf_text(published.cards / "2024-Q3.es.pdf")
    for phrase in ("Ficha de datos de HEART", "julio–septiembre de 2024", "Datos destacados", "atendió",
                   "Desvío de Llamadas de Crisis", "Historia del trabajo de campo", "ampliaron su zona"):
        assert phrase in text, f"2024-Q3.es.pdf: missing {phrase!r} (accents must survive)"
    assert "Highlights" not in text and "July" not in text
    figures = [t for t in NUMBER.findall(text)]
    assert any("." in t and t.replace(".", "").isdigit() and len(t) >= 5 for t in figures), \
        f"no 1.234-style count in the Spanish PDF: {figures}"
    assert "\u00a0%" in text or " %" in text, "Spanish percents are written '48,9 %'"


def test_english_pdf_card_uses_english_formats(published):
    text = pdf_text(published.cards / "2024-Q3.en.pdf")
    assert "HEART data card" in text and "July–September 2024" in text and "Story from the field" in text
    assert any("," in t for t in NUMBER.findall(text)), "English counts over 999 use a comma"
