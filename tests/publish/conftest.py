"""Fixtures of the public-output tests: a public-marts warehouse, the outputs built from it, and a
real headless Chromium (Debian's /usr/bin/chromium driven by Playwright; nothing is downloaded).

Without a browser these tests fail under CI (CI=true) and are skipped, loudly, elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.publishing import PublishReport, build_public_outputs
from orchestration.warehouse.destination import Destination

from .fixtures import PROJECT_ROOT, build_public_marts

SCREENSHOTS = PROJECT_ROOT / "build" / "screenshots" / "publish"
GENERATED = dt.date(2025, 1, 31)


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
