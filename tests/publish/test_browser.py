"""The site and the HTML cards in a real headless Chromium: offline, error-free, every tab and
filter working, every printed figure equal to its public-mart row, suppressed cells never printed."""

from __future__ import annotations

import re

import pytest

from .browser import CHARTS_DRAWN_JS, check_page_figures, embedded_data, open_page, stray_numbers
from .conftest import GENERATED
from .mart_check import date_numbers, provisional_numbers, read_marts, reviewed_text_numbers

QUARTERS = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")
SITE_PAGES = [
    "index.html",
    "definitions.html",
    "questions/index.html",
    *[f"questions/{q}.html" for q in ("q1", "q2", "q3", "q4", "q5", "l")],
]
PAGES = (
    [("site", "en", p) for p in SITE_PAGES]
    + [("site", "es", f"es/{p}") for p in SITE_PAGES]
    + [("cards", lang, f"{q}.{lang}.html") for q in QUARTERS for lang in ("en", "es")]
    + [("cards", "en", "index.html")]
)
TABS = ("volume", "response", "backup", "outcomes", "people", "staff", "summaries")


@pytest.fixture(scope="module")
def marts(published):
    return read_marts(published.warehouse)


def _shot_name(kind: str, rel: str) -> str:
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9.-]+", "-", rel).removesuffix(".html")


@pytest.mark.parametrize("kind,lang,rel", PAGES, ids=[f"{k}/{r}" for k, _, r in PAGES])
def test_page_loads_offline_and_prints_only_mart_figures(browser, published, marts, kind, lang, rel):
    path = (published.site if kind == "site" else published.cards) / rel
    opened = open_page(browser, path)
    try:
        opened.assert_clean(str(path))
        assert opened.page.evaluate("document.documentElement.lang") == lang, f"{path}: wrong lang attribute"
        shot = opened.screenshot(_shot_name(kind, rel))
        checked = check_page_figures(opened, marts, lang, str(path))
        if rel.endswith(("index.html", "q1.html")) and "questions/index" not in rel and kind == "site":
            assert checked > 0, f"{path}: no figure was printed"
        # Any number outside the tagged figures comes from the reviewed copy, a date or a year.
        allowed = (
            reviewed_text_numbers(marts)
            | date_numbers(GENERATED)
            | provisional_numbers(marts)
            | {str(y) for y in range(2000, 2100)}
            | {"1", "2", "3", "4", "5"}
        )
        stray = stray_numbers(opened.plain_text(), allowed)
        assert not stray, f"{path}: numbers printed outside the tagged public-mart figures: {stray} (see {shot})"
    finally:
        opened.close()


def _select(page, select_id: str, value: str) -> None:
    page.select_option(f"#{select_id}", value)
    page.wait_for_function(f"document.body.dataset.rendered.includes({value!r})")
    page.wait_for_function(CHARTS_DRAWN_JS)


