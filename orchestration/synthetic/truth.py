"""The independent truth oracle (filled in below)."""
from __future__ import annotations


def write_truth(state, defect_rows, rules, cfg, progress=True) -> None:
    cfg.truth_dir.mkdir(parents=True, exist_ok=True)
    defect_rows.to_csv(cfg.truth_dir / "defects.csv", index=False)
    state.encounter_incident.to_csv(cfg.truth_dir / "encounter_links.csv", index=False)
