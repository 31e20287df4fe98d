"""The probabilistic linkage on a real build: links against the true ones, and a reviewer's decision
in the seed linkage_review_decisions changes the link on the next build."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd

from .dbt_runner import Warehouse, read_sql, run_dbt


def _links(warehouse) -> pd.DataFrame:
    return read_sql(
        warehouse,
        "select encounter_id, incident_number, link_method, match_probability from intermediate.int_encounters_linked",
    )


def test_links_match_the_true_ones(duckdb_default):
    ours = _links(duckdb_default.warehouse)
    truth = pd.read_csv(duckdb_default.dataset.truth_dir / "encounter_links.csv", dtype={"incident_number": str})
    merged = truth.merge(ours, on="encounter_id", suffixes=("_true", "_ours"))
    linked = merged.incident_number_ours.notna()
    right = linked & (merged.incident_number_ours == merged.incident_number_true)
    precision, recall = right.sum() / linked.sum(), right.sum() / merged.incident_number_true.notna().sum()
    print(
        f"\nlinkage on the tiny tier: precision {precision:.4f}, recall {recall:.4f}; by method:\n"
        + merged[linked].assign(right=right).groupby("link_method").right.agg(["size", "sum"]).to_string()
    )
    assert precision >= 0.995 and recall >= 0.99
    model = read_sql(duckdb_default.warehouse, "select * from intermediate.int_link_model_fitted")
    weights = model.set_index(["comparison", "comparison_level"]).match_weight.astype(float)
    # the fit must keep agreement as evidence for a match and disagreement against it
    for comparison, agree, disagree in (
        ("incident_number", "exact", "different"),
        ("unit", "assigned", "no_heart_unit"),
        ("address", "exact", "different"),
        ("time", "prompt", "far"),
    ):
        assert weights[(comparison, agree)] > 0 > weights[(comparison, disagree)], comparison


def test_a_reviewers_decision_changes_the_link(duckdb_default, tmp_path):
    """Accept a pair for an encounter a rule linked, reject the model's link of another: after
    rebuilding the two models that read the seed, the first is linked by clerical_review to the
    accepted incident and the second is no longer linked to the rejected one; nothing else moves.
    The tiny tier leaves the model no sure pair, so both builds set the accept threshold to 0 (a dbt
    var, as an analyst would): every leftover with a candidate is linked to its best one."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_default.warehouse.duckdb_path, copy)
    wh = Warehouse("duckdb", tmp_path, duckdb_path=copy)
    rebuild = [
        "run",
        "--select",
        "int_link_pairs_for_review",
        "int_encounters_linked",
        "--vars",
        "{linkage_thresholds: {accept: 0, review_from: 0}}",
    ]
    run_dbt(wh, rebuild)
    before = _links(wh).set_index("encounter_id")
    modelled = before[before.link_method == "fellegi_sunter"].sort_index()
    assert len(modelled), "every leftover with a candidate should be linked at threshold 0"
    rejected_id = int(modelled.index[0])
    rejected_incident = modelled.incident_number.iloc[0]
    accepted_id = int(before[before.link_method == "exact_number"].index.min())
    accepted_incident = read_sql(wh, "select min(incident_number) as n from staging.stg_cad__incidents").n[0]
    assert before.loc[accepted_id, "incident_number"] != accepted_incident
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "insert into staging.linkage_review_decisions values "
            "(?, ?, 'accept', date '2024-12-01', 'test'), (?, ?, 'reject', date '2024-12-01', 'test')",
            [accepted_id, accepted_incident, rejected_id, rejected_incident],
        )
    run_dbt(wh, rebuild)
    after = _links(wh).set_index("encounter_id")
    assert after.loc[accepted_id, "link_method"] == "clerical_review"
    assert after.loc[accepted_id, "incident_number"] == accepted_incident
    assert after.loc[rejected_id, "incident_number"] != rejected_incident
    untouched = before.index.difference([accepted_id, rejected_id])
    pd.testing.assert_frame_equal(before.loc[untouched], after.loc[untouched])
    review = read_sql(wh, "select encounter_id, review_status from intermediate.int_link_pairs_for_review")
    assert set(review[review.review_status != "pending"].review_status) == {"accept", "reject"}


def test_the_linkage_report_asset_writes_html_and_json(duckdb_default, tmp_path):
    import json

    import dagster as dg

    from orchestration.linkage.assets import LinkageReportResource, linkage_report

    resource = LinkageReportResource(
        target="duckdb",
        duckdb_path=str(duckdb_default.warehouse.duckdb_path),
        out_dir=str(tmp_path),
        truth_dir=str(duckdb_default.dataset.truth_dir),
    )
    result = dg.materialize([linkage_report], resources={"linkage": resource})
    assert result.success
    figures = json.loads((tmp_path / "linkage" / "linkage_report.json").read_text())
    links = _links(duckdb_default.warehouse)
    assert figures["encounters"] == len(links)
    assert figures["links_by_method"] == links.groupby("link_method").size().to_dict()
    assert figures["against_truth"]["precision"] >= 0.995
    scored = read_sql(
        duckdb_default.warehouse,
        "select count(*) as n from intermediate.int_link_pairs_scored where candidate_rank = 1",
    ).n[0]
    assert sum(h["encounters"] for h in figures["model_best_candidate_histogram"]) == scored
    page = (tmp_path / "linkage" / "linkage_report.html").read_text()
    assert "Links by method" in page and "exact_number" in page and "similar_street" in page
