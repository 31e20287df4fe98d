"""Every blocking quality check upstream of publication gates the public tables directly.

dbt builds as one Dagster step, and Dagster only holds back assets that read a checked asset
directly, so the public tables must depend on each asset that carries a blocking check.
"""
import dagster as dg

from orchestration.definitions import defs
from orchestration.quality.suites import load_suites


def test_public_tables_read_every_asset_with_a_blocking_check():
    graph = defs.resolve_asset_graph()
    blocking = {
        dg.AssetKey(list(s.asset_key)) for s in load_suites()
        if s.asset_key[0] not in ("raw_cad", "raw_cms", "public_marts") and any(c.blocking for c in s.checks)
    }
    assert {k.path[0] for k in blocking} >= {"staging", "marts"}, "the suites must block on staging and marts"
    for table in ("pub_metric_values", "pub_people_served_demographics", "pub_staff_demographics"):
        parents = graph.get(dg.AssetKey(["public_marts", table])).parent_keys
        assert blocking <= parents, f"{table} is not gated by {sorted(k.to_user_string() for k in blocking - parents)}"


def test_site_and_cards_are_downstream_of_the_public_tables():
    graph = defs.resolve_asset_graph()
    for output in (["publish", "public_site"], ["publish", "data_cards"]):
        parents = graph.get(dg.AssetKey(output)).parent_keys
        assert dg.AssetKey(["public_marts", "pub_metric_values"]) in parents
