"""`make pr-check` on real branches of a temporary clone: real git, real dbt, real DuckDB.

Three branches off the clone's main: a seed change that makes NOISE calls CRT-eligible, a change
of one metric model (ccd_incidents counted twice), and a docs-only change. For each, the script's
report is compared with what is expected independently: cells reasoned from the change and read
from main's warehouse, a direct SQL comparison of the two warehouses, and the nodes downstream of
the change in main's manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.dev.hooks import check_model_docs
from orchestration.dev.pr_check import TABLE_KEYS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
METRIC_MODEL = "models/intermediate/metrics/int_metrics_learning.sql"
UNIT_TESTS = "models/intermediate/_intermediate__unit_tests.yml"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def _commit(repo: Path, branch: str, edits: list[tuple[str, str, str]]) -> None:
    """A branch off main with one commit of (path, old text, new text) edits."""
    _git(repo, "checkout", "-q", "-b", branch, "main")
    for path, old, new in edits:
        file = repo / path
        text = file.read_text()
        assert old in text, f"{path} no longer holds {old!r}: update the test's edit"
        file.write_text(text.replace(old, new, 1))
    _git(repo, "commit", "-q", "-am", f"test: {branch}")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    """Each branch's pr-check report, its run_results and its warehouse, beside main's state."""
    repo = tmp_path_factory.mktemp("pr") / "repo"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(PROJECT_ROOT), str(repo)], check=True)
    _git(repo, "config", "user.email", "test@example.org")
    _git(repo, "config", "user.name", "pr-check test")
    _git(repo, "checkout", "-q", "-B", "main")
    _commit(
        repo,
        "seed",
        [
            (
                "seeds/call_type_eligibility.csv",
                "LOITERING,CRT,2024-07-01,\n",
                "LOITERING,CRT,2024-07-01,\nNOISE,CRT,2020-01-01,\n",
            )
        ],
    )
    # An analyst changing a metric changes its unit test's expectation with it (dbt build runs both).
    _commit(
        repo,
        "metric",
        [
            (
                METRIC_MODEL,
                """"'ccd_incidents'", "''", "''", 'count(*)', 'count(*)', 'null')""",
                """"'ccd_incidents'", "''", "''", '2 * count(*)', '2 * count(*)', 'null')""",
            ),
            (
                UNIT_TESTS,
                'ccd_incidents, period_grain: month, period_start: "2024-09-01", program: ALL, value: 1.0',
                'ccd_incidents, period_grain: month, period_start: "2024-09-01", program: ALL, value: 2.0',
            ),
            (
                UNIT_TESTS,
                'ccd_responses_with_follow_ups, period_grain: month, period_start: "2024-09-01", program: ALL, '
                "value: 3.0",
                'ccd_responses_with_follow_ups, period_grain: month, period_start: "2024-09-01", program: ALL, '
                "value: 4.0",
            ),
        ],
    )
    _commit(repo, "docs", [("docs/metric_definitions.md", "\n", "\nA docs-only change.\n")])
    out = repo / "build" / "pr"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "ARP_"))}
    results = {}
    for branch in ("seed", "metric", "docs"):
        _git(repo, "checkout", "-q", branch)
        proc = subprocess.run(
            [sys.executable, "-m", "orchestration.dev.pr_check", "--base", "main", "--tier", "tiny"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
        kept = out / f"branch-{branch}"
        shutil.move(out / "branch", kept)
        results[branch] = {
            "report": json.loads((out / "metric_diff.json").read_text()),
            "markdown": (out / "metric_diff.md").read_text(),
            "warehouse": kept / "warehouse.duckdb",
            "run_results": kept / "target" / "run_results.json",
        }
    state = next(p for p in (out / "main_state").iterdir() if (p / "manifest.json").exists())
    return {"branches": results, "main": state / "warehouse.duckdb", "manifest": state / "manifest.json"}


def _reported_cells(report: dict, table: str) -> dict[tuple, dict]:
    keys = TABLE_KEYS[table]
    return {tuple(str(c["key"][k]) for k in keys): c for c in report["changes"] if c["table"] == table}


def _cells_that_differ(main: Path, branch: Path, table: str) -> set[tuple]:
    """Cells whose values differ, by a full outer join of the two warehouses on the cell's key."""
    keys = TABLE_KEYS[table]
    con = duckdb.connect()
    con.execute(f"attach '{main}' as m (read_only)")
    con.execute(f"attach '{branch}' as b (read_only)")
    schema, name = table.split(".")
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = 'm' and table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    )
    join = " and ".join(f"m_.{k} is not distinct from b_.{k}" for k in keys)
    # Floats from a rebuilt model may differ in the last bits only; a real change is far larger.
    differs = " or ".join(
        f"(abs(m_.{c} - b_.{c}) > 1e-9 or (m_.{c} is null) <> (b_.{c} is null))"
        if types[c] == "DOUBLE"
        else f"m_.{c} is distinct from b_.{c}"
        for c in types
        if c not in keys
    )
    rows = con.execute(
        f"select {', '.join(f'coalesce(m_.{k}, b_.{k})::varchar' for k in keys)} "
        f"from m.{table} as m_ full join b.{table} as b_ on {join} "
        f"where m_.{keys[0]} is null and b_.{keys[0]} is not null or b_.{keys[0]} is null and m_.{keys[0]} is not null "
        f"or ({differs})"
    ).fetchall()
    con.close()
    return {tuple("None" if v is None else v for v in r) for r in rows}


