"""A new version of the public tables that fails a blocking check or a dbt test is never readable:
the published tables stay as they were, no candidate is left behind, and the error names the
table and check.

The bug is injected where it would really arise, in the suppression's decisions
(orchestration.public_tables.suppression.suppress), and the tables are published through
publish_public_tables: both are older than the gate, so the test runs unchanged on the code
before it and fails there (the tables are replaced). What the tables look like is checked before
the error, for the same reason."""

from __future__ import annotations

import dataclasses
import importlib
import shutil

import duckdb
import pytest

from orchestration.public_tables.tables import publish_public_tables
from orchestration.warehouse.destination import Destination

PUBLIC = ["pub_metric_values", "pub_people_served_demographics", "pub_staff_demographics"]
# The modules that call suppress(): the decisions dbt publishes from, or (before dbt built the
# public tables) the Python writer itself.
SUPPRESS_CALLERS = ("orchestration.public_tables.decisions", "orchestration.public_tables.tables")


def _snapshot(path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"select * from public_marts.{t}").fetchall())) for t in PUBLIC} | {
            "relations": sorted(
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'public_marts'"
                ).fetchall()
            )
        }


@pytest.fixture
def published_copy(duckdb_default, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_default.warehouse.duckdb_path, path)
    publish_public_tables(Destination.duckdb(path))
    snapshot = _snapshot(path)
    assert all(snapshot[t] for t in PUBLIC)
    assert not [r for r in snapshot["relations"] if r.endswith("__candidate")]
    return path, snapshot


def _with_bug_in_first_cell_set(monkeypatch, bug):
    """Apply `bug` to the decisions of the first cell set decided: the metric cells."""
    import orchestration.public_tables.suppression as suppression

    real, calls = suppression.suppress, []

    def buggy(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(1)
        return dataclasses.replace(result, decisions=bug(result.decisions.copy())) if len(calls) == 1 else result

    # The callers import suppress() when they run (from the suppression module) or, in older
    # layouts, at import (a name of their own): patch it wherever it is reached from.
    monkeypatch.setattr(suppression, "suppress", buggy)
    for name in SUPPRESS_CALLERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        if getattr(module, "suppress", None) is real:
            monkeypatch.setattr(module, "suppress", buggy)
    return calls


def publish_small_cells(decisions):  # a suppression bug: small cells are shown
    small = decisions.suppression_reason.eq("small_cell")
    assert small.any()
    decisions.loc[small, "is_suppressed"] = False
    decisions.loc[small, "suppression_reason"] = None
    return decisions


def test_a_version_failing_a_blocking_check_leaves_the_published_tables(published_copy, monkeypatch):
    path, published = published_copy
    calls = _with_bug_in_first_cell_set(monkeypatch, publish_small_cells)
    try:
        publish_public_tables(Destination.duckdb(path))
        error = None
    except Exception as exc:  # noqa: BLE001 - the tables are compared first, the error after
        error = exc
    assert calls, "the publication never called the bugged suppress()"
    assert _snapshot(path) == published, "the published tables changed although a blocking check failed"
    from orchestration.public_tables.publication_gate import PublicTableCheckFailed

    assert isinstance(error, PublicTableCheckFailed), f"expected PublicTableCheckFailed, got {error!r}"
    message = str(error)
    assert "public_marts.pub_metric_values: blocking check gx_suppression failed on the new version" in message
    assert "the previous version stays in place" in message


def test_a_cell_without_a_decision_is_never_published(published_copy, monkeypatch):
    import orchestration.public_tables.decisions as decisions
    from orchestration.public_tables.publication_gate import PublicTableCheckFailed

    path, published = published_copy
    decide = decisions.decide

    def one_cell_undecided(dest):
        frame, report = decide(dest)
        return frame.iloc[1:], report

    monkeypatch.setattr(decisions, "decide", one_cell_undecided)
    with pytest.raises(PublicTableCheckFailed) as failure:
        publish_public_tables(Destination.duckdb(path))
    message = str(failure.value)
    assert "the dbt build of the new version failed" in message and "is_suppressed" in message, message
    assert _snapshot(path) == published, "the published tables changed although the dbt build failed"
