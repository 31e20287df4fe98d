"""`make pr-check`: what a branch does to the published numbers, before it is merged.

    python -m orchestration.dev.pr_check [--base main] [--tier tiny]

1. Main's state: the merge base of HEAD and `--base` is checked out in a detached git worktree,
   the synthetic city is generated and loaded, and dbt builds it into
   build/pr/main_state/warehouse.duckdb (the public tables published the pipeline's way). Its
   manifest.json is the `--state` of the slim build. Both are kept per merge-base commit and
   reused, so a second run on the same base only builds the branch.
2. Slim CI: the branch's warehouse starts as a copy of main's, and
   `dbt build --select state:modified+ --defer --state build/pr/main_state` rebuilds only the
   models and seeds the branch changed and everything downstream of them; the rest is main's,
   which is what it would be anyway since its inputs did not change. The public tables are
   then decided and published again (suppression is Python, outside dbt's state comparison).
3. The metric diff: `marts.fct_metric_values` and every `public_marts` table compared row by
   row between the two warehouses (SQL over both DuckDB files attached to one session): which
   cell changed from what to what, and which published cells changed suppression state.
   Written to build/pr/metric_diff.md (a PR comment) and build/pr/metric_diff.json.

The tiny tier (ten weeks, one team per program) is the default: it builds in about a minute and
still crosses a seed effective date, so most rule changes show up; `--tier demo` covers a year.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from orchestration.paths import PROJECT_ROOT
from orchestration.warehouse.connections import scratch_duckdb

DBT = Path(sys.executable).with_name("dbt")
# The public tables come from the pipeline's Python suppression step, not from `dbt build`.
PUBLIC_EXCLUDE = "source:suppression+"

# The columns that name a cell in each compared table; every other column is a value.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "marts.fct_metric_values": ("metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value"),
    "public_marts.pub_metric_values": (
        "metric_id",
        "period_grain",
        "period_start",
        "program",
        "dimension",
        "dimension_value",
    ),
    "public_marts.pub_people_served_demographics": ("period_grain", "period_start", "program", "attribute", "category"),
    "public_marts.pub_staff_demographics": ("period_grain", "period_start", "program", "attribute", "category"),
    "public_marts.pub_call_summaries": ("period_start", "program"),
    "public_marts.pub_metric_catalog": ("metric_id",),
}

# Run inside a source tree (main's worktree or the branch), with only the APIs main already has:
# the tree's own generator, loader and publication code build its warehouse.
_GENERATE_AND_LOAD = """
import sys
from pathlib import Path
from orchestration.ingest import Destination
from orchestration.ingest.loader import load_sources
from simulator import GeneratorConfig, generate
out, warehouse, tier, seed = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
result = generate(GeneratorConfig(tier=tier, seed=seed, out_dir=out), progress=False)
load_sources(result.cad_url, result.cms_url, Destination.duckdb(warehouse), full_refresh=True)
"""
_PUBLISH = """
import sys
from pathlib import Path
from orchestration.ingest import Destination
from orchestration.public_tables.tables import publish_public_tables
publish_public_tables(Destination.duckdb(Path(sys.argv[1])))
"""


def _log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def _git(*args: str, cwd: Path = PROJECT_ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _env(tree: Path, warehouse: Path, target: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The synthetic city holds no real person, so it is hashed with the published demo key.
    env.update(
        {
            "ARP_MODE": "demo",
            "ARP_TARGET": "duckdb",
            "ARP_DUCKDB_PATH": str(warehouse),
            "DBT_PROFILES_DIR": str(tree),
            "DBT_PROJECT_DIR": str(tree),
            "DBT_TARGET_PATH": str(target),
            "DBT_LOG_PATH": str(target / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DAGSTER_HOME": str(target / "dagster_home"),
        }
    )
    for name in ("ARP_CITY_SEED_PATH", "ARP_CITY_MISSING_DATA", "ARP_CITY_TIMEZONE"):
        env.pop(name, None)
    return env


def _run(cmd: list[str], tree: Path, env: dict[str, str], label: str) -> None:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-6000:] + proc.stderr[-6000:])
        raise SystemExit(f"{label} failed (exit {proc.returncode}) in {tree}")
    _log(f"{label}: {time.perf_counter() - started:.0f} s")


def build_main_state(base: str, state_root: Path, tier: str, seed: int) -> Path:
    """Main's manifest and warehouse at `base` (a commit), built once per commit and tier."""
    state = state_root / f"{base[:12]}-{tier}"
    if (state / "manifest.json").exists() and (state / "warehouse.duckdb").exists():
        _log(f"reusing main's state {state.relative_to(PROJECT_ROOT) if state.is_relative_to(PROJECT_ROOT) else state}")
        return state
    shutil.rmtree(state, ignore_errors=True)
    source = state_root / "src"
    if source.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(source)], cwd=PROJECT_ROOT, capture_output=True)
        shutil.rmtree(source, ignore_errors=True)
    _git("worktree", "prune")
    _git("worktree", "add", "--detach", str(source), base)
    try:
        building = state.with_name(state.name + ".partial")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        warehouse = building / "warehouse.duckdb"
        target = building / "target"
        env = _env(source, warehouse, target)
        _run(
            [sys.executable, "-c", _GENERATE_AND_LOAD, str(building / "city"), str(warehouse), tier, str(seed)],
            source,
            env,
            f"main's state at {base[:12]}: generating and loading the '{tier}' city",
        )
        _run(
            [str(DBT), "--no-use-colors", "build", "--exclude", PUBLIC_EXCLUDE], source, env, "main's state: dbt build"
        )
        _run([sys.executable, "-c", _PUBLISH, str(warehouse)], source, env, "main's state: public tables")
        shutil.copyfile(target / "manifest.json", building / "manifest.json")
        shutil.rmtree(building / "city", ignore_errors=True)
        building.rename(state)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(source)], cwd=PROJECT_ROOT, capture_output=True)
    return state


