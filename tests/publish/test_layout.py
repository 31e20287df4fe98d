"""Every page and card at desktop (1400 px) and phone (390 px) width, in both languages, in the real
headless Chromium: nothing wider than the window, chart text of 11 px or more, a title and axis
titles on every chart, legends that neither clip nor overlap, tables that fit or show a scroll cue,
captions in view, no suppression mark inside a sentence; and every table's CSV equals the table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from orchestration.publishing.charts import BEAT_LABELS_MIN_WIDTH, COLORS, HIDDEN_COLOR
from orchestration.publishing.content import load_copy

from .browser import open_page
from .layout import LAYOUT_PROBLEMS_JS, TABLE_JS
from .mart_check import parse_shown

MIN_CHART_PX = 11
WIDTHS = (1400, 390)
SITE_PAGES = [
    "index.html",
    "definitions.html",
    "questions/index.html",
    *[f"questions/{q}.html" for q in ("q1", "q2", "q3", "q4", "q5", "l")],
]
PAGES = (
    [("site", "en", p) for p in SITE_PAGES]
    + [("site", "es", f"es/{p}") for p in SITE_PAGES]
    + [("cards", lang, f"2024-{q}.{lang}.html") for q in ("Q1", "Q3") for lang in ("en", "es")]
    + [("cards", "en", "index.html")]
)
# Tabs with the widest tables, the most series (outcomes: nine) and the demographic bars.
DASHBOARD_TABS = ("volume", "response", "outcomes", "people", "staff")


def _problems(opened) -> list[str]:
    return opened.page.evaluate(LAYOUT_PROBLEMS_JS, MIN_CHART_PX)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind,lang,rel", PAGES, ids=[f"{k}/{r}" for k, _, r in PAGES])
def test_page_layout(browser, published, kind, lang, rel, width):
    path = (published.site if kind == "site" else published.cards) / rel
    opened = open_page(browser, path, width=width)
    try:
        problems = _problems(opened)
        if rel in ("index.html", "es/index.html") and kind == "site":
            for tab in DASHBOARD_TABS:
                opened.click_tab(tab)
                problems += [f"#{tab}: {p}" for p in _problems(opened)]
                if tab in ("volume", "outcomes"):
                    opened.screenshot(f"layout-{lang}-{tab}-{width}")
        else:
            opened.screenshot(f"layout-{kind}-{rel.replace('/', '-').removesuffix('.html')}-{width}")
        opened.assert_clean(str(path))
        assert not problems, f"{path} at {width}px:\n" + "\n".join(problems)
    finally:
        opened.close()


def test_layout_check_catches_small_text_and_overflow(browser, tmp_path):
    """The layout check itself fails a page with 6 px chart text, a wide table without a cue and a
    clipped legend, so a passing page means something."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><body style="margin:0">'
        '<figure class="chart-figure"><figcaption class="chart-title">T</figcaption>'
        '<svg class="chart" viewBox="0 0 760 200" style="width:380px"><text x="5" y="20" style="font-size:12px">a</text>'
        '<text class="axis-title" x="5" y="40" style="font-size:24px">x</text>'
        '<text class="axis-title" x="5" y="60" style="font-size:24px">y</text>'
        '<g class="role-legend"><g class="role-legend-symbol"><path fill="red" d="M0,0h5v5h-5z"/>'
        '<path fill="red" d="M0,0h5v5h-5z"/></g><g class="role-legend-label">'
        '<text x="10" y="120" style="font-size:24px">first series</text><text x="20" y="125" style="font-size:24px">second</text>'
        '<text x="700" y="160" style="font-size:24px">a label past the edge</text></g></g></svg></figure>'
        '<figure><div class="table-wrap" style="overflow-x:auto;width:200px"><table id="t"><tr><td style="white-space:nowrap">'
        + "x" * 200
        + '</td></tr></table></div></figure><p class="answer">HEART answered — incidents</p></body></html>',
        encoding="utf-8",
    )
    opened = open_page(browser, page, width=390)
    try:
        problems = "\n".join(_problems(opened))
    finally:
        opened.close()
    for expected in (
        "renders at 6.0px",
        "scrolls with no visible cue",
        "is clipped by the chart's edge",
        "uses 1 colours",
        "overlap",
        "wider than the 390px window",
        "suppression mark",
    ):
        assert expected in problems, f"the layout check missed {expected!r}:\n{problems}"


