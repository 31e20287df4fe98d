"""Building the outputs: what is written, re-runs, bad public marts, unreviewed text, formats."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import string

import duckdb
import pytest
import yaml

from orchestration.publishing import build_public_outputs
from orchestration.publishing.content import ContentError, load_story
from orchestration.publishing.locale import (
    format_cell,
    format_date,
    format_settings,
    format_value,
    period_from_to,
    period_label,
    period_short,
)
from orchestration.publishing.marts import PublicMartsError
from orchestration.warehouse.destination import Destination

from .conftest import GENERATED
from .fixtures import PROJECT_ROOT
from .pdf_check import pdf_text


def test_outputs_written(published):
    site, cards = published.site, published.cards
    for lang_root in (site, site / "es"):
        for page in (
            "index.html",
            "definitions.html",
            "questions/index.html",
            "questions/q1.html",
            "questions/q5.html",
            "questions/l.html",
        ):
            assert (lang_root / page).stat().st_size > 1000, f"{lang_root / page} missing or empty"
    for q in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"):
        for lang in ("en", "es"):
            for ext in ("html", "pdf"):
                assert (cards / f"{q}.{lang}.{ext}").stat().st_size > 1000, f"{q}.{lang}.{ext} missing"
    assert (cards / "index.html").exists()
    assert published.report.guarded_cells == 0
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), f"{path}: links to another host"


def test_definitions_page_lists_every_catalog_metric(published):
    html = (published.site / "definitions.html").read_text(encoding="utf-8")
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        ids = [r[0] for r in con.execute("select metric_id from public_marts.pub_metric_catalog").fetchall()]
    assert len(ids) >= 23
    for metric_id in ids:
        assert f'id="metric-{metric_id}"' in html, f"definitions.html: no entry for {metric_id}"


def test_rerun_is_identical(published, tmp_path):
    again = build_public_outputs(Destination.duckdb(published.warehouse), tmp_path, generated=GENERATED)
    first = sorted(p.relative_to(published.out) for p in published.out.rglob("*") if p.is_file())
    second = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert first == second
    for rel in first:  # the PDF cards too: their identifier and dates come from the card itself
        assert (published.out / rel).read_bytes() == (tmp_path / rel).read_bytes(), f"{rel} differs on re-run"
    # A re-run into the same folder replaces the old outputs (a withdrawn quarter must disappear).
    stale = tmp_path / "cards" / "2019-Q1.en.html"
    stale.write_text("old")
    build_public_outputs(Destination.duckdb(published.warehouse), tmp_path, generated=GENERATED)
    assert not stale.exists()
    assert again.seconds > 0


def _copy_warehouse(src, tmp_path):
    dst = tmp_path / "warehouse.duckdb"
    shutil.copyfile(src, dst)
    return dst


def test_missing_public_mart_is_named(fixture_warehouse, tmp_path):
    path = _copy_warehouse(fixture_warehouse, tmp_path)
    with duckdb.connect(str(path)) as con:
        con.execute("drop table public_marts.pub_call_summaries")
    with pytest.raises(PublicMartsError, match=r"public_marts\.pub_call_summaries"):
        build_public_outputs(Destination.duckdb(path), tmp_path / "out")
    assert not (tmp_path / "out" / "site").exists(), "nothing is published from incomplete marts"


def test_suppressed_row_carrying_a_value_is_refused(fixture_warehouse, tmp_path):
    path = _copy_warehouse(fixture_warehouse, tmp_path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update public_marts.pub_metric_values set value = 7 where is_suppressed and metric_id = "
            "'heart_incidents_by_origin'"
        )
    with pytest.raises(PublicMartsError, match="suppressed but has a value"):
        build_public_outputs(Destination.duckdb(path), tmp_path / "out")


def test_small_count_the_marts_missed_is_still_hidden(fixture_warehouse, tmp_path):
    path = _copy_warehouse(fixture_warehouse, tmp_path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update public_marts.pub_metric_values set value = 7 where metric_id = 'heart_incidents' "
            "and period_grain = 'quarter' and period_start = date '2024-07-01' and program = 'CRT'"
        )
    report = build_public_outputs(Destination.duckdb(path), tmp_path / "out", generated=GENERATED)
    assert report.guarded_cells >= 1
    card = (tmp_path / "out" / "cards" / "2024-Q3.en.html").read_text(encoding="utf-8")
    cell = re.search(r'data-key="heart_incidents\|quarter\|2024-07-01\|CRT\|\|"[^>]*>([^<]*)<', card)
    assert cell and cell.group(1) == "&lt;11", f"the unflagged count 7 must print as <11, got {cell and cell.group(1)}"


def test_story_without_reviewer_is_refused(tmp_path):
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "2024-Q3.en.md").write_text("Straight from the notes.\n")
    with pytest.raises(ContentError, match=r"2024-Q3\.en\.md.*reviewed_by"):
        load_story("2024-Q3", "en", tmp_path)
    assert load_story("2023-Q1", "en", tmp_path) is None


def test_every_committed_story_is_reviewed_and_has_both_languages():
    stories = sorted((PROJECT_ROOT / "content" / "cards").glob("*.md"))
    assert stories
    quarters = {p.name.split(".")[0] for p in stories}
    for q in quarters:
        for lang in ("en", "es"):
            story = load_story(q, lang)
            assert story is not None, f"content/cards/{q}.{lang}.md is missing (every story needs both languages)"
            assert story.reviewed_by


def _keys(node, prefix=""):
    if isinstance(node, dict):
        return {k for key, v in node.items() for k in _keys(v, f"{prefix}{key}.")}
    return {prefix.rstrip(".")}


def _placeholders(text) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(str(text)) if f}


def test_copy_has_the_same_keys_and_placeholders_in_both_languages():
    en = yaml.safe_load((PROJECT_ROOT / "content" / "copy" / "en.yml").read_text(encoding="utf-8"))
    es = yaml.safe_load((PROJECT_ROOT / "content" / "copy" / "es.yml").read_text(encoding="utf-8"))
    answers_en, answers_es = en.pop("answers"), es.pop("answers")
    assert _keys(en) == _keys(es), f"keys only in one language: {_keys(en) ^ _keys(es)}"
    assert answers_en.keys() == answers_es.keys()
    for q, clauses in answers_en.items():
        assert len(clauses) == len(answers_es[q]), f"answers.{q}: a different number of clauses"
        for i, (c_en, c_es) in enumerate(zip(clauses, answers_es[q])):
            for part in ("text", "fallback"):
                assert _placeholders(c_en[part]) == _placeholders(c_es[part]), (
                    f"answers.{q}[{i}].{part}: placeholders differ"
                )
            # A fallback stands in when the clause's figure cannot be printed, so it names no figure.
            assert _placeholders(c_en["fallback"]) <= {"period"}, f"answers.{q}[{i}].fallback needs a figure"


@pytest.mark.parametrize(
    "value,unit,lang,expected",
    [
        (1234.5, "minutes", "en", "1,234.5"),
        # Durham's Spanish speakers read United States formats (es-US), not Spain's "1.234,5" and "38,0 %".
        (1234.5, "minutes", "es", "1,234.5"),
        (2140.0, "incidents", "en", "2,140"),
        (2140.0, "incidents", "es", "2,140"),
        (0.38, "share (0..1)", "en", "38.0%"),
        (0.954, "share (0..1)", "es", "95.4%"),
        (1234567.0, "hours", "es", "1,234,567"),
        (12.25, "per 100 incidents", "es", "12.2"),
    ],
)
def test_number_formats(value, unit, lang, expected):
    assert format_value(value, unit, lang) == expected


def test_page_scripts_get_babels_symbols():
    for lang in ("en", "es"):
        s = format_settings(lang)
        assert (s["group"], s["decimal"], s["percent_prefix"], s["percent_suffix"]) == (",", ".", "", "%"), s
        assert s["locale"] == f"{lang}-US"


def test_dates_come_from_babel():
    assert format_date(dt.date(2025, 1, 31), "en") == "January 31, 2025"
    assert format_date(dt.date(2025, 1, 31), "es") == "31 de enero de 2025"
    assert period_short(dt.date(2024, 7, 1), "quarter", "es") == "T3 2024"
    assert period_short(dt.date(2024, 9, 1), "month", "es") == "sept 2024"


def test_suppressed_cells_never_print_a_number():
    assert format_cell(None, "incidents", "en", "small_cell") == "<11"
    assert format_cell(None, "incidents", "es", "small_cell") == "<11"
    assert format_cell(None, "incidents", "es", "complementary") == "\u2014"
    # The marts' single reason for every hidden cell gets one mark, whatever the cell's size.
    assert (
        format_cell(None, "incidents", "en", "suppressed")
        == format_cell(None, "share (0..1)", "es", "suppressed")
        == "\u2014"
    )
    assert format_cell(None, "share (0..1)", "en", "small_cell") == "n<11", "a hidden share must not read as 11%"
    assert format_cell(None, "minutes", "es", "small_cell") == "n<11"


def test_period_labels():
    q3 = dt.date(2025, 7, 1)
    assert period_label(q3, "quarter", "en") == "July\u2009–\u2009September 2025"  # CLDR's interval, thin spaces
    assert period_label(q3, "quarter", "es") == "julio–septiembre de 2025"
    assert period_label(q3, "month", "es") == "julio de 2025"
    assert period_from_to(q3, "quarter", "en") == "From July to September 2025"
    assert period_from_to(q3, "quarter", "es") == "De julio a septiembre de 2025"


def test_fixture_has_suppressed_cells(fixture_warehouse):
    with duckdb.connect(str(fixture_warehouse), read_only=True) as con:
        reasons = dict(
            con.execute(
                "select suppression_reason, count(*) from public_marts.pub_metric_values where is_suppressed group by 1"
            ).fetchall()
        )
    assert reasons.get("small_cell", 0) > 0 and reasons.get("complementary", 0) > 0, reasons


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split()).replace("&lt;", "<").replace("&amp;", "&")


def test_hidden_headline_figures_get_words_not_marks(fixture_warehouse, tmp_path):
    """A hidden all-programs eligible count (as complementary suppression once chose) and a hidden median:
    the card's sentence falls back to wording that needs no number, and the tiles say "not available"
    and why, in both languages and in the PDF."""
    path = _copy_warehouse(fixture_warehouse, tmp_path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update public_marts.pub_metric_values set value = null, is_suppressed = true, "
            "suppression_reason = 'complementary' where metric_id = 'eligible_incidents' "
            "and period_grain = 'quarter' and period_start = date '2024-01-01' and program = 'ALL'"
        )
        con.execute(
            "delete from public_marts.pub_metric_values where metric_id = 'response_minutes_median' "
            "and period_grain = 'quarter' and period_start = date '2024-01-01' and program = 'ALL'"
        )
    build_public_outputs(Destination.duckdb(path), tmp_path / "out", generated=GENERATED)
    expected = {
        "en": (
            "withheld this quarter to protect privacy",
            "Not available",
            "Withheld so that a small count elsewhere cannot be worked out.",
            "not available for this quarter",
        ),
        "es": (
            "se reserva este trimestre para proteger la privacidad",
            "No disponible",
            "Se reserva para que no pueda deducirse una cifra pequeña de otra celda.",
            "no está disponible",
        ),
    }
    for lang, (fallback, unavailable, reason, median_fallback) in expected.items():
        html = (tmp_path / "out" / "cards" / f"2024-Q1.{lang}.html").read_text(encoding="utf-8")
        lead = _text(re.search(r'<p class="answer">(.*?)</p>', html, re.S).group(1))
        assert "\u2014" not in lead and "<11" not in lead, f"{lang}: a mark in the sentence: {lead}"
        assert fallback in lead and median_fallback in lead, f"{lang}: no fallback wording in {lead!r}"
        assert re.search(r"\d,\d{3}", lead), f"{lang}: the figures that are published still appear: {lead!r}"
        tile = re.search(
            r'data-key="eligible_incidents\|quarter\|2024-01-01\|ALL\|\|"[^>]*>([^<]*)</span>'
            r'<span class="reason">([^<]*)</span>',
            html,
        )
        assert tile and tile.groups() == (unavailable, reason), f"{lang}: eligible tile is {tile and tile.groups()}"
        assert 'class="big"><span class="num" data-src="mv" data-key="eligible_incidents' not in html
        pdf = pdf_text(tmp_path / "out" / "cards" / f"2024-Q1.{lang}.pdf")
        assert unavailable in pdf and fallback in " ".join(pdf.split()), f"{lang}: the PDF card lacks the wording"
    # The site's Q1 page answers the latest quarter; its sentences hold no mark either.
    q1 = (tmp_path / "out" / "site" / "questions" / "q1.html").read_text(encoding="utf-8")
    assert "\u2014" not in _text(re.search(r'<p class="answer"[^>]*>(.*?)</p>', q1, re.S).group(1))


def test_a_fallback_that_needs_a_figure_is_refused():
    """A fallback must be wording without the figure it replaces; the publisher refuses one that is not."""
    from orchestration.publishing.content import Copy
    from orchestration.publishing.figures import Figures
    from orchestration.publishing.marts import PublicMarts
    from orchestration.publishing.questions import answer

    q1 = dt.date(2024, 1, 1)
    marts = PublicMarts(
        metric_values=[
            {
                "metric_id": "heart_incidents",
                "period_grain": "quarter",
                "period_start": q1,
                "program": "ALL",
                "dimension": "",
                "dimension_value": "",
                "value": None,
                "is_suppressed": True,
                "suppression_reason": "small_cell",
            }
        ],
        catalog=[{"metric_id": "heart_incidents", "unit": "incidents", "dimension": ""}],
        people_served=[],
        staff=[],
        summaries=[],
    )
    clause = {"text": "{period}, {heart_incidents} incidents."}
    good = Copy(
        "en", {"not_available": "n/a", "answers": {"Q1": [{**clause, "fallback": "{period}, withheld."}]}}, None
    )
    assert answer(Figures(marts), "Q1", q1, good, as_html=False) == "From January to March 2024, withheld."
    bad = Copy(
        "en", {"not_available": "n/a", "answers": {"Q1": [{**clause, "fallback": "{heart_incidents} or so."}]}}, None
    )
    with pytest.raises(ContentError, match="fallback"):
        answer(Figures(marts), "Q1", q1, bad, as_html=False)


def test_provisional_periods_are_marked_on_every_output(published):
    """Q4 is still open to late follow-ups: its card (HTML, PDF, both languages) says its figures can
    still change and until when, and the question tables and CSVs mark the quarter; Q3 is final."""
    cards, site = published.cards, published.site
    for lang, words, until in (
        ("en", "Provisional figures", "January 30, 2025"),
        ("es", "Cifras provisionales", "30 de enero de 2025"),
    ):
        q4 = _text((cards / f"2024-Q4.{lang}.html").read_text(encoding="utf-8"))
        assert words in q4 and until in q4, q4[:400]
        assert words in " ".join(pdf_text(cards / f"2024-Q4.{lang}.pdf").split())
        assert words not in _text((cards / f"2024-Q3.{lang}.html").read_text(encoding="utf-8"))
    q1 = _text((site / "questions" / "q1.html").read_text(encoding="utf-8"))
    assert "(provisional)" in q1 and "Provisional: a period stays open for 30 days" in q1
    marked = [line for line in q1.split("(provisional)")[:-1]]
    assert len(marked) == 1, "only the last quarter is provisional"
    csv_files = list((site / "questions").glob("q1*.csv")) + list(site.rglob("q1*.csv"))
    assert csv_files and any("(provisional)" in f.read_text(encoding="utf-8") for f in csv_files)


def test_the_comparison_page_says_what_it_cannot_claim(published):
    for page, words in (
        ("questions/q5.html", "not a control group"),
        ("es/questions/q5.html", "no son un grupo de control"),
    ):
        assert words in _text((published.site / page).read_text(encoding="utf-8")), page
