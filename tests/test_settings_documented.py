"""Every environment setting the code reads is documented in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
READERS = [
    *PROJECT_ROOT.joinpath("orchestration").rglob("*.py"),
    *PROJECT_ROOT.joinpath("macros").rglob("*.sql"),
    *PROJECT_ROOT.joinpath("models").rglob("*.sql"),
    PROJECT_ROOT / "profiles.yml",
    PROJECT_ROOT / "dbt_project.yml",
    PROJECT_ROOT / "Makefile",
]
# A family written as a prefix in prose (ARP_PG_*, ARP_QUALITY_<KEY>) is documented by its members.
NAME = re.compile(r"\bARP_[A-Z0-9_]*[A-Z0-9]\b")


def test_every_setting_the_code_reads_is_in_env_example():
    documented = set(NAME.findall((PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")))
    read = {name for path in READERS for name in NAME.findall(path.read_text(encoding="utf-8"))}
    missing = sorted(read - documented)
    assert not missing, f".env.example does not document: {missing}"
