"""The command line: generate and live, as a newcomer runs them."""

from __future__ import annotations

import subprocess
import sys

from orchestration.paths import PROJECT_ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_generate_then_live(tmp_path):
    out = run("generate", "--tier", "tiny", "--seed", "5", "--defect-rate", "0", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "incidents" in out.stdout and (tmp_path / "sources/cad_replica.sqlite").exists()
    assert (tmp_path / "truth/metric_values.csv").exists()
    assert "simulate tiny" in out.stderr, "a progress bar is shown"
    live = run("live", "--out", str(tmp_path), "--every", "0", "--new", "3", "--updates", "1", "--iterations", "2")
    assert live.returncode == 0, live.stderr
    assert "live: 2 steps" in live.stdout


def test_bad_arguments_name_the_setting(tmp_path):
    out = run("generate", "--tier", "tiny", "--timezone", "Mars/Olympus", "--out", str(tmp_path))
    assert out.returncode != 0 and "timezone" in out.stderr
    out = run("generate", "--tier", "huge")
    assert out.returncode != 0 and "huge" in out.stderr