def test_palette_has_ten_distinct_colours():
    assert len({c.lower() for c in COLORS}) >= 10


def _read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "a CSV starts with a byte-order mark so spreadsheets read UTF-8"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def assert_csv_equals_table(table: dict, rows: list[list[str]], lang: str, where: str) -> None:
    assert rows[0] == table["header"], f"{where}: CSV header {rows[0]} != table header {table['header']}"
    body = rows[1:]
    assert len(body) == len(table["rows"]) and body, (
        f"{where}: {len(body)} CSV rows for {len(table['rows'])} table rows"
    )
    for csv_row, cells in zip(body, table["rows"]):
        assert len(csv_row) == len(cells), f"{where}: row {csv_row[0]!r} has {len(csv_row)} fields, table {len(cells)}"
        assert csv_row[0] == cells[0]["text"], f"{where}: row label {csv_row[0]!r} != {cells[0]['text']!r}"
        for value, cell in zip(csv_row[1:], cells[1:]):
            if cell["state"] == "value" or (cell["state"] == "missing" and cell["text"] not in ("n/a", "n/d")):
                shown, decimals, percent = parse_shown(cell["text"], lang)
                assert "," not in value and round(float(value), decimals) == round(shown, decimals), (
                    f"{where}: row {csv_row[0]!r}: CSV {value!r} != table {cell['text']!r}"
                )
                assert len(value.partition(".")[2]) == decimals, f"{where}: CSV {value!r} has another precision"
            else:
                assert value == cell["text"], f"{where}: row {csv_row[0]!r}: CSV {value!r} != table {cell['text']!r}"


STATIC_TABLE_PAGES = [
    ("site", "en", "questions/q1.html"),
    ("site", "es", "es/questions/q2.html"),
    ("site", "en", "questions/q3.html"),
    ("site", "es", "es/questions/q3.html"),
    ("site", "en", "questions/q4.html"),
    ("site", "es", "es/questions/q5.html"),
    ("site", "en", "questions/l.html"),
    ("cards", "es", "2024-Q3.es.html"),
    ("cards", "en", "2024-Q1.en.html"),
]


@pytest.mark.parametrize("kind,lang,rel", STATIC_TABLE_PAGES, ids=[r for _, _, r in STATIC_TABLE_PAGES])
def test_every_static_table_has_a_csv_equal_to_it(browser, published, kind, lang, rel):
    path = (published.site if kind == "site" else published.cards) / rel
    opened = open_page(browser, path)
    try:
        ids = opened.page.eval_on_selector_all("table[id]", "ts => ts.map(t => t.id)")
        assert ids, f"{path}: no table"
        for table_id in ids:
            href = opened.page.get_attribute(f'a.csv[data-table="{table_id}"]', "href")
            assert href, f"{path}: table {table_id} has no CSV download"
            table = opened.page.evaluate(TABLE_JS, table_id)
            rows = _read_csv((path.parent / href).read_text(encoding="utf-8"))
            assert_csv_equals_table(table, rows, lang, f"{path}#{table_id}")
    finally:
        opened.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_dashboard_downloads_equal_their_tables(browser, published, lang):
    path = published.site / ("index.html" if lang == "en" else "es/index.html")
    opened = open_page(browser, path)
    page = opened.page
    checked = 0
    try:
        for tab, program in (("volume", "ALL"), ("outcomes", "CRT"), ("people", "ALL"), ("backup", "CCD")):
            page.select_option("#f-program", program)
            opened.click_tab(tab)
            ids = page.eval_on_selector_all(f"#panel-{tab} table[id]", "ts => ts.map(t => t.id)")
            assert ids, f"{path}#{tab}: no table"
            for table_id in ids:
                with page.expect_download() as info:
                    page.click(f'a.csv[data-table="{table_id}"]')
                text = Path(info.value.path()).read_text(encoding="utf-8")
                assert_csv_equals_table(
                    page.evaluate(TABLE_JS, table_id), _read_csv(text), lang, f"{path}#{tab}/{program}/{table_id}"
                )
                checked += 1
        opened.assert_clean(str(path))
    finally:
        opened.close()
    assert checked >= 6