# Paths whose change can move a published number without dbt rebuilding a model: the Python that
# decides suppression and publishes, and the project settings it reads.
PUBLICATION_PATHS = ("orchestration", "macros", "dbt_project.yml", "profiles.yml", "contracts")


def build_branch(state: Path, out: Path, base: str) -> list[str]:
    """Slim CI into a copy of main's warehouse; returns the unique ids dbt built or tested."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    warehouse = out / "warehouse.duckdb"
    shutil.copyfile(state / "warehouse.duckdb", warehouse)
    target = out / "target"
    env = _env(PROJECT_ROOT, warehouse, target)
    _run(
        [
            str(DBT),
            "--no-use-colors",
            "build",
            "--select",
            "state:modified+",
            "--exclude",
            PUBLIC_EXCLUDE,
            "--defer",
            "--state",
            str(state),
        ],
        PROJECT_ROOT,
        env,
        "branch: dbt build --select state:modified+ --defer --state <main's manifest>",
    )
    results = target / "run_results.json"
    built = [r["unique_id"] for r in json.loads(results.read_text())["results"]] if results.exists() else []
    rebuilt = [u for u in built if u.startswith(("model.", "seed.", "snapshot."))]
    if rebuilt or _git("diff", "--name-only", base, "--", *PUBLICATION_PATHS):
        _run([sys.executable, "-c", _PUBLISH, str(warehouse)], PROJECT_ROOT, env, "branch: public tables")
    else:
        # Nothing upstream of the public tables changed: main's published tables are the branch's.
        _log("branch: no model, seed or publication code changed; the public tables are main's")
    return built


@dataclass
class CellChange:
    table: str
    key: dict[str, object]
    kind: str  # changed | added | removed
    before: dict[str, object] = field(default_factory=dict)
    after: dict[str, object] = field(default_factory=dict)

    @property
    def suppression_changed(self) -> bool:
        return "is_suppressed" in (self.before.keys() | self.after.keys()) and (
            self.before.get("is_suppressed") != self.after.get("is_suppressed")
        )


def _same(a: object, b: object) -> bool:
    # A rebuilt model may sum floats in another order than main's build did.
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    return a == b


def diff_warehouses(main: Path, branch: Path) -> list[CellChange]:
    """Every cell of the compared tables that differs between the two warehouses."""
    con = scratch_duckdb()
    con.execute(f"attach '{main}' as main_wh (read_only)")
    con.execute(f"attach '{branch}' as branch_wh (read_only)")
    changes: list[CellChange] = []
    for table, keys in TABLE_KEYS.items():
        schema, name = table.split(".")
        present = {
            db
            for db in ("main_wh", "branch_wh")
            if con.execute(
                "select count(*) from information_schema.tables where table_catalog = ? and table_schema = ? "
                "and table_name = ?",
                [db, schema, name],
            ).fetchone()[0]
        }
        rows: dict[str, list[dict]] = {"main_wh": [], "branch_wh": []}
        if present == {"main_wh", "branch_wh"}:
            for this, other in (("main_wh", "branch_wh"), ("branch_wh", "main_wh")):
                cur = con.execute(f"select * from {this}.{table} except all select * from {other}.{table}")
                cols = [d[0] for d in cur.description]
                rows[this] = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        else:
            for db in present:
                cur = con.execute(f"select * from {db}.{table}")
                cols = [d[0] for d in cur.description]
                rows[db] = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        before = {tuple(r.get(k) for k in keys): r for r in rows["main_wh"]}
        after = {tuple(r.get(k) for k in keys): r for r in rows["branch_wh"]}
        for key in sorted(before.keys() | after.keys(), key=lambda k: tuple(str(v) for v in k)):
            b, a = before.get(key), after.get(key)
            named = dict(zip(keys, key, strict=True))
            if b is not None and a is not None:
                cols = [c for c in (b.keys() | a.keys()) if c not in keys and not _same(b.get(c), a.get(c))]
                if cols:
                    changes.append(
                        CellChange(
                            table,
                            named,
                            "changed",
                            {c: b.get(c) for c in sorted(cols)},
                            {c: a.get(c) for c in sorted(cols)},
                        )
                    )
            elif b is not None:
                changes.append(CellChange(table, named, "removed", {c: v for c, v in b.items() if c not in keys}))
            else:
                changes.append(CellChange(table, named, "added", after={c: v for c, v in a.items() if c not in keys}))
    con.close()
    return changes


def _fmt(value: object) -> str:
    if value is None:
        return "∅"
    if isinstance(value, float):
        return f"{value:.6g}"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _cell(change: CellChange) -> str:
    return " · ".join(f"{k}={_fmt(v)}" for k, v in change.key.items() if v not in (None, ""))


def render_markdown(
    changes: list[CellChange], built: list[str], base: str, tier: str, seconds: float, max_rows: int = 60
) -> str:
    models = [u for u in built if u.startswith(("model.", "seed.", "snapshot."))]
    lines = [
        f"## Metric diff against main ({base[:12]})",
        "",
        f"Synthetic '{tier}' city; slim CI rebuilt {len(models)} model(s)/seed(s) "
        f"({len(built) - len(models)} tests) in {seconds:.0f} s.",
    ]
    if models:
        lines.append(
            "Rebuilt: " + ", ".join(f"`{u.split('.')[-1]}`" for u in models[:40]) + (" …" if len(models) > 40 else "")
        )
    lines.append("")
    if not changes:
        lines += [
            "**No published number changes.** `marts.fct_metric_values` and every `public_marts` table "
            "are identical to main's.",
            "",
        ]
        return "\n".join(lines)
    suppression = [c for c in changes if c.suppression_changed]
    public = [c for c in changes if c.table.startswith("public_marts.")]
    lines += [
        f"**{len(changes)} cell(s) differ** — {len(public)} in public tables, "
        f"{len(suppression)} change suppression state. A change to a public number needs a reviewer "
        "(CONTRIBUTING.md).",
        "",
    ]
    by_table: dict[str, list[CellChange]] = {}
    # What the public sees first; the internal mart below it.
    for c in sorted(changes, key=lambda c: not c.table.startswith("public_marts.")):
        by_table.setdefault(c.table, []).append(c)
    lines += ["| table | cells changed | added | removed |", "|---|---:|---:|---:|"]
    for table, cs in by_table.items():
        lines.append(
            f"| `{table}` | {sum(c.kind == 'changed' for c in cs)} | {sum(c.kind == 'added' for c in cs)} "
            f"| {sum(c.kind == 'removed' for c in cs)} |"
        )
    lines.append("")
    if suppression:
        lines += ["### Published cells whose suppression state changes", ""]
        metric_keys = {tuple(c.key.values()) for c in changes if c.table == "marts.fct_metric_values"}
        unmoved = [
            c
            for c in suppression
            if c.table.endswith(".pub_metric_values")
            and c.kind == "changed"
            and tuple(c.key.values()) not in metric_keys
        ]
        if unmoved:
            # The complements are chosen by an integer program over every cell at once: a change
            # elsewhere, or only the order the candidate cells are read in, can pick other ones.
            lines += [
                f"{len(unmoved)} of them did not change value in `marts.fct_metric_values`: the "
                "complementary suppression protects the same small cells with other complements.",
                "",
            ]
        lines += ["| table | cell | before | after |", "|---|---|---|---|"]
        for c in suppression[:max_rows]:
            state = {True: "hidden", False: "shown", None: "absent"}
            lines.append(
                f"| `{c.table.split('.')[-1]}` | {_cell(c)} | {state[c.before.get('is_suppressed')]} "
                f"| {state[c.after.get('is_suppressed')]} |"
            )
        lines.append("")
    for table, cs in by_table.items():
        lines += [f"### `{table}`", "", "| cell | change | before | after |", "|---|---|---|---|"]
        for c in cs[:max_rows]:
            cols = sorted(c.before.keys() | c.after.keys())
            lines.append(
                f"| {_cell(c)} | {c.kind} | "
                + "<br>".join(f"{k}: {_fmt(c.before.get(k))}" for k in cols if k in c.before)
                + " | "
                + "<br>".join(f"{k}: {_fmt(c.after.get(k))}" for k in cols if k in c.after)
                + " |"
            )
        if len(cs) > max_rows:
            lines.append(f"| … {len(cs) - max_rows} more in metric_diff.json | | | |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base",
        default="main",
        help="the branch merged into (its merge base with HEAD is compared)",
    )
    parser.add_argument("--tier", default="tiny")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "build" / "pr")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    base = _git("merge-base", "HEAD", args.base)
    if _git("status", "--porcelain", "--untracked-files=no"):
        _log("note: uncommitted changes are part of the branch side of the comparison")
    state = build_main_state(base, args.out / "main_state", args.tier, args.seed)
    slim_started = time.perf_counter()
    built = build_branch(state, args.out / "branch", base)
    slim_seconds = time.perf_counter() - slim_started
    changes = diff_warehouses(state / "warehouse.duckdb", args.out / "branch" / "warehouse.duckdb")
    markdown = render_markdown(changes, built, base, args.tier, slim_seconds)
    (args.out / "metric_diff.md").write_text(markdown + "\n")
    (args.out / "metric_diff.json").write_text(
        json.dumps(
            {
                "base": base,
                "tier": args.tier,
                "built": built,
                "changes": [asdict(c) | {"suppression_changed": c.suppression_changed} for c in changes],
            },
            indent=1,
            default=str,
        )
        + "\n"
    )
    print(markdown)
    _log(f"pr-check finished in {time.perf_counter() - started:.0f} s; report in {args.out / 'metric_diff.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
