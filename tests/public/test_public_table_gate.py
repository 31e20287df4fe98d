"""A new version of the public tables that fails a blocking check or a dbt test is never readable:
the published tables stay as they were, no candidate is left behind, and the error names the
table and check. The public tables are dbt models built from the suppression decisions, so a bug
is injected where it would really arise: in the decisions Python writes."""

from __future__ import annotations

import shutil

import duckdb
import pytest

import orchestration.public.decisions as decisions
from orchestration.ingest.destination import Destination
from orchestration.public.publication_gate import PublicTableCheckFailed
from orchestration.public.tables import publish_public_tables

PUBLIC = ["pub_metric_values", "pub_people_served_demographics", "pub_staff_demographics"]


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
def published_copy(duckdb_default, duckdb_public_tables, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_default.warehouse.duckdb_path, path)
    snapshot = _snapshot(path)
    assert all(snapshot[t] for t in PUBLIC)
    assert not [r for r in snapshot["relations"] if r.endswith("__candidate")]
    return path, snapshot


def _with_bug(monkeypatch, bug):
    decide = decisions.decide

    def buggy(dest):
        frame, report = decide(dest)
        return bug(frame), report

    monkeypatch.setattr(decisions, "decide", buggy)


def test_a_version_failing_a_blocking_check_leaves_the_published_tables(published_copy, monkeypatch):
    path, published = published_copy

    def publish_small_cells(frame):  # a suppression bug: small cells are shown
        small = frame.suppression_reason.eq("small_cell") & frame.cell_set.eq("metric")
        assert small.any()
        frame.loc[small, "is_suppressed"] = False
        frame.loc[small, "suppression_reason"] = None
        return frame

    _with_bug(monkeypatch, publish_small_cells)
    with pytest.raises(PublicTableCheckFailed) as failure:
        publish_public_tables(Destination.duckdb(path))
    message = str(failure.value)
    assert "public_marts.pub_metric_values: blocking check gx_suppression failed on the new version" in message
    assert "the previous version stays in place" in message
    assert _snapshot(path) == published, "the published tables changed although a blocking check failed"


def test_a_cell_without_a_decision_is_never_published(published_copy, monkeypatch):
    path, published = published_copy
    _with_bug(monkeypatch, lambda frame: frame.iloc[1:])  # one candidate cell left undecided
    with pytest.raises(PublicTableCheckFailed) as failure:
        publish_public_tables(Destination.duckdb(path))
    message = str(failure.value)
    assert "the dbt build of the new version failed" in message and "is_suppressed" in message, message
    assert _snapshot(path) == published, "the published tables changed although the dbt build failed"
