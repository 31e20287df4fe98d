"""The quality Data Docs: a static site that works offline and shows every check of every asset."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestration.quality.docs import build_quality_docs, external_references
from orchestration.quality.suites import load_suites
from tests.quality.builders import good_rows, with_changes


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from orchestration.quality.warehouse import Warehouse
    from orchestration.warehouse.destination import Destination
    from tests.quality.conftest import CraftedWarehouse

    work = tmp_path_factory.mktemp("quality_docs")
    path = work / "warehouse.duckdb"
    crafted = CraftedWarehouse("duckdb", f"duckdb:///{path}", Warehouse(Destination.duckdb(path)))
    crafted.write(with_changes(good_rows(days=7), "incidents", 0, call_origin="PIGEON"))
    index = build_quality_docs(
        out_dir=work / "docs" / "quality",
        results_dir=work / "results",
        warehouse=crafted.warehouse,
        rerun=True,
        context_dir=work / "gx",
    )
    return index


def test_site_is_static_and_makes_no_external_request(site: Path):
    root = site.parent
    assert site.exists() and (root / "static" / "styles" / "arp_quality.css").exists()
    pages = list(root.rglob("*.html"))
    assert len(pages) > 40  # index + a validation and an expectation page per suite
    assert external_references(root) == {}
    for page in pages:
        text = page.read_text()
        for ref in re.findall(r'(?:src|href)="([^"#]+)"', text):
            if ref.startswith(("http://", "https://", "mailto:")):
                continue  # plain links, nothing is loaded from them
            assert (page.parent / ref).resolve().exists(), f"{page.relative_to(root)} links to missing {ref}"


def test_index_lists_every_check_of_every_asset_with_severity_and_status(site: Path):
    html = site.read_text()
    for asset in load_suites():
        assert f'id="{asset.label}"' in html, asset.label
    incidents = html.split('id="raw_cad.incidents"')[1].split('class="card"')[0]
    codes_row = incidents.split("<code>gx_codes</code>")[1].split("</tr>")[0]
    assert "warning" in codes_row and "FAILED" in codes_row
    schema_row = incidents.split("<code>gx_schema</code>")[1].split("</tr>")[0]
    assert "blocking" in schema_row and "passed" in schema_row


def test_validation_page_shows_the_unexpected_value(site: Path):
    pages = list((site.parent / "validations" / "raw_cad__incidents").glob("latest/*/*.html"))
    assert len(pages) == 1
    assert "PIGEON" in pages[0].read_text()
