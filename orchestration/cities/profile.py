"""A city profile: the folder `cities/<name>/` that holds everything city-specific.

    cities/<name>/city.yml     name, display name, time zone, the sources the city has
    cities/<name>/*.yml        the source mappings `city.yml` names (vendor exports -> contract)
    cities/<name>/seeds/*.csv  reference tables that replace the same-named file in seeds/
                               (call types and their eligibility, beats, programs' service beats
                               and operating hours, ...); a file the profile lacks is the shared one

The profile is applied as environment variables (`CityProfile.environment()`), because every
reader already takes its settings from the environment: dbt (dbt_project.yml vars and seed-paths,
profiles.yml), the ingest resource, the schedule, the quality checks and the publisher. So
`make demo CITY=<name>` and a production deployment with `ARP_CITY=<name>` behave the same.

A source system the profile does not declare is absent: ingestion creates its raw tables empty
(so every model runs) and the metrics that need it are reported "not available" with the reason
(marts.dim_metric_availability), never as zeros.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from orchestration.contract import get_system
from orchestration.paths import PROJECT_ROOT
from orchestration.settings import settings

CITIES_DIR = PROJECT_ROOT / "cities"
DEFAULT_CITY = "demo"
SHARED_SEEDS = PROJECT_ROOT / "seeds"
# The contract systems and the short names requirements use (seed metric_requirements).
SYSTEM_PREFIX = {"cad_replica": "cad", "case_management": "cms"}


class ProfileError(ValueError):
    """A city profile that cannot be used; the message names the file and the setting."""


@dataclass(frozen=True)
class SourceDecl:
    """One source system a city has: a vendor-export mapping, or a database (URL from the environment)."""

    system: str
    mapping: Path | None  # vendor export mapping; None = a database/replica (ARP_CAD_URL ...)
    synthetic: bool = False  # the generated demo city's SQLite files
    tables: tuple[str, ...] = ()  # contract tables the source fills (all when not stated)
    missing_columns: tuple[str, ...] = ()  # "<table>.<column>": columns the source never fills


@dataclass(frozen=True)
class CityProfile:
    name: str
    display_name: str
    timezone: str
    folder: Path
    sources: dict[str, SourceDecl] = field(default_factory=dict)

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_CITY

    @property
    def build_dir(self) -> Path:
        """Where this city's warehouse and outputs go: build/ for the demo city, build/<name>/ otherwise
        (or ARP_CITY_BUILD_DIR, e.g. a test's scratch folder)."""
        if self.is_default:
            return PROJECT_ROOT / "build"
        return Path(settings().city_build_dir or PROJECT_ROOT / "build" / self.name)

    @property
    def seed_overrides(self) -> list[Path]:
        folder = self.folder / "seeds"
        return sorted(folder.glob("*.csv")) if folder.is_dir() else []

    @property
    def beat_map(self) -> Path | None:
        """The beats' boundaries (`beats.geojson`) for the public map of beats, when the profile has them."""
        path = self.folder / "beats.geojson"
        return path if path.is_file() else None

    def has_system(self, system: str) -> bool:
        return system in self.sources

    def missing_data(self) -> list[str]:
        """Every source table or column this city lacks, as `cad.unit_assignments` / `cad.incidents.disposition`."""
        missing = []
        for system_name, prefix in SYSTEM_PREFIX.items():
            system = get_system(system_name)
            decl = self.sources.get(system_name)
            for table in system.tables:
                if decl is None or table.name not in decl.tables:
                    missing.append(f"{prefix}.{table.name}")
            if decl is not None:
                missing += [f"{prefix}.{c}" for c in decl.missing_columns]
        return missing

    def seed_path(self) -> Path:
        """The dbt seed folder: seeds/ itself, or build/<city>/seeds = seeds/ with the profile's files over it."""
        if not self.seed_overrides:
            return SHARED_SEEDS
        # Always inside the project (build/<name>/seeds, git-ignored): dbt names compiled tests by seed path.
        target = PROJECT_ROOT / "build" / self.name / "seeds"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(SHARED_SEEDS, target)
        for csv in self.seed_overrides:
            if not (SHARED_SEEDS / csv.name).exists():
                raise ProfileError(
                    f"{csv}: seeds/ has no {csv.name}; a profile's seeds replace shared "
                    f"reference tables of the same name (see seeds/_seeds.yml)"
                )
            shutil.copyfile(csv, target / csv.name)
        return target

    def environment(self) -> dict[str, str]:
        """The settings every layer reads (dbt vars and paths, ingestion, the publisher)."""
        env = {
            "ARP_CITY": self.name,
            "ARP_CITY_TIMEZONE": self.timezone,
            "ARP_CITY_MISSING_DATA": ",".join(self.missing_data()),
            # Relative to the project: dbt writes compiled tests under target/ by the seed file's path.
            "ARP_CITY_SEED_PATH": str(self.seed_path().relative_to(PROJECT_ROOT)),
            # A new city that has not listed its beats yet: unknown beats warn instead of failing.
            "ARP_CITY_BEATS_LISTED": "true"
            if self.is_default or any(p.name == "beats.csv" for p in self.seed_overrides)
            else "false",
        }
        if not self.is_default:
            env.update(
                {
                    "ARP_DUCKDB_PATH": str(self.build_dir / "warehouse.duckdb"),
                    "ARP_OUTPUT_DIR": str(self.build_dir),
                    "ARP_DAGSTER_DBT_TARGET": str(self.build_dir / "dbt" / "dagster_target"),
                    "DBT_TARGET_PATH": str(self.build_dir / "dbt" / "target"),
                    "DBT_LOG_PATH": str(self.build_dir / "dbt" / "logs"),
                }
            )
        cad = self.sources.get("cad_replica")
        if cad is not None and cad.mapping is not None:
            env["ARP_CAD_MAPPING"] = str(cad.mapping)
        return env

    def apply(self) -> dict[str, str]:
        """Put `environment()` into os.environ (before dbt or the Dagster definitions are loaded)."""
        env = self.environment()
        os.environ.update(env)
        return env


def _shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def city_file(name: str) -> Path:
    return CITIES_DIR / name / "city.yml"


def available_cities() -> list[str]:
    return sorted(p.parent.name for p in CITIES_DIR.glob("*/city.yml"))


@cache
def load_profile(name: str | None = None) -> CityProfile:
    """The profile `cities/<name>/city.yml` (default: ARP_CITY, else the demo city)."""
    name = name or settings().city or DEFAULT_CITY
    path = city_file(name)
    if not path.exists():
        raise ProfileError(
            f"no city profile {_shown(path)} (have: {', '.join(available_cities())}); "
            f"create cities/{name}/city.yml as docs/onboarding.md describes"
        )
    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML ({exc})") from None
    where = _shown(path)
    unknown = set(doc) - {"name", "display_name", "timezone", "sources"}
    if unknown:
        raise ProfileError(f"{where}: unknown settings {sorted(unknown)} (have name, display_name, timezone, sources)")
    if doc.get("name") != name:
        raise ProfileError(f"{where}: name is {doc.get('name')!r}, the folder is {name!r}; they must agree")
    timezone = doc.get("timezone")
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ProfileError(f"{where}: timezone {timezone!r} is not an IANA time zone (e.g. America/Chicago)") from None
    sources = {}
    for system_name, sdoc in (doc.get("sources") or {}).items():
        sources[system_name] = _parse_source(path.parent, system_name, sdoc or {}, f"{where}: sources.{system_name}")
    if "cad_replica" not in sources:
        raise ProfileError(
            f"{where}: sources.cad_replica is required (CAD incidents are the one source every city has)"
        )
    return CityProfile(
        name=name,
        display_name=str(doc.get("display_name") or name),
        timezone=str(timezone),
        folder=path.parent,
        sources=sources,
    )


def _parse_source(folder: Path, system_name: str, sdoc: dict, where: str) -> SourceDecl:
    if system_name not in SYSTEM_PREFIX:
        raise ProfileError(f"{where}: unknown source system (have {', '.join(SYSTEM_PREFIX)})")
    unknown = set(sdoc) - {"mapping", "synthetic", "tables", "missing_columns"}
    if unknown:
        raise ProfileError(
            f"{where}: unknown settings {sorted(unknown)} (have mapping, synthetic, tables, missing_columns)"
        )
    system = get_system(system_name)
    names = [t.name for t in system.tables]
    tables = tuple(sdoc.get("tables") or names)
    if bad := [t for t in tables if t not in names]:
        raise ProfileError(f"{where}.tables: {bad} are not {system_name} contract tables (have {', '.join(names)})")
    if system_name == "cad_replica" and "incidents" not in tables:
        raise ProfileError(f"{where}.tables: must include incidents")
    missing_columns = tuple(sdoc.get("missing_columns") or ())
    for item in missing_columns:
        table, _, column = item.partition(".")
        if table not in tables or column not in {c.name for c in system.table(table).columns}:
            raise ProfileError(f"{where}.missing_columns: {item!r} is not <table>.<column> of a table listed in tables")
    mapping = None
    if sdoc.get("mapping"):
        mapping = (folder / sdoc["mapping"]).resolve()
        if not mapping.exists():
            raise ProfileError(f"{where}.mapping: {mapping} does not exist")
    return SourceDecl(system_name, mapping, bool(sdoc.get("synthetic", False)), tables, missing_columns)


def city_timezone() -> str:
    """The city's IANA zone: ARP_CITY_TIMEZONE (set by CityProfile.apply), else the profile's city.yml."""
    return settings().city_timezone or load_profile().timezone
