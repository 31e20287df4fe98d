"""Accessibility of every public page: axe-core, run in the real headless Chromium on every page of the
site and every data card, in English and Spanish, at desktop (1400 px) and phone (390 px) width, finds
no serious or critical violation. The dashboard is checked once per tab, since axe skips hidden panels.

axe-core comes inside the axe-playwright-python wheel and is injected into the opened file:// page,
so nothing is downloaded while testing.
"""

from __future__ import annotations

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from .browser import open_page
from .test_browser import PAGES, TABS

WIDTHS = (1400, 390)
BLOCKING = ("serious", "critical")
DASHBOARDS = {"en": "index.html", "es": "es/index.html"}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def blocking_violations(axe: Axe, page) -> list[str]:
    """One line per serious or critical problem: the rule, what it asks and the first offending nodes.

    axe leaves as "incomplete" what it cannot decide. A serious or critical incomplete result counts as
    a problem too, except colour contrast it could not measure (text over a gradient, inside an SVG or
    under a sticky cell): that text is measured here instead, against the background as rendered."""
    results = axe.run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    lines = []
    for kind, found in (("violation", results["violations"]), ("undecided", results["incomplete"])):
        for v in found:
            if v["impact"] not in BLOCKING:
                continue
            nodes = v["nodes"]
            if kind == "undecided" and v["id"] == "color-contrast":
                nodes = _contrast_failures(page, nodes)
                if not nodes:
                    continue
            targets = [" ".join(map(str, n["target"])) for n in nodes[:4]]
            summary = nodes[0].get("failureSummary", "").replace("\n", " ") if nodes else ""
            lines.append(f"{v['impact']} {kind} {v['id']} ({v['help']}) x{len(nodes)}: {targets} -- {summary[:300]}")
    return lines


# The text's own colour (its fill, for SVG text; opacity included), size and box in page coordinates,
# and whether a scrolling or clipping ancestor hides part of that box (then the page as a whole does
# not show what lies behind the text, and it is measured alone, scrolled into view). `hide` hides the
# text, so a screenshot of its box shows what lies behind it: the page, a gradient, a table cell or
# the shapes of a chart.
_TEXT_JS = """([selectors, scroll, hide]) => selectors.map((selector) => {
  const el = document.querySelector(selector);
  if (!el) return {error: 'not found: ' + selector};
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const style = getComputedStyle(el);
  const isSvg = el instanceof SVGElement;
  const fg = parse(isSvg && style.fill && style.fill !== 'none' ? style.fill : style.color);
  if (!fg) return {error: 'no colour for ' + selector + ': ' + style.fill + ' / ' + style.color};
  let alpha = fg[3] * (isSvg ? Number(style.fillOpacity || 1) : 1);
  for (let e = el; e; e = e.parentElement) alpha *= Number(getComputedStyle(e).opacity || 1);
  if (scroll) el.scrollIntoView({block: 'center', inline: 'center'});
  const r = el.getBoundingClientRect();
  let clipped = false;
  for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX === 'visible' && s.overflowY === 'visible' && s.position !== 'sticky') continue;
    const c = a.getBoundingClientRect();
    if (r.left < c.left || r.top < c.top || r.right > c.right || r.bottom > c.bottom) clipped = true;
  }
  if (hide) { el.dataset.axeVisibility = el.style.visibility; el.style.visibility = 'hidden'; }
  return {fg: fg.slice(0, 3), alpha, size: parseFloat(style.fontSize), weight: Number(style.fontWeight), clipped,
          view: {x: r.x, y: r.y, width: r.width, height: r.height},
          box: {x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height}};
})"""
_RESTORE_JS = """(selectors) => selectors.forEach((selector) => { const el = document.querySelector(selector);
  if (el && 'axeVisibility' in el.dataset) { el.style.visibility = el.dataset.axeVisibility;
    delete el.dataset.axeVisibility; } })"""


def _luminance(rgb) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast_passes(text: dict, behind: Image.Image) -> bool:
    """WCAG 2 contrast of the text against the colour most of its box shows once the text is hidden
    (as rendered: gradients and chart shapes included). Large text needs 3:1, other 4.5:1."""
    background = max(behind.getcolors(behind.width * behind.height))[1]  # (count, colour) of the commonest
    a = text["alpha"]
    fg = [c * a + b * (1 - a) for c, b in zip(text["fg"], background)]
    high, low = sorted((_luminance(fg), _luminance(background)), reverse=True)
    large = text["size"] >= 24 or (text["weight"] >= 700 and text["size"] >= 18.66)
    return (high + 0.05) / (low + 0.05) >= (3 if large else 4.5)