def _visible_rows(page, tab: str) -> list[str]:
    return page.eval_on_selector_all(f"#panel-{tab} tbody th[scope=row]", "els => els.map(e => e.textContent)")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_dashboard_tabs_and_filters(browser, published, marts, lang):
    path = published.site / ("index.html" if lang == "en" else "es/index.html")
    opened = open_page(browser, path)
    page = opened.page
    try:
        data = embedded_data(opened)
        # Every tab shows its own panel only, and its figures match the marts.
        for tab in TABS:
            opened.click_tab(tab)
            assert page.get_attribute(f"#tab-{tab}", "aria-selected") == "true"
            visible = page.eval_on_selector_all("[role=tabpanel]", "ps => ps.filter(p => !p.hidden).map(p => p.id)")
            assert visible == [f"panel-{tab}"], f"{path}: tab {tab} shows panels {visible}"
            text = page.inner_text(f"#panel-{tab}")
            assert text.strip(), f"{path}: tab {tab} is empty"
            if tab not in ("summaries",):
                assert page.locator(f"#panel-{tab} svg.chart").count() >= 1, f"{path}: tab {tab} has no chart"
            check_page_figures(opened, marts, lang, f"{path}#{tab}")
            opened.screenshot(f"dashboard-{lang}-{tab}")

        # Period grain and date range filter the rows.
        opened.click_tab("volume")
        assert len(_visible_rows(page, "volume")) == 4, "quarterly view of 2024 has 4 rows"
        _select(page, "f-grain", "month")
        assert len(_visible_rows(page, "volume")) == 12
        _select(page, "f-from", "2024-04")
        _select(page, "f-to", "2024-06")
        rows = _visible_rows(page, "volume")
        assert len(rows) == 3, f"April-June monthly rows, got {rows}"
        assert rows[0].lower().startswith("april" if lang == "en" else "abril"), rows
        _select(page, "f-grain", "year")
        assert _visible_rows(page, "volume") == [], "2024 starts in January, outside April-June"
        assert page.locator("#panel-volume .empty").count() == 1, "an empty selection says so"
        page.click("#f-reset")
        page.wait_for_function("document.body.dataset.rendered.includes('|quarter|2024-01|2024-12|ALL')")
        assert len(_visible_rows(page, "volume")) == 4

        # Program filter: every figure comes from that program's rows; ALL-only metrics drop out.
        _select(page, "f-program", "CRT")
        keys = page.eval_on_selector_all("#panel-volume .num", "els => els.map(e => e.dataset.key)")
        assert keys and all(k.split("|")[3] == "CRT" for k in keys), keys[:5]
        assert not any(k.startswith("ccd_incidents|") for k in keys), "ccd_incidents exists only for ALL"
        check_page_figures(opened, marts, lang, f"{path}#volume CRT")

        # Suppressed cells appear as <11 / — (monthly CCD self-initiated incidents are small in the fixture).
        _select(page, "f-program", "CCD")
        _select(page, "f-grain", "month")
        states = page.eval_on_selector_all(
            "#panel-volume .num", "els => els.map(e => [e.dataset.state, e.textContent])"
        )
        assert ("small_cell", "<11") in [tuple(s) for s in states], "a small cell must show as <11"
        check_page_figures(opened, marts, lang, f"{path}#volume CCD monthly")
        opened.screenshot(f"dashboard-{lang}-volume-ccd-monthly")

        # Demographics follow the program filter; the monthly view shows quarters with a note.
        _select(page, "f-program", "CRT")
        opened.click_tab("people")
        assert page.locator("#panel-people .note").first.inner_text().strip(), "monthly demographics need a note"
        keys = page.eval_on_selector_all("#panel-people .num", "els => els.map(e => e.dataset.key)")
        assert keys and all(k.split("|")[2] == "CRT" and k.split("|")[0] == "quarter" for k in keys), keys[:5]
        check_page_figures(opened, marts, lang, f"{path}#people CRT")

        # Summaries filter by program and date, in the page's language.
        opened.click_tab("summaries")
        _select(page, "f-program", "CCD")
        programs = page.eval_on_selector_all("#panel-summaries .summary", "els => els.map(e => e.dataset.program)")
        expected = [s for s in marts["summaries"] if s["program"] == "CCD"]
        assert programs == ["CCD"] * len(expected) and programs, programs
        body = page.inner_text("#panel-summaries")
        assert expected[0][f"summary_{lang}"][:40] in body
        _select(page, "f-to", "2024-03")
        assert page.locator("#panel-summaries .summary").count() == 0
        opened.assert_clean(f"{path} after interaction")
    finally:
        opened.close()

    # The data embedded in the page holds no value for a suppressed cell.
    for row in data["mv"]:
        if row[7] is not None:
            assert row[6] is None, f"{path}: suppressed row {row[:6]} carries a value"
    for src in ("ppl", "staff"):
        for row in data[src]:
            if row[6] is not None:
                assert row[5] is None, f"{path}: suppressed {src} row {row[:5]} carries a value"


def test_spanish_card_has_spanish_text_and_formats(browser, published, marts):
    path = published.cards / "2024-Q3.es.html"
    opened = open_page(browser, path)
    try:
        text = opened.page.inner_text("body")
        for phrase in (
            "Ficha de datos de HEART",
            "julio–septiembre de 2024",
            "Datos destacados",
            "Incidentes atendidos por HEART",
            "Historia del trabajo de campo",
            "De julio a septiembre de 2024",
        ):
            assert phrase in text, f"{path}: missing Spanish text {phrase!r}"
        shown = [f["text"] for f in opened.figures()]
        # es-US: Durham's Spanish speakers read 1,234 / 12.3 / 48.9%, as in English, not Spain's 1.234 / 12,3 / 48,9 %.
        assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", t) for t in shown), f"{path}: no 1,234-style count in {shown}"
        assert any(re.fullmatch(r"\d+\.\d", t) for t in shown), f"{path}: no 12.3-style decimal in {shown}"
        assert any(re.fullmatch(r"\d+\.\d%", t) for t in shown), f"{path}: no 48.9%-style share in {shown}"
        assert "July" not in text and "Highlights" not in text, f"{path}: English text in the Spanish card"
        check_page_figures(opened, marts, "es", str(path))
    finally:
        opened.close()
