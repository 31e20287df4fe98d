"""The PDF data cards: readable text in the card's language (Spanish accents and formats), and every
number in them equal to a public-mart figure of the quarter or taken from reviewed text."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import duckdb
import pytest

from orchestration.publishing import build_public_outputs
from orchestration.publishing.pdf import OutsideResourceError, write_card_pdf
from orchestration.warehouse.destination import Destination

from .conftest import GENERATED
from .mart_check import NUMBER, date_numbers, read_marts
from .pdf_check import UNAVAILABLE, card_parts, check_pdf_card, pdf_text, read_tagged_pdf

QUARTERS = {
    "2024-Q1": dt.date(2024, 1, 1),
    "2024-Q2": dt.date(2024, 4, 1),
    "2024-Q3": dt.date(2024, 7, 1),
    "2024-Q4": dt.date(2024, 10, 1),
}


@pytest.fixture(scope="module")
def marts(published):
    return read_marts(published.warehouse)


@pytest.mark.parametrize("quarter", list(QUARTERS))
@pytest.mark.parametrize("lang", ["en", "es"])
def test_pdf_card_numbers_equal_the_public_marts(published, marts, quarter, lang):
    pdf = check_pdf_card(published.cards / f"{quarter}.{lang}.pdf", marts, QUARTERS[quarter], lang, GENERATED)
    # The chart is printed too (its text is read apart, inside the PDF's figure).
    assert len(pdf.figure_alts) == 1 and pdf.figure_text.strip(), f"{quarter}.{lang}.pdf: no chart printed"


def test_pdf_card_sentences_need_no_hidden_number(fixture_warehouse, tmp_path):
    """When the lead figures of a quarter are hidden, the PDF's lead sentence uses its wording that
    needs no number (never "<11" or "—") and the highlights say "not available"."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(fixture_warehouse, warehouse)
    start = QUARTERS["2024-Q2"]
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            """update public_marts.pub_metric_values set value = null, is_suppressed = true,
                       suppression_reason = 'complementary'
                       where period_grain = 'quarter' and period_start = ? and program = 'ALL' and dimension = ''
                         and metric_id in ('heart_incidents', 'eligible_incidents', 'response_minutes_median')""",
            [start],
        )
    build_public_outputs(Destination.duckdb(warehouse), tmp_path / "out", generated=GENERATED, site=False)
    marts = read_marts(warehouse)
    for lang in ("en", "es"):
        path = tmp_path / "out" / "cards" / f"2024-Q2.{lang}.pdf"
        pdf = check_pdf_card(path, marts, start, lang, GENERATED)
        lead, _ = card_parts(path.with_suffix(".html").read_text(encoding="utf-8"))
        period_numbers = date_numbers(start, dt.date(2024, 6, 30)) | {"30", "1"}
        assert set(NUMBER.findall(lead)) <= period_numbers, f"{path}: the lead sentence prints a figure: {lead!r}"
        assert pdf.body.count(UNAVAILABLE[lang]) >= 3, f"{path}: the three hidden highlights must say so"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pdf_card_is_tagged_for_screen_readers(published, lang):
    pdf = read_tagged_pdf(published.cards / f"2024-Q3.{lang}.pdf")
    assert pdf.marked and pdf.pdfua_part == "1" and pdf.lang == lang
    assert pdf.title.startswith(("HEART data card", "Ficha de datos de HEART")), pdf.title
    assert pdf.pages <= 3, f"the card runs to {pdf.pages} pages"


def test_spanish_pdf_card_is_in_spanish(published):
    text = pdf_text(published.cards / "2024-Q3.es.pdf")
    for phrase in (
        "Ficha de datos de HEART",
        "julio–septiembre de 2024",
        "Datos destacados",
        "atendió",
        "Desvío de Llamadas de Crisis",
        "Historia del trabajo de campo",
        "ampliaron su zona",
    ):
        assert phrase in text, f"2024-Q3.es.pdf: missing {phrase!r} (accents must survive)"
    assert "Highlights" not in text and "July" not in text
    figures = [t for t in NUMBER.findall(text)]
    # es-US, as Durham's Spanish speakers read figures: 1,234 and 48.9%, never Spain's 1.234 or 48,9 %.
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", t) for t in figures), (
        f"no 1,234-style count in the Spanish PDF: {figures}"
    )
    assert re.search(r"\d\.\d%", text), "Spanish percents are written '48.9%'"
    assert not re.search(r"\d,\d\s?%", text), "Spain's '48,9 %' in the Spanish PDF"


def test_english_pdf_card_uses_english_formats(published):
    text = pdf_text(published.cards / "2024-Q3.en.pdf")
    assert "HEART data card" in text and "July – September 2024" in text and "Story from the field" in text
    assert any("," in t for t in NUMBER.findall(text)), "English counts over 999 use a comma"


@pytest.mark.parametrize(
    "lang,through,contact",
    [
        ("en", "Data current through December 31, 2024", "Questions or corrections"),
        ("es", "Datos hasta el 31 de diciembre de 2024", "Preguntas o correcciones"),
    ],
)
def test_pdf_card_has_dates_and_contact(published, lang, through, contact):
    text = " ".join(pdf_text(published.cards / f"2024-Q2.{lang}.pdf").split())
    assert through in text and contact in text and "heart-data@example.org" in text


@pytest.mark.parametrize("src", ["https://example.org/logo.png", "file:///etc/hostname"])
def test_printing_a_card_fetches_nothing(tmp_path, src):
    page = (
        f'<!doctype html><html lang="en"><head><title>t</title></head><body><main><p>card</p>'
        f'<img alt="logo" src="{src}"></main></body></html>'
    )
    with pytest.raises(OutsideResourceError, match=re.escape(src)):
        write_card_pdf(page, tmp_path / "card.pdf")
    assert not (tmp_path / "card.pdf").exists()
