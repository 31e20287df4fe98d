"""The dashboards kept as code agree with themselves and with bi/views: every Superset dataset runs
the SQL of the view of its name (what Power BI and Metabase users read), every chart's dataset
exists and every dashboard places only charts of the bundle. No Superset needed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from orchestration.bi.superset import SupersetConfig, SupersetSetupError, marts_uri
from orchestration.settings import settings

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "bi" / "superset" / "assets"


def _load(folder: str) -> dict[Path, dict]:
    return {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ASSETS / folder).rglob("*.yaml"))}


def test_every_dataset_runs_its_view_and_every_view_is_a_dataset():
    datasets = _load("datasets")
    views = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "bi" / "views").glob("*.sql")}
    by_name = {d["table_name"]: d for d in datasets.values()}
    assert sorted(by_name) == sorted(views), "bi/views and the Superset datasets differ"
    for name, dataset in by_name.items():
        assert dataset["sql"].strip() == views[name].strip(), (
            f"datasets/{name}.yaml: sql differs from bi/views/{name}.sql"
        )


def test_charts_use_bundle_datasets_and_dashboards_use_bundle_charts():
    dataset_ids = {d["uuid"] for d in _load("datasets").values()}
    charts = _load("charts")
    for path, chart in charts.items():
        assert chart["dataset_uuid"] in dataset_ids, f"{path.name}: dataset {chart['dataset_uuid']} not in the bundle"
    chart_ids = {c["uuid"] for c in charts.values()}
    placed = set()
    for path, dashboard in _load("dashboards").items():
        for item in dashboard["position"].values():
            if isinstance(item, dict) and item.get("type") == "CHART":
                assert item["meta"]["uuid"] in chart_ids, (
                    f"{path.name}: places {item['meta']['sliceName']!r}, not in charts/"
                )
                placed.add(item["meta"]["uuid"])
    assert placed == chart_ids, "a chart in charts/ is on no dashboard"


def test_outside_demo_mode_superset_needs_its_own_secrets():
    with pytest.raises(SupersetSetupError, match="ARP_SUPERSET_ADMIN_PASSWORD, ARP_SUPERSET_SECRET_KEY"):
        SupersetConfig.from_settings(settings({"ARP_MODE": "production"}))
    config = SupersetConfig.from_settings(
        settings({"ARP_MODE": "production", "ARP_SUPERSET_ADMIN_PASSWORD": "a", "ARP_SUPERSET_SECRET_KEY": "k"})
    )
    assert config.demo_password is None and config.admin_password == "a"


def test_superset_reads_the_marts_as_the_analyst_login():
    uri = marts_uri(settings({"ARP_ANALYST_PASSWORD": "p@ss/word", "ARP_PG_DATABASE": "w"}))
    assert uri == "postgresql+psycopg2://analyst:p%40ss%2Fword@127.0.0.1:5432/w"
