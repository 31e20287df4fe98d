"""Rewrite the screenshots in docs/screenshots/ from the test fixture's site, in Debian's Chromium:
the Call volume tab and the Q3 day x hour heat map, in English and Spanish, and the latest Spanish
data card, at 1400 px and 390 px.

    .venv/bin/python -m tests.publish.docs_screenshots
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from orchestration.publishing import build_public_outputs
from orchestration.warehouse.destination import Destination

from ..headless_chromium import CHROMIUM_ARGS, chromium_path
from .browser import open_page
from .conftest import GENERATED
from .fixtures import PROJECT_ROOT, build_public_marts

OUT = PROJECT_ROOT / "docs" / "screenshots"
WIDTHS = (1400, 390)


def shoot(site: Path, browser) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in ("en", "es"):
        root = site if lang == "en" else site / "es"
        for width in WIDTHS:
            opened = open_page(browser, root / "index.html", width=width)
            try:
                opened.click_tab("volume")
                path = OUT / f"volume-{lang}-{width}.png"
                opened.page.locator("#panel-volume").screenshot(path=str(path))
                written.append(path)
            finally:
                opened.close()
            opened = open_page(browser, root / "questions" / "q3.html", width=width)
            try:
                heat = opened.page.locator("figure.chart-figure", has=opened.page.locator(".vega-chart")).nth(1)
                path = OUT / f"heat-map-{lang}-{width}.png"
                heat.screenshot(path=str(path))
                written.append(path)
            finally:
                opened.close()
    return written


def shoot_card(cards: Path, browser) -> list[Path]:
    """The latest quarter's Spanish card, whole page."""
    card = sorted(cards.glob("*.es.html"))[-1]
    written = []
    for width in WIDTHS:
        opened = open_page(browser, card, width=width)
        try:
            path = OUT / f"card-es-{width}.png"
            opened.page.screenshot(path=str(path), full_page=True)
            written.append(path)
        finally:
            opened.close()
    return written


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = build_public_marts(Path(tmp) / "warehouse.duckdb")
        build_public_outputs(Destination.duckdb(warehouse), Path(tmp) / "out", generated=GENERATED)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            out = Path(tmp) / "out"
            for path in shoot(out / "site", browser) + shoot_card(out / "cards", browser):
                print(f"{path.relative_to(PROJECT_ROOT)}  {path.stat().st_size // 1024} KiB")
            browser.close()


if __name__ == "__main__":
    main()
