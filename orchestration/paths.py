"""Where the project's files are: the checkout's root, the default build folder, and the folders a
city profile moves (read from the environment each time they are asked for, never at import, so a
profile set up after import still counts)."""

from __future__ import annotations

from pathlib import Path

from orchestration.settings import settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BUILD_DIR = PROJECT_ROOT / "build"


def output_dir() -> Path:
    """Where generated outputs go: build/, or build/<city>/ for a city profile (ARP_OUTPUT_DIR)."""
    return Path(settings().output_dir or BUILD_DIR)


def seeds_dir() -> Path:
    """The reference tables dbt seeds: seeds/, or the city profile's own (ARP_CITY_SEED_PATH)."""
    return PROJECT_ROOT / settings().city_seed_path
