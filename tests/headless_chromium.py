"""Where the headless Chromium the browser tests drive lives, and how it is started: Debian's
/usr/bin/chromium by default (nothing is downloaded). Shared by the public-site, Superset and city
browser tests through the session's `browser` fixture (tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