def test_filters_are_kept_in_the_url(browser, published):
    path = published.site / "es" / "index.html"
    opened = open_page(browser, path)
    try:
        page = opened.page
        opened.click_tab("outcomes")
        page.select_option("#f-grain", "month")
        page.select_option("#f-from", "2024-03")
        page.select_option("#f-program", "CRT")
        url = page.url
        assert "#" in url and "program=CRT" in url, url
        rendered = page.evaluate("document.body.dataset.rendered")
    finally:
        opened.close()
    again = open_page(browser, path, url=url)
    try:
        page = again.page
        assert page.evaluate("document.body.dataset.rendered") == rendered == "outcomes|month|2024-03|2024-12|CRT"
        assert page.get_attribute("#tab-outcomes", "aria-selected") == "true"
        assert [page.input_value(f"#f-{k}") for k in ("grain", "from", "program")] == ["month", "2024-03", "CRT"]
    finally:
        again.close()


# Vega's tooltip (vega-tooltip, inside the vendored vega-embed) as [[key, value], ...].
TOOLTIP_JS = """() => { const t = document.getElementById('vg-tooltip-element');
  if (!t || !t.classList.contains('visible')) return null;
  return Array.from(t.querySelectorAll('tr')).map(tr => Array.from(tr.cells).map(c => c.textContent)); }"""


