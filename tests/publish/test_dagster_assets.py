"""The publish assets in real Dagster runs: they materialize from the public marts, and a failing
blocking check upstream stops them (nothing is published from unchecked data)."""

from __future__ import annotations

import dagster as dg

from orchestration.publishing.assets import PUBLIC_MART_KEYS, PublishResource, data_cards, public_site
from orchestration.publishing.defs import defs as publish_defs


def _stand_in_public_marts(check_passes: bool):
    """The public-mart assets as a run sees them: already built in the fixture warehouse, plus one
    blocking check on pub_metric_values that passes or fails."""

    @dg.multi_asset(specs=[dg.AssetSpec(k) for k in PUBLIC_MART_KEYS], name="public_marts_stand_in")
    def marts():
        for key in PUBLIC_MART_KEYS:
            yield dg.MaterializeResult(asset_key=key)

    @dg.asset_check(asset=PUBLIC_MART_KEYS[0], name="suppression_complete", blocking=True)
    def check():
        return dg.AssetCheckResult(passed=check_passes, description="stand-in blocking check")

    return marts, check


def _materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_publish_defs_expose_site_and_cards_downstream_of_the_public_marts():
    graph = publish_defs().resolve_asset_graph()
    for key in (dg.AssetKey(["publish", "public_site"]), dg.AssetKey(["publish", "data_cards"])):
        assert set(PUBLIC_MART_KEYS) <= graph.get(key).parent_keys, f"{key} must depend on every public mart"


def test_assets_materialize_from_the_public_marts(fixture_warehouse, tmp_path):
    marts, check = _stand_in_public_marts(check_passes=True)
    resource = PublishResource(target="duckdb", duckdb_path=str(fixture_warehouse), out_dir=str(tmp_path))
    result = dg.materialize([marts, check, public_site, data_cards], resources={"publish": resource})
    assert result.success
    assert {"publish/public_site", "publish/data_cards"} <= _materialized(result)
    site_meta = result.asset_materializations_for_node("publish__public_site")[0].metadata
    assert site_meta["files"].value >= 18 and site_meta["build_seconds"].value > 0
    assert (tmp_path / "site" / "index.html").exists() and (tmp_path / "cards" / "2024-Q3.es.pdf").exists()


def test_failing_blocking_check_stops_publishing(fixture_warehouse, tmp_path):
    marts, check = _stand_in_public_marts(check_passes=False)
    resource = PublishResource(target="duckdb", duckdb_path=str(fixture_warehouse), out_dir=str(tmp_path))
    result = dg.materialize(
        [marts, check, public_site, data_cards], resources={"publish": resource}, raise_on_error=False
    )
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"suppression_complete": False}
    assert not {"publish/public_site", "publish/data_cards"} & _materialized(result), (
        "the site and cards must not be built after a failed blocking check"
    )
    assert not (tmp_path / "site").exists() and not (tmp_path / "cards").exists()