def _screenshot(page, **kwargs) -> Image.Image:
    return Image.open(io.BytesIO(page.screenshot(animations="disabled", **kwargs))).convert("RGB")


def _contrast_failures(page, nodes: list[dict]) -> list[dict]:
    """The nodes whose text axe could not measure and that fail the contrast measured here.

    Every such text is hidden at once and the whole page shot once, so each box shows the page behind
    it, not a neighbouring label; text a scrolling ancestor clips is scrolled into view and shot alone.
    Text inside a frame or shadow tree is not measured here, so it stays a problem."""
    failures = [n for n in nodes if len(n["target"]) != 1]
    measured = [n for n in nodes if len(n["target"]) == 1]
    selectors = [n["target"][0] for n in measured]
    page.evaluate("() => window.scrollTo(0, 0)")
    try:
        texts = page.evaluate(_TEXT_JS, [selectors, False, True])
        for text in texts:
            assert "error" not in text, text["error"]
        whole = _screenshot(page, full_page=True)
    finally:
        page.evaluate(_RESTORE_JS, selectors)
    for node, selector, text in zip(measured, selectors, texts):
        box = text["box"]
        if box["width"] < 1 or box["height"] < 1:
            failures.append(node)
            continue
        if text["clipped"]:
            (text,) = page.evaluate(_TEXT_JS, [[selector], True, True])
            try:
                behind = _screenshot(page, clip=text["view"])
            finally:
                page.evaluate(_RESTORE_JS, [selector])
        else:
            left, top = round(box["x"]), round(box["y"])
            right, bottom = round(box["x"] + box["width"]), round(box["y"] + box["height"])
            behind = whole.crop((left, top, max(right, left + 1), max(bottom, top + 1)))
        if not _contrast_passes(text, behind):
            failures.append(node)
    return failures


def test_the_check_can_fail(browser, axe, tmp_path):
    """The check itself works here: an unlabelled field and faint text fail it, and so does faint text
    that axe cannot measure (over a gradient, in an SVG, scrolled out of a narrow table's view) but
    this test does; white text on a dark chart shape, or on a dark gradient out of view, passes."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#bbb;background:#ccc">faint</p><input type="text">'
        '<div style="background:linear-gradient(#fff, #eee) #fff"><p id="g" style="color:#c8c8c8">'
        "faint over a gradient</p></div>"
        '<svg width="200" height="40"><text id="s" x="4" y="20" fill="#d0d0d0">faint chart label</text>'
        '</svg><svg width="200" height="40"><rect width="200" height="40" fill="#1b3a5c"/>'
        '<text id="ok" x="4" y="24" fill="#ffffff">white on a dark shape</text></svg>'
        '<div style="width:200px;overflow-x:auto"><div style="width:900px;white-space:nowrap;'
        'background:linear-gradient(#fff, #eee) #fff"><span style="margin-left:600px" id="c">.</span>'
        '<span id="cf" style="color:#c8c8c8">faint out of view</span></div>'
        '<div style="width:900px;white-space:nowrap;background:linear-gradient(#1b3a5c, #1b3a5c) #1b3a5c">'
        '<span style="margin-left:600px;color:#ffffff" id="cok">white out of view</span></div></div>'
        "</main></body></html>",
        encoding="utf-8",
    )
    opened = open_page(browser, bad, width=1400)
    try:
        found = "\n".join(blocking_violations(axe, opened.page))
    finally:
        opened.close()
    assert "violation color-contrast" in found and "violation label" in found, found
    undecided = [line for line in found.splitlines() if line.startswith("serious undecided color-contrast")]
    assert undecided and "#g" in undecided[0] and "#ok" not in found, found
    assert "#cf" in undecided[0] and "#cok" not in found, found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind,lang,rel", PAGES, ids=[f"{k}/{r}" for k, _, r in PAGES])
def test_page_has_no_serious_accessibility_violation(browser, published, axe, kind, lang, rel, width):
    path = (published.site if kind == "site" else published.cards) / rel
    opened = open_page(browser, path, width=width)
    try:
        found = blocking_violations(axe, opened.page)
    finally:
        opened.close()
    assert not found, f"{path} at {width} px:\n" + "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_dashboard_tab_has_no_serious_accessibility_violation(browser, published, axe, lang, width):
    path = published.site / DASHBOARDS[lang]
    opened = open_page(browser, path, width=width)
    found = []
    try:
        for tab in TABS:
            opened.page.click(f"#tab-{tab}")
            found += [f"#{tab}: {line}" for line in blocking_violations(axe, opened.page)]
    finally:
        opened.close()
    assert not found, f"{path} at {width} px:\n" + "\n".join(found)
