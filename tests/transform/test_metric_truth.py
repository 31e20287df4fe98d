"""fct_metric_values against the generator's independent truth (truth/metric_values.csv).

* no defects: every truth row is in the mart with the same value (1e-9 relative) and nothing more;
* default defects: >= 99% of the truth rows within tolerance, and every row outside it explained by
  incidents our staging quarantined or flagged (see attribution.py for the method);
* linkage precision and recall against truth/encounter_links.csv.
"""
from __future__ import annotations

import pandas as pd

from . import truth_compare
from .attribution import attribute
from .dbt_runner import read_sql

TIMEZONE = "America/New_York"


def _metric_values(built) -> pd.DataFrame:
    return read_sql(built.warehouse, "select * from marts.fct_metric_values")


def test_without_defects_every_metric_value_matches_the_truth(duckdb_clean):
    truth = truth_compare.read_truth(duckdb_clean.dataset.truth_dir)
    problems = truth_compare.exact_differences(truth, _metric_values(duckdb_clean))
    assert len(truth) > 1000, f"truth/metric_values.csv has only {len(truth)} rows"
    assert not problems, (f"{len(problems)} of {len(truth)} truth rows differ from marts.fct_metric_values:\n"
                          + "\n".join(problems[:30]))


def test_with_default_defects_99_percent_within_tolerance_and_the_rest_explained(duckdb_default):
    truth = truth_compare.read_truth(duckdb_default.dataset.truth_dir)
    comparison = truth_compare.compare(truth, _metric_values(duckdb_default))
    share = 1 - len(comparison.outside) / comparison.truth_rows
    report = attribute(comparison.outside, duckdb_default.warehouse, duckdb_default.dataset.truth_dir, TIMEZONE)
    print(f"\ntruth rows {comparison.truth_rows}, within tolerance {share:.2%}, outside {len(comparison.outside)}, "
          f"rows only in the mart {len(comparison.extra)}; incidents touched by quarantined rows "
          f"{len(report.touched_by_quarantine)}, by quarantined or flagged rows {len(report.touched)}")
    if len(report.explained):
        print(report.explained[["metric_id", "period_grain", "period_start", "program", "dimension_value",
                                "value_truth", "value_ours", "differing_incidents", "touched_differing",
                                "explained"]].to_string())
    assert share >= 0.99, f"only {share:.2%} of the truth rows are within tolerance (need 99%)"
    unexplained = report.explained[~report.explained["explained"]] if len(report.explained) else report.explained
    assert unexplained.empty, ("metric rows outside tolerance that no quarantined or flagged row explains:\n"
                               + unexplained.to_string())


def test_linkage_precision_and_recall_against_the_true_links(duckdb_default):
    truth = pd.read_csv(duckdb_default.dataset.truth_dir / "encounter_links.csv", dtype=str)
    ours = read_sql(duckdb_default.warehouse,
                    "select cast(encounter_id as varchar) as encounter_id, incident_number, link_method "
                    "from intermediate.int_encounters_linked")
    quarantined = read_sql(duckdb_default.warehouse, "select record_key from staging.quarantine_cms__encounters")
    merged = truth.merge(ours, on="encounter_id", how="left", suffixes=("_true", "_ours"))
    linked = merged[merged["incident_number_ours"].notna()]
    correct = int((linked["incident_number_ours"] == linked["incident_number_true"]).sum())
    true_links = int(merged["incident_number_true"].notna().sum())
    precision = correct / len(linked)
    recall = correct / true_links
    methods = ours["link_method"].value_counts().to_dict()
    print(f"\nlinkage: {len(linked)} links made, {correct} correct, {true_links} true links, "
          f"{len(quarantined)} encounters quarantined; precision {precision:.4f}, recall {recall:.4f}; "
          f"methods {methods}")
    wrong = merged[merged["incident_number_ours"].notna()
                   & (merged["incident_number_ours"] != merged["incident_number_true"])]
    assert precision >= 0.995, f"linkage precision {precision:.4f} < 0.995; wrong links:\n{wrong.to_string()}"
    missed = merged[merged["incident_number_true"].notna() & merged["incident_number_ours"].isna()]
    assert recall >= 0.99, f"linkage recall {recall:.4f} < 0.99; missed:\n{missed.to_string()}"
