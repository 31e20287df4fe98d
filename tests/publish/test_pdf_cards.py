"""The PDF data cards: readable text in the card's language (Spanish accents and formats), and every
number in them equal to a public-mart figure of the quarter or taken from reviewed text."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from .conftest import GENERATED
from .mart_check import NUMBER, read_marts
from .pdf_check import check_pdf_card, pdf_text

QUARTERS = {"2024-Q1": dt.date(2024, 1, 1), "2024-Q2": dt.date(2024, 4, 1), "2024-Q3": dt.date(2024, 7, 1),
            "2024-Q4": dt.date(2024, 10, 1)}


@pytest.fixture(scope="module")
def marts(published):
    return read_marts(published.warehouse)


@pytest.mark.parametrize("quarter", list(QUARTERS))
@pytest.mark.parametrize("lang", ["en", "es"])
def test_pdf_card_numbers_equal_the_public_marts(published, marts, quarter, lang):
    check_pdf_card(published.cards / f"{quarter}.{lang}.pdf", marts, QUARTERS[quarter], lang, GENERATED)


def test_spanish_pdf_card_is_in_spanish(published):
    text = pdf_text(published.cards / "2024-Q3.es.pdf")
    for phrase in ("Ficha de datos de HEART", "julio–septiembre de 2024", "Datos destacados", "atendió",
                   "Desvío de Llamadas de Crisis", "Historia del trabajo de campo", "ampliaron su zona"):
        assert phrase in text, f"2024-Q3.es.pdf: missing {phrase!r} (accents must survive)"
    assert "Highlights" not in text and "July" not in text
    figures = [t for t in NUMBER.findall(text)]
    # es-US, as Durham's Spanish speakers read figures: 1,234 and 48.9%, never Spain's 1.234 or 48,9 %.
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", t) for t in figures), f"no 1,234-style count in the Spanish PDF: {figures}"
    assert re.search(r"\d\.\d%", text), "Spanish percents are written '48.9%'"
    assert not re.search(r"\d,\d\s?%", text), "Spain's '48,9 %' in the Spanish PDF"


def test_english_pdf_card_uses_english_formats(published):
    text = pdf_text(published.cards / "2024-Q3.en.pdf")
    assert "HEART data card" in text and "July – September 2024" in text and "Story from the field" in text
    assert any("," in t for t in NUMBER.findall(text)), "English counts over 999 use a comma"


@pytest.mark.parametrize("lang,through,contact", [
    ("en", "Data current through December 31, 2024", "Questions or corrections"),
    ("es", "Datos hasta el 31 de diciembre de 2024", "Preguntas o correcciones"),
])
def test_pdf_card_has_dates_and_contact(published, lang, through, contact):
    text = " ".join(pdf_text(published.cards / f"2024-Q2.{lang}.pdf").split())
    assert through in text and contact in text and "heart-data@example.org" in text