def hover_tooltip(page, selector: str, index: int) -> dict:
    """Hover the index-th mark matched by selector and return its tooltip as {key: value}."""
    page.locator(selector).nth(index).hover(force=True)
    page.wait_for_function(TOOLTIP_JS)
    tip = dict(page.evaluate(TOOLTIP_JS))
    page.mouse.move(0, 0)
    return tip


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "rel,panel",
    [
        ("index.html", "#panel-volume"),
        ("es/index.html", "#panel-outcomes"),
        ("questions/q2.html", "main"),
        ("es/questions/q1.html", "main"),
    ],
)
def test_chart_tooltips_show_values(browser, published, rel, panel, width):
    """Hovering a bar names its series and period and gives its value as the table beside it prints it."""
    opened = open_page(browser, published.site / rel, width=width)
    try:
        page = opened.page
        if panel.startswith("#panel-"):
            opened.click_tab(panel.removeprefix("#panel-"))
        value_key = load_copy("es" if rel.startswith("es/") else "en").get("site.value")
        bars = f"{panel} .vega-chart .mark-rect path"
        count = page.locator(bars).count()
        cells = set(page.eval_on_selector_all(f"{panel} table .num", "ns => ns.map(n => n.textContent)"))
        assert count >= 4, f"{rel}: {count} bars"
        for i in range(0, count, max(1, count // 5)):
            tip = hover_tooltip(page, bars, i)
            assert len(tip) == 3 and tip.get(value_key) in cells, (
                f"{rel} at {width}px: tooltip {tip} does not give a value printed in the table"
            )
    finally:
        opened.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_q3_heat_map_shades_published_cells_and_greys_hidden_ones(browser, published, lang, tmp_path):
    """The day x hour heat map: 7 x 24 cells per response status, each datum the cell's printed figure;
    hidden cells drawn grey (never shaded as a low count) with their reason on hover; its CSV holds the
    same figures."""
    rel = "questions/q3.html" if lang == "en" else "es/questions/q3.html"
    opened = open_page(browser, published.site / rel, width=390)
    try:
        page = opened.page
        charts = [rows for rows in opened.chart_rows() if rows and rows[0]["key"].startswith("eligible_by_dow_hour|")]
        assert len(charts) == 2 and all(len(rows) == 7 * 24 for rows in charts), [len(c) for c in charts]
        hidden = [r for rows in charts for r in rows if r["hidden"]]
        assert hidden and all(r["value"] is None and r["text"].startswith(("<11 (", "\u2014 (")) for r in hidden), (
            hidden[:3]
        )
        # Grey fills: exactly the hidden cells, in both maps.
        greys = page.eval_on_selector_all(
            ".vega-chart .mark-rect path", f"ps => ps.filter(p => p.getAttribute('fill') === {HIDDEN_COLOR!r}).length"
        )
        assert greys == len(hidden), f"{greys} grey cells for {len(hidden)} hidden figures"
        tip = hover_tooltip(page, f".vega-chart .mark-rect path[fill='{HIDDEN_COLOR}']", 0)
        reasons = load_copy(lang).get("unavailable")
        assert any(any(reason in v for reason in reasons.values()) for v in tip.values()), tip
        href = page.get_attribute("a.csv[href$='-day-hour.csv']", "href")
        rows = _read_csv((published.site / rel).parent.joinpath(href).read_text(encoding="utf-8"))
        printed = [r["text"].partition(" (")[0] for rows in charts for r in rows]
        from_csv = [v for r in rows[1:] for v in r[2:]]
        assert len(from_csv) == len(printed)
        for value, text in zip(from_csv, printed):
            assert value == text or float(value) == parse_shown(text, lang)[0], (value, text)
    finally:
        opened.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_monthly_view_draws_trend_lines(browser, published, width):
    """Months are a trend: lines (one per series, broken at a hidden month), each point's tooltip giving
    the value printed in the table; the view passes the same layout checks as the rest."""
    opened = open_page(browser, published.site / "es" / "index.html", width=width)
    try:
        page = opened.page
        page.select_option("#f-grain", "month")
        page.wait_for_function("document.body.dataset.rendered.includes('|month|')")
        value_key = load_copy("es").get("site.value")
        for tab in ("volume", "backup"):
            opened.click_tab(tab)
            series = {r["key"].split("|")[0] + r["key"].split("|")[5] for r in opened.chart_rows()[0]}
            lines = page.eval_on_selector_all(f"#panel-{tab} .vega-chart .mark-line path", "ps => ps.length")
            assert lines >= 2 and lines == len(series), f"{tab}: {lines} lines for {len(series)} series"
            points = f"#panel-{tab} .vega-chart .mark-symbol path"
            cells = set(page.eval_on_selector_all(f"#panel-{tab} table .num", "ns => ns.map(n => n.textContent)"))
            assert page.locator(points).count() >= 12
            for i in (0, 5, 11):
                tip = hover_tooltip(page, points, i)
                assert tip.get(value_key) in cells, tip
            problems = _problems(opened)
            assert not problems, f"{tab} monthly at {width}px:\n" + "\n".join(problems)
        opened.screenshot(f"layout-es-backup-monthly-{width}")
        opened.assert_clean("monthly view")
    finally:
        opened.close()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", WIDTHS)
def test_q3_map_draws_every_beat_of_the_profile(browser, published, lang, width):
    """The map of beats: one shape per beat of the city profile's GeoJSON in each of the two maps, each
    holding its published figure (checked against the marts with the rest of the page), hidden beats grey;
    beat names are written on a map wide enough to hold them apart, and left to the tooltip on a phone."""
    import json

    from orchestration.cities import load_profile

    features = json.loads(load_profile().beat_map.read_text(encoding="utf-8"))["features"]
    rel = "questions/q3.html" if lang == "en" else "es/questions/q3.html"
    opened = open_page(browser, published.site / rel, width=width)
    try:
        page = opened.page
        maps = [rows for rows in opened.chart_rows() if rows and rows[0]["key"].startswith("eligible_by_beat|")]
        assert len(maps) == 2 and all(len(rows) == len(features) for rows in maps), [len(m) for m in maps]
        shapes = page.eval_on_selector_all(
            ".vega-chart",
            """cs => cs.map(c => Array.from(c.querySelectorAll(
            '.mark-shape path')).map(p => p.getAttribute('fill')))""",
        )
        shapes = [s for s in shapes if s]
        assert [len(s) for s in shapes] == [len(features)] * 2, [len(s) for s in shapes]
        for fills, rows in zip(shapes, maps):
            assert fills.count(HIDDEN_COLOR) == sum(r["hidden"] for r in rows)
        labels = page.eval_on_selector_all(
            ".vega-chart",
            """cs => cs.filter(c => c.querySelector('.mark-shape'))
            .map(c => [c.querySelector('svg').getAttribute('width'), c.querySelectorAll('.mark-text.role-mark text').length])""",
        )
        assert len(labels) == 2
        for svg_width, count in labels:
            wide = float(svg_width) >= BEAT_LABELS_MIN_WIDTH
            assert count == (len(features) if wide else 0), (width, svg_width, count)
        tip = hover_tooltip(page, ".vega-chart .mark-shape path", 0)
        assert any(v and v[0].isdigit() for v in tip.values()), tip
        assert not _problems(opened)
    finally:
        opened.close()
