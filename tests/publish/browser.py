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
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=True,
                                  accept_downloads=True)
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
    page.on("requestfailed", lambda r: opened.console_errors.append(f"failed request {r.url}")
            if r.url.startswith("file://") else None)
    page.goto(url or path.as_uri())
    page.wait_for_load_state("load")
    return opened


def check_page_figures(opened: OpenedPage, marts: dict, lang: str, where: str) -> int:
    figures = opened.figures()
    for f in figures:
        check_figure(marts, f["src"], f["key"], f["state"], f["text"], lang, where)
    for f in opened.unavailable():
        check_unavailable(marts, f["src"], f["key"], f["state"], where)
    return len(figures)


def stray_numbers(text: str, allowed: set[str]) -> list[str]:
    return sorted({n for n in NUMBER.findall(text) if n not in allowed})


def embedded_data(opened: OpenedPage) -> dict | None:
    raw = opened.page.evaluate("() => { const e = document.getElementById('dashboard-data'); "
                               "return e ? e.textContent : null; }")
    return json.loads(raw) if raw else None
