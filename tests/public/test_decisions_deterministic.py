"""The same candidate cells give the same decisions, whatever order the warehouse returns them in.
Two publications of one data set that hid different complements could be combined by a reader to
recover cells that each of them hides."""

from __future__ import annotations

import shutil

import duckdb

from orchestration.public_tables.decisions import CANDIDATE_SCHEMA, CELL_SETS, decide
from orchestration.warehouse.destination import Destination


def _shuffle_candidates(path, seed: float) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(f"select setseed({seed})")
        for model in (name for pair in CELL_SETS.values() for name in pair):
            table = f"{CANDIDATE_SCHEMA}.{model}"
            con.execute(f"create or replace table {table} as select * from {table} order by random()")


def test_decisions_do_not_depend_on_the_order_rows_are_read(duckdb_default, tmp_path):
    runs = []
    for seed in (0.1, 0.7):
        path = tmp_path / f"warehouse_{seed}.duckdb"
        shutil.copyfile(duckdb_default.warehouse.duckdb_path, path)
        _shuffle_candidates(path, seed)
        decisions, _ = decide(Destination.duckdb(path))
        runs.append(decisions.sort_values(["cell_set", "cell_id"]).reset_index(drop=True))
    assert runs[0]["is_suppressed"].sum() > 0, "the tiny city hides cells"
    assert runs[0].equals(runs[1]), runs[0].compare(runs[1]).head(20)