def _downstream(manifest: Path, start: set[str]) -> set[str]:
    """The models and seeds a slim build of `start` rebuilds: them and their descendants, less the
    public tables the suppression step publishes."""
    doc = json.loads(manifest.read_text())
    children = doc["child_map"]
    suppression = {u for u in doc["sources"] if doc["sources"][u]["source_name"] == "suppression"}
    excluded, todo = set(), list(suppression)
    while todo:
        node = todo.pop()
        for child in children.get(node, []):
            if child not in excluded:
                excluded.add(child)
                todo.append(child)
    seen, todo = set(start), list(start)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return {u for u in seen - excluded if u.startswith(("model.", "seed."))}


def _rebuilt(run_results: Path) -> set[str]:
    return {
        r["unique_id"]
        for r in json.loads(run_results.read_text())["results"]
        if r["unique_id"].startswith(("model.", "seed."))
    }


def _metric_rows(warehouse: Path, metric_id: str) -> dict[tuple, tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute(
        "select period_grain, period_start::varchar, program, value, numerator "
        "from marts.fct_metric_values where metric_id = ?",
        [metric_id],
    ).fetchall()
    con.close()
    return {r[:3]: r[3:] for r in rows}


@pytest.mark.slow
def test_every_reported_cell_is_a_cell_that_differs_and_no_other(runs):
    for branch, run in runs["branches"].items():
        for table in TABLE_KEYS:
            expected = _cells_that_differ(runs["main"], run["warehouse"], table)
            assert set(_reported_cells(run["report"], table)) == expected, (branch, table)
    assert runs["branches"]["seed"]["report"]["changes"], "the seed change moved no number"
    assert runs["branches"]["metric"]["report"]["changes"], "the metric change moved no number"


@pytest.mark.slow
def test_seed_change_moves_eligible_incidents_by_the_noise_calls(runs):
    run = runs["branches"]["seed"]
    # Reasoned from the seed: the only incidents that change status are NOISE incidents now eligible
    # for CRT (those not set apart: not from the public, closed without need, a weapon...), counted
    # per month on the incidents themselves, not on the metric table.
    sql = (
        "select created_month_local::varchar, count(*) filter (where is_eligible_crt), "
        "count(*) filter (where is_eligible) from marts.fct_incidents "
        "where eligibility_call_type = 'NOISE' group by all"
    )
    with duckdb.connect(str(runs["main"]), read_only=True) as con:
        assert all(crt == 0 and any_ == 0 for _, crt, any_ in con.execute(sql).fetchall())
    with duckdb.connect(str(run["warehouse"]), read_only=True) as con:
        newly = {month: (crt, any_) for month, crt, any_ in con.execute(sql).fetchall()}
    assert sum(crt for crt, _ in newly.values()) > 0, "no NOISE incident became eligible: the test tests nothing"
    before = _metric_rows(runs["main"], "eligible_incidents")
    after = _metric_rows(run["warehouse"], "eligible_incidents")
    for month, (crt, any_) in newly.items():
        assert after[("month", month, "CRT")][0] - before[("month", month, "CRT")][0] == crt
        assert after[("month", month, "ALL")][0] - before[("month", month, "ALL")][0] == any_
    # The report lists exactly the eligible_incidents cells that moved: CRT and ALL in every period
    # holding a newly eligible incident, no other program.
    reported = _reported_cells(run["report"], "marts.fct_metric_values")
    moved = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert moved == {(k[1], k[2], k[3]) for k in reported if k[0] == "eligible_incidents"}
    assert {("month", m) for m, (crt, _) in newly.items() if crt} == {(g, p) for g, p, _ in moved if g == "month"}
    assert {k[2] for k in moved} == {"CRT", "ALL"}
    # Published cells that crossed the small-cell line are listed as suppression changes.
    flips = [c for c in run["report"]["changes"] if c["suppression_changed"]]
    assert flips and all(c["table"].startswith("public_marts.") for c in flips)
    assert "### Published cells whose suppression state changes" in run["markdown"]


@pytest.mark.slow
def test_metric_change_doubles_ccd_incidents_and_the_total_that_adds_them(runs):
    run = runs["branches"]["metric"]
    before_ccd = _metric_rows(runs["main"], "ccd_incidents")
    expected = {("ccd_incidents", *k): (2 * v[0], 2 * v[1]) for k, v in before_ccd.items()}
    before_total = _metric_rows(runs["main"], "ccd_responses_with_follow_ups")
    expected |= {
        ("ccd_responses_with_follow_ups", *k): (v[0] + before_ccd[k][0], v[1] + before_ccd[k][0])
        for k, v in before_total.items()
        if k in before_ccd
    }
    reported = _reported_cells(run["report"], "marts.fct_metric_values")
    assert {(k[0], k[1], k[2], k[3]) for k in reported} == set(expected)
    for key, change in reported.items():
        assert change["kind"] == "changed"
        assert (
            change["after"]["value"],
            change["after"].get("numerator", change["before"].get("numerator")),
        ) == pytest.approx(expected[(key[0], key[1], key[2], key[3])])


@pytest.mark.slow
def test_docs_change_reports_no_number_change(runs):
    run = runs["branches"]["docs"]
    assert run["report"]["changes"] == []
    assert "No published number changes" in run["markdown"]
    assert _rebuilt(run["run_results"]) == set() if run["run_results"].exists() else True


@pytest.mark.slow
def test_slim_ci_builds_only_the_changed_models_and_their_children(runs):
    seed = runs["branches"]["seed"]
    expected = _downstream(runs["manifest"], {"seed.alt_response.call_type_eligibility"})
    assert _rebuilt(seed["run_results"]) == expected
    metric = runs["branches"]["metric"]
    expected = _downstream(runs["manifest"], {"model.alt_response.int_metrics_learning"})
    assert _rebuilt(metric["run_results"]) == expected
    manifest = json.loads(runs["manifest"].read_text())
    all_models = {u for u in manifest["nodes"] if u.startswith("model.")}
    assert len(expected) < len(all_models) / 4, "a one-model change rebuilt most of the project"


def test_model_without_description_or_grain_comment_is_refused(tmp_path):
    models = tmp_path / "models" / "marts"
    models.mkdir(parents=True)
    (models / "_marts__models.yml").write_text(
        "version: 2\nmodels:\n- name: fct_described\n  description: One row per thing.\n- name: fct_undescribed\n"
    )
    (models / "fct_described.sql").write_text("-- One row per thing, with its size.\nselect 1 as size\n")
    (models / "fct_undescribed.sql").write_text("-- One row per other thing.\nselect 1 as size\n")
    (models / "fct_headerless.sql").write_text("{{ config(materialized='table') }}\nselect 1 as size\n")
    problems = check_model_docs(tmp_path)
    assert any("fct_undescribed" in p and "description" in p for p in problems)
    assert any("fct_headerless" in p and "description" in p for p in problems)
    assert any("fct_headerless" in p and "grain" in p for p in problems)
    assert not any("fct_described" in p for p in problems)
    # The same check as the pre-commit hook runs it: it fails, naming the model.
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.dev.hooks", "model-docs", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert proc.returncode == 1 and "fct_undescribed" in proc.stderr
    assert check_model_docs(PROJECT_ROOT) == [], "a model of the project lacks its description or grain comment"
