"""Evaluate every change of the learning register on the marts of a warehouse.

Each change is estimated on each series it watches; the other changes of the register that fall
inside the series are modeled as level steps of their own (its.py), so a change is never credited
with what another one did.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.learning.its import estimate_effect
from orchestration.learning.register import Change, load_register
from orchestration.learning.series import read_weekly_series

if TYPE_CHECKING:
    from orchestration.warehouse.destination import Destination


def evaluate_changes(changes: list[Change], weekly: dict) -> list[dict]:
    """One record a (change, watched series): the estimate, or why there is none."""
    dates = [c.began for c in changes]
    records = []
    for change in changes:
        for watch in change.watch:
            base = {"change": change.title, "file": change.file, "series": watch.series, "expected": watch.expected}
            try:
                estimate = estimate_effect(weekly[watch.series], change.began, dates, name=watch.series)
            except ValueError as exc:
                records.append(
                    {**base, "began": change.began.isoformat(), "status": "not_estimable", "reason": str(exc)}
                )
                continue
            record = estimate.as_record()
            direction = record["direction"]
            status = (
                "as_expected" if direction == watch.expected else ("unclear" if direction == "unclear" else "opposite")
            )
            records.append({**base, **record, "status": status})
    return records


def evaluate_register(dest: Destination, folder: Path | None = None) -> list[dict]:
    changes = load_register(folder)
    names = sorted({w.series for c in changes for w in c.watch})
    return evaluate_changes(changes, read_weekly_series(dest, names))


def write_estimates(records: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
