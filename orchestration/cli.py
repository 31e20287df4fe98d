"""`python -m orchestration.cli demo [--city NAME]`: the main job on the embedded DuckDB default.

synthetic demo city -> Dagster `full_pipeline` job (ingest, dbt build with tests as checks,
quality checks, public outputs) -> dbt docs and quality Data Docs -> a summary of where
everything landed. The run is recorded in the Dagster instance under build/dagster_home, so
`make ui` shows it.

`--city NAME` (`make demo CITY=NAME`) runs the same job for the city profile cities/NAME/ instead:
its own sources (no synthetic data), reference tables and time zone, into build/NAME/
(warehouse.duckdb, site/, cards/, docs/). The demo city keeps the build/ paths.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from orchestration.paths import PROJECT_ROOT
from orchestration.settings import settings

BUILD = PROJECT_ROOT / "build"


def _step(title: str) -> float:
    print(f"\n==> {title}", flush=True)
    return time.perf_counter()


def _shown(path: Path) -> str:
    """A path as printed: relative to the project when inside it (a test may build elsewhere)."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def _done(started: float) -> None:
    print(f"    done in {time.perf_counter() - started:.1f} s", flush=True)


def _dagster_home() -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(BUILD / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        # Run monitoring lets the daemon fail a run whose worker died before its first step (later
        # deaths the CAD sensor catches itself: orchestration/run_liveness.py).
        config.write_text(
            "telemetry:\n  enabled: false\n"
            "run_monitoring:\n  enabled: true\n  start_timeout_seconds: 300\n"
            "  poll_interval_seconds: 60\n  max_resume_run_attempts: 0\n"
        )
    return home


def generate_city(tier: str, seed: int) -> None:
    from simulator import GeneratorConfig, generate

    started = _step(f"generating the synthetic '{tier}' city (seed {seed}) into build/sources/")
    result = generate(GeneratorConfig(tier=tier, seed=seed, out_dir=BUILD), progress=True)
    print("    " + ", ".join(f"{table} {n:,}" for table, n in result.counts.items()))
    _done(started)


def run_pipeline(verbose: bool = False) -> None:
    import dagster as dg

    from orchestration.console import QUIET_RUN_CONFIG, RunSummary

    _dagster_home()
    started = _step("running the Dagster job 'full_pipeline' (ingest -> dbt -> checks -> outputs)")
    from orchestration.definitions import defs

    job = defs().resolve_job_def("full_pipeline")
    if verbose:
        result = job.execute_in_process(instance=dg.DagsterInstance.get(), raise_on_error=False)
    else:
        # dbt's per-node lines (written to stdout by dagster-dbt) go to a file; one line per step here.
        log_path = Path(os.environ["DBT_LOG_PATH"]) / "full_pipeline_console.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
            result = job.execute_in_process(
                instance=dg.DagsterInstance.get(), raise_on_error=False, run_config=QUIET_RUN_CONFIG
            )
        print(f"    dbt's output: {_shown(log_path)}; every event: `make ui` (run {result.run_id[:8]})")
    summary = RunSummary.from_events(result.all_events)
    print("\n".join(summary.lines()))
    if not result.success:
        raise SystemExit(
            f"full_pipeline failed in step(s): {', '.join(summary.failed_steps) or 'unknown'}; "
            f"see `make ui` (run {result.run_id})"
        )
    _done(started)


def build_dbt_docs(out_root: Path = BUILD) -> None:
    started = _step(f"building the dbt docs site into {_shown(out_root / 'docs' / 'dbt')}/")
    target_dir = out_root / "dbt" / "docs_target"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "docs",
            "generate",
            "--static",
            "--quiet",
            "--target-path",
            str(target_dir),
            "--project-dir",
            str(PROJECT_ROOT),
            "--profiles-dir",
            str(PROJECT_ROOT),
        ],
        check=True,
        cwd=PROJECT_ROOT,
    )
    out = out_root / "docs" / "dbt"
    out.mkdir(parents=True, exist_ok=True)
    # The static page embeds the manifest and catalog: no server and no external request needed.
    shutil.copyfile(target_dir / "static_index.html", out / "index.html")
    for name in ("manifest.json", "catalog.json"):
        shutil.copyfile(target_dir / name, out / name)
    _done(started)


def build_quality_docs(out_root: Path = BUILD) -> None:
    from orchestration.quality.docs import build_quality_docs as build

    out = out_root / "docs" / "quality"
    started = _step(f"building the data quality Data Docs into {_shown(out)}/")
    build(out_dir=out)
    _done(started)


