"""The real pipeline end to end: tiny synthetic city -> loader -> `dbt build` (public marts) ->
site and cards -> opened in Chromium; every printed figure equals the public mart, and no cell
that the public marts hide shows its true value (read here from marts.fct_metric_values)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from orchestration.public_tables.tables import publish_public_tables
from orchestration.publishing import build_public_outputs
from orchestration.warehouse.destination import Destination

from .browser import check_page_figures, embedded_data, open_page, stray_numbers
from .mart_check import date_numbers, provisional_numbers, read_marts, reviewed_text_numbers
from .pdf_check import check_pdf_card

# dataset_default / duckdb_default: the shared tiny-city session fixtures of tests/conftest.py.

# Catalog and summaries are built with the rest of the dbt project; the three suppressed tables are
# dbt models built after the suppression decisions (orchestration.public_tables.tables, as the pipeline).
GENERATED = dt.date(2025, 1, 31)
TABS = ("volume", "response", "backup", "outcomes", "people", "staff", "summaries")


@pytest.fixture(scope="module")
def pipeline_outputs(duckdb_default, tmp_path_factory):
    path = duckdb_default.warehouse.duckdb_path
    publish_public_tables(Destination.duckdb(path))  # idempotent: decides and rebuilds the three suppressed tables
    out = tmp_path_factory.mktemp("pipeline_publish")
    report = build_public_outputs(Destination.duckdb(path), out, generated=GENERATED)
    return path, out, report


def test_real_public_marts_publish_and_match(browser, pipeline_outputs):
    path, out, report = pipeline_outputs
    marts = read_marts(path)
    assert report.quarters, "the tiny city has quarters to publish"
    allowed = (
        reviewed_text_numbers(marts)
        | date_numbers(GENERATED)
        | provisional_numbers(marts)
        | {str(y) for y in range(2000, 2100)}
        | {"1", "2", "3", "4", "5"}
    )
    checked = 0
    for rel in (
        "site/index.html",
        "site/es/index.html",
        "site/definitions.html",
        *[f"site/questions/{q}.html" for q in ("q1", "q2", "q3", "q4", "q5", "l")],
        *[
            f"cards/{dt.date.fromisoformat(q).year}-Q{(dt.date.fromisoformat(q).month - 1) // 3 + 1}.{lang}.html"
            for q in report.quarters
            for lang in ("en", "es")
        ],
    ):
        lang = "es" if "/es/" in rel or rel.endswith(".es.html") else "en"
        opened = open_page(browser, out / rel)
        try:
            if rel.endswith("index.html") and "site/" in rel:
                for tab in TABS:
                    opened.page.click(f"#tab-{tab}")
                    checked += check_page_figures(opened, marts, lang, f"{rel}#{tab}")
                    opened.screenshot(f"pipeline-{lang}-{tab}")
            checked += check_page_figures(opened, marts, lang, rel)
            opened.assert_clean(rel)
            stray = stray_numbers(opened.plain_text(), allowed)
            assert not stray, f"{rel}: numbers outside the tagged figures: {stray}"
            opened.screenshot("pipeline-" + rel.replace("/", "-").removesuffix(".html"))
            data = embedded_data(opened)
            if data:
                hidden = {"|".join(r[:6]) for r in data["mv"] if r[7]}
                assert all(r[6] is None for r in data["mv"] if r[7]), f"{rel}: a hidden cell carries a value"
                _hidden_values_absent(path, hidden, data, rel)
        finally:
            opened.close()
    assert checked > 100, f"only {checked} figures were checked"
    for q in report.quarters:
        start = dt.date.fromisoformat(q)
        for lang in ("en", "es"):
            check_pdf_card(
                out / "cards" / f"{start.year}-Q{(start.month - 1) // 3 + 1}.{lang}.pdf", marts, start, lang, GENERATED
            )


def _hidden_values_absent(path, hidden_keys: set[str], data: dict, rel: str) -> None:
    """The true value of every hidden cell (its candidate cell: a fct_metric_values row, or a share
    whose numerator is 0) appears nowhere in the page data."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select metric_id, period_grain, cast(period_start as varchar), program, dimension, "
            "dimension_value, value from public_candidates.candidate_metric_cells"
        ).fetchall()
    truth = {"|".join(str(x or "") for x in r[:6]): r[6] for r in rows}
    embedded = {"|".join(r[:6]): r[6] for r in data["mv"]}
    for key in hidden_keys:
        assert key in truth, f"{rel}: hidden cell {key} has no candidate cell"
        assert embedded[key] is None, f"{rel}: hidden cell {key} is published as {embedded[key]} (true {truth[key]})"


def test_the_real_q3_page_draws_the_day_hour_heat_map_by_year(browser, pipeline_outputs):
    """With the committed publish rules (not the fixture's), the Q3 page carries the day x hour heat map
    of the latest year: 7 x 24 cells per response status, shaded where the public mart publishes a figure
    and grey where it hides one."""
    path, out, _ = pipeline_outputs
    with duckdb.connect(str(path), read_only=True) as con:
        latest_year = con.execute(
            "select max(period_start) from public_marts.pub_metric_values "
            "where metric_id = 'eligible_by_dow_hour' and period_grain = 'year'"
        ).fetchone()[0]
        shown, hidden = con.execute(
            "select count(*) filter (where not is_suppressed), count(*) filter (where is_suppressed) "
            "from public_marts.pub_metric_values where metric_id = 'eligible_by_dow_hour' and period_grain = 'year' "
            "and period_start = ?",
            [latest_year],
        ).fetchone()
        quarters = con.execute(
            "select count(*) from public_marts.pub_metric_values "
            "where metric_id = 'eligible_by_dow_hour' and period_grain <> 'year'"
        ).fetchone()[0]
    assert latest_year is not None, "the publish rules publish eligible_by_dow_hour by year"
    assert quarters == 0, "eligible_by_dow_hour is published by year only"
    opened = open_page(browser, out / "site" / "questions" / "q3.html")
    try:
        charts = [rows for rows in opened.chart_rows() if rows and rows[0]["key"].startswith("eligible_by_dow_hour|")]
        assert len(charts) == 2 and all(len(rows) == 7 * 24 for rows in charts), [len(c) for c in charts]
        keys = {r["key"].split("|")[1:3] == ["year", latest_year.isoformat()] for rows in charts for r in rows}
        assert keys == {True}, "every heat-map cell is a figure of the latest year"
        # Each published row is a shaded cell, each hidden row a grey one; a day-hour without a row is 0.
        assert sum(1 for rows in charts for r in rows if r["value"]) == shown
        assert sum(1 for rows in charts for r in rows if r["hidden"]) == hidden > 0
    finally:
        opened.close()
