"""Open a built page in the real headless Chromium and collect what a reader would see."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .mart_check import NUMBER, check_figure, check_unavailable

SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "publish"

# Every text node of the page (hidden tab panels too) minus the figures (tagged .num), charts (their
# ticks are scale marks, not figures), the publication dates (checked on their own), scripts and
# styles, one node per line: any number left must come from reviewed text or a date.
_PLAIN_TEXT_JS = """() => {
  const skip = '.num, svg, script, style, noscript, .beat-table tbody th, .dates';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest(skip)) parts.push(n.textContent);
  }
  return parts.join('\\n');
}"""
# The rows of every drawn chart in view (Vega's own copy of the data it plots, named "figures" by
# charts.py; a map's rows are GeoJSON features holding the figure in `properties`), so each number a
# chart can show is checked like a printed one.
_CHART_ROWS_JS = """() => Array.from(document.querySelectorAll('.vega-chart')).filter(e => e.offsetParent !== null)
  .map(e => e.__view ? e.__view.data('figures').map(r => r.properties || r).map(r => ({src: r.src, key: r.key,
    state: r.state, text: r.text, value: r.value, hidden: r.hidden})) : null)"""
# Every chart in view has been drawn by Vega (charts draw after the page's load event).
CHARTS_DRAWN_JS = """() => Array.from(document.querySelectorAll('.vega-chart'))
  .every(e => e.offsetParent === null || (e.dataset.drawn === 'yes' && e.querySelector('svg')))"""
_FIGURES_JS = """(sel) => Array.from(document.querySelectorAll(sel)).filter(e => e.offsetParent !== null)
  .map(e => ({src: e.dataset.src, key: e.dataset.key, state: e.dataset.state, text: e.textContent}))"""


@dataclass
class OpenedPage:
    page: object
    context: object
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def assert_clean(self, where: str) -> None:
        assert not self.outside_requests, f"{where}: requests left the page: {self.outside_requests}"
        assert not self.console_errors, f"{where}: console errors: {self.console_errors}"

    def figures(self) -> list[dict]:
        return self.page.evaluate(_FIGURES_JS, ".num")

    def chart_rows(self) -> list[list[dict] | None]:
        return self.page.evaluate(_CHART_ROWS_JS)

    def wait_for_charts(self) -> None:
        self.page.wait_for_function(CHARTS_DRAWN_JS)

    def click_tab(self, tab: str) -> None:
        """Open a dashboard tab and wait until its view, charts included, is drawn."""
        self.page.click(f"#tab-{tab}")
        self.page.wait_for_function(f"(document.body.dataset.rendered || '').startsWith({tab + '|'!r})")
        self.wait_for_charts()

    def unavailable(self) -> list[dict]:
        return self.page.evaluate(_FIGURES_JS, ".unavailable")

    def plain_text(self) -> str:
        return self.page.evaluate(_PLAIN_TEXT_JS)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS_DIR / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5000, f"{path}: the screenshot is empty"
        return path

    def close(self) -> None:
        self.context.close()


def open_page(browser, path: Path, width: int = 1200, url: str | None = None) -> OpenedPage:
    """Load a file:// page (or `url`, the page with a fragment); every request to anything but a file,
    data or blob URL is recorded and refused."""
    assert path.exists(), f"{path} was not built"
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=True, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    opened = OpenedPage(page, context)

    def route(r):
        url = r.request.url
        if url.startswith(("file://", "data:", "blob:")):
            r.continue_()
        else:
            opened.outside_requests.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: opened.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.console_errors.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: opened.console_errors.append(f"failed request {r.url}") if r.url.startswith("file://") else None,
    )
    page.goto(url or path.as_uri())
    page.wait_for_load_state("load")
    opened.wait_for_charts()
    return opened


def check_page_figures(opened: OpenedPage, marts: dict, lang: str, where: str) -> int:
    figures = opened.figures()
    for f in figures:
        check_figure(marts, f["src"], f["key"], f["state"], f["text"], lang, where)
    for f in opened.unavailable():
        check_unavailable(marts, f["src"], f["key"], f["state"], where)
    for rows in opened.chart_rows():
        assert rows is not None, f"{where}: a chart in view was not drawn"
        check_chart_rows(marts, rows, lang, where)
    return len(figures)


def check_chart_rows(marts: dict, rows: list[dict], lang: str, where: str) -> None:
    """Each chart datum's printed text (its tooltip) equals its mart row, and the value it plots is the
    mart's own; a hidden cell plots nothing (never a zero) and its tooltip says why."""
    for r in rows:
        label = f"{where}: chart datum {r['src']}:{r['key']}"
        if r["hidden"]:
            assert r["value"] is None, f"{label}: a hidden cell carries the value {r['value']}"
            if r["state"] == "not_computed":
                assert r["text"].startswith(("not available: needs", "no disponible: requiere")), label
                assert r["key"] not in marts[r["src"]], f"{label}: not computed, but the mart has the row"
                continue
            mark, _, reason = r["text"].partition(" (")
            assert reason.rstrip(")").strip(), f"{label}: a hidden cell's tooltip must say why: {r['text']!r}"
            if r["state"] == "missing":
                check_unavailable(marts, r["src"], r["key"], r["state"], where)
            else:
                check_figure(marts, r["src"], r["key"], r["state"], mark, lang, where)
            continue
        check_figure(marts, r["src"], r["key"], r["state"], r["text"], lang, where)
        row = marts[r["src"]].get(r["key"])
        if row is None:
            assert r["state"] == "missing" and r["value"] == 0, f"{label}: plots {r['value']} with no mart row"
            continue
        value = row["value"] if r["src"] == "mv" else row["people_served" if r["src"] == "ppl" else "staff_count"]
        assert abs(r["value"] - value) < 1e-9, f"{label}: plots {r['value']}, the mart says {value}"


def stray_numbers(text: str, allowed: set[str]) -> list[str]:
    return sorted({n for n in NUMBER.findall(text) if n not in allowed})


def embedded_data(opened: OpenedPage) -> dict | None:
    raw = opened.page.evaluate(
        "() => { const e = document.getElementById('dashboard-data'); return e ? e.textContent : null; }"
    )
    return json.loads(raw) if raw else None