def scan_for_canaries() -> None:
    """The synthetic city plants PII canaries in raw; none may appear outside raw or in an output."""
    from orchestration.privacy.canary_scan import load_canaries, scan_files, scan_warehouse
    from orchestration.warehouse.destination import Destination

    started = _step("scanning the warehouse and every published file for planted PII canaries")
    canaries = load_canaries(BUILD / "truth" / "canaries.json")
    leaks, tables = scan_warehouse(Destination.from_env(), canaries)
    file_leaks, files = scan_files([BUILD / "site", BUILD / "cards", BUILD / "docs"], canaries)
    for leak in leaks + file_leaks:
        print(f"    LEAK: {leak.canary!r} in {leak.where}", file=sys.stderr)
    print(f"    {len(canaries)} canaries, {tables} tables, {files} files: {len(leaks) + len(file_leaks)} leaks")
    if leaks or file_leaks:
        raise SystemExit("PII canaries found outside the raw layer (see above)")
    _done(started)


def demo(tier: str, seed: int, verbose: bool = False) -> int:
    started = time.perf_counter()
    generate_city(tier, seed)
    run_pipeline(verbose)
    build_dbt_docs()
    build_quality_docs()
    scan_for_canaries()
    _report_outputs(
        f"make demo finished in {time.perf_counter() - started:.0f} s",
        BUILD,
        [("source systems", BUILD / "sources"), ("true metric values", BUILD / "truth" / "metric_values.csv")],
    )
    print("\n`make ui` opens the Dagster UI on http://127.0.0.1:3000 with this run.")
    return 0


def city_demo(profile, verbose: bool = False) -> int:
    """The whole pipeline for one city profile: its declared sources, no synthetic data."""
    started = time.perf_counter()
    out = profile.build_dir
    declared = ", ".join(
        f"{name} ({d.mapping.name if d.mapping else 'database'})" for name, d in profile.sources.items()
    )
    print(f"==> city profile cities/{profile.name}/ ({profile.display_name}, {profile.timezone}); sources: {declared}")
    missing = profile.missing_data()
    if missing:
        print(f"    not in this city's data (metrics needing them are 'not available'): {', '.join(missing)}")
    run_pipeline(verbose)
    build_dbt_docs(out)
    build_quality_docs(out)
    _report_outputs(f"make demo CITY={profile.name} finished in {time.perf_counter() - started:.0f} s", out)
    return 0


def _report_outputs(heading: str, out: Path, inputs: list[tuple[str, Path]] = ()) -> None:
    """What a run wrote under `out`, each marked ok or MISSING."""
    print(f"\n{heading}. Outputs:")
    for label, path in [
        *inputs,
        ("warehouse", out / "warehouse.duckdb"),
        ("dbt docs", out / "docs" / "dbt" / "index.html"),
        ("data quality docs", out / "docs" / "quality" / "index.html"),
        ("public dashboard", out / "site" / "index.html"),
        ("data cards", out / "cards" / "index.html"),
    ]:
        mark = "ok " if path.exists() else "MISSING"
        print(f"  [{mark}] {label:20s} {_shown(path)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.cli", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo_p = sub.add_parser("demo", help="synthetic city -> full pipeline on DuckDB -> docs and reports")
    demo_p.add_argument(
        "--tier",
        default=settings().demo_tier,
        help="generator tier (tiny, demo, city); default demo",
    )
    demo_p.add_argument("--seed", type=int, default=7)
    demo_p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="Dagster's and dbt's own output instead of one line per step (make demo VERBOSE=1)",
    )
    demo_p.add_argument(
        "--city",
        default=settings().city,
        help="city profile under cities/ (default demo, the synthetic city)",
    )
    args = parser.parse_args(argv)
    from orchestration.cities import ProfileError, load_profile

    try:
        profile = load_profile(args.city)
    except ProfileError as exc:
        raise SystemExit(str(exc)) from None
    cad_mapping = settings().cad_mapping
    if profile.is_default and cad_mapping:
        # The demo city's case management is synthetic: mixing it with another city's CAD would
        # publish figures that belong to neither.
        raise SystemExit(
            f"ARP_CAD_MAPPING={cad_mapping} with the synthetic demo city would mix "
            "two cities' data; put the mapping in a city profile and run `make demo CITY=<name>` "
            "(docs/onboarding.md)"
        )
    profile.apply()
    os.environ.setdefault("ARP_TARGET", "duckdb")
    # The synthetic city holds no real person: the published demo hash key is allowed.
    os.environ.setdefault("ARP_MODE", "demo")
    os.environ.setdefault("DBT_TARGET_PATH", str(BUILD / "dbt" / "target"))
    os.environ.setdefault("DBT_LOG_PATH", str(BUILD / "dbt" / "logs"))
    if not profile.is_default:
        return city_demo(profile, args.verbose)
    return demo(args.tier, args.seed, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
