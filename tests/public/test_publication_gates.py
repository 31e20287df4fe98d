"""Every blocking quality check upstream of publication gates the public tables.

The first dbt step builds as one Dagster step, and Dagster only holds back assets that read a
checked asset directly. The suppression decisions are what every suppressed public table reads, so
the decisions must depend on each asset that carries a blocking check, and each suppressed public
table must read the decisions (a skipped decisions step skips the dbt step that builds them).
"""

import dagster as dg

from orchestration.definitions import defs
from orchestration.quality.suites import load_suites

DECISIONS = dg.AssetKey(["suppression", "cell_decisions"])
SUPPRESSED = ("pub_metric_values", "pub_people_served_demographics", "pub_staff_demographics")


def test_the_decisions_read_every_asset_with_a_blocking_check():
    graph = defs().resolve_asset_graph()
    blocking = {
        dg.AssetKey(list(s.asset_key))
        for s in load_suites()
        if s.asset_key[0] not in ("raw_cad", "raw_cms", "public_marts") and any(c.blocking for c in s.checks)
    }
    assert {k.path[0] for k in blocking} >= {"staging", "marts"}, "the suites must block on staging and marts"
    parents = graph.get(DECISIONS).parent_keys
    assert blocking <= parents, f"decisions not gated by {sorted(k.to_user_string() for k in blocking - parents)}"


def test_layers_flow_forward_to_the_public_tables():
    """candidates -> decisions -> public tables: each suppressed table reads the decisions and its
    candidate cells, and the decisions read only the candidates and the checked assets."""
    graph = defs().resolve_asset_graph()
    for table in SUPPRESSED:
        parents = graph.get(dg.AssetKey(["public_marts", table])).parent_keys
        assert DECISIONS in parents, f"{table} does not read the suppression decisions"
        assert {p.path[0] for p in parents} <= {"suppression", "public_candidates"}, parents
    # the decisions are built by Python between the two dbt steps, never inside one of them
    assert graph.get(DECISIONS).assets_def.op.name == "suppression__cell_decisions"
    dbt_steps = {graph.get(dg.AssetKey(["public_marts", t])).assets_def.op.name for t in SUPPRESSED}
    first_step = graph.get(dg.AssetKey(["public_candidates", "candidate_metric_cells"])).assets_def.op.name
    assert len(dbt_steps) == 1 and first_step not in dbt_steps


def test_site_and_cards_are_downstream_of_the_public_tables():
    graph = defs().resolve_asset_graph()
    for output in (["publish", "public_site"], ["publish", "data_cards"]):
        parents = graph.get(dg.AssetKey(output)).parent_keys
        assert {dg.AssetKey(["public_marts", t]) for t in SUPPRESSED} <= parents
