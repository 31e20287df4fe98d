"""Fixtures of the public-output tests: a public-marts warehouse, the outputs built from it, and a
real headless Chromium (Debian's /usr/bin/chromium driven by Playwright; nothing is downloaded).

Without a browser these tests fail under CI (CI=true) and are skipped, loudly, elsewhere.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.publishing import PublishReport, build_public_outputs
from orchestration.warehouse.destination import Destination

from .fixtures import PROJECT_ROOT, build_public_marts

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--disable-default-apps",
]
SCREENSHOTS = PROJECT_ROOT / "build" / "screenshots" / "publish"
GENERATED = dt.date(2025, 1, 31)


def chromium_path() -> str | None:
    """ARP_CHROMIUM, else Debian's chromium, else the browser `playwright install chromium` put in
    Playwright's own folder (on a machine that can download it); None when there is none."""
    explicit = os.environ.get("ARP_CHROMIUM")
    for candidate in ([explicit] if explicit else []) + list(CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or _playwright_chromium()


def _playwright_chromium() -> str | None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        path = pw.chromium.executable_path
    return path if path and Path(path).exists() else None


@dataclass
class Published:
    warehouse: Path
    out: Path
    report: PublishReport

    @property
    def site(self) -> Path:
        return self.out / "site"

    @property
    def cards(self) -> Path:
        return self.out / "cards"


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory) -> Path:
    return build_public_marts(tmp_path_factory.mktemp("public_marts") / "warehouse.duckdb")


@pytest.fixture(scope="session")
def published(fixture_warehouse, tmp_path_factory) -> Published:
    out = tmp_path_factory.mktemp("publish_out")
    report = build_public_outputs(Destination.duckdb(fixture_warehouse), out, generated=GENERATED)
    return Published(fixture_warehouse, out, report)
