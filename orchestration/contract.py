"""The canonical source contract: one YAML file per source system under `contracts/`.

Everything that touches raw tables reads the contract through this module, so the generator,
the loader and the dbt sources cannot drift apart:

* `load_contracts()` returns every system with its tables and columns;
* `sqlalchemy_table()` builds the table definition the generator writes and the loader checks;
* `python -m orchestration.contract sources` (re)writes the dbt sources YAML files, and
  `python -m orchestration.contract check` fails when a committed sources file is stale.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from orchestration.paths import PROJECT_ROOT

if TYPE_CHECKING:
    import sqlalchemy as sa

# SQLAlchemy is imported by the two functions that build tables: reading a contract (the Dagster
# definitions do, for the raw asset keys) does not need it.

CONTRACTS_DIR = PROJECT_ROOT / "contracts"
LOGICAL_TYPES = ("string", "integer", "float", "boolean", "timestamp", "date")

# Where the generated dbt sources file of each system lives.
SOURCES_FILES = {
    "cad_replica": PROJECT_ROOT / "models/staging/cad/_cad__sources.yml",
    "case_management": PROJECT_ROOT / "models/staging/cms/_cms__sources.yml",
}


class ContractError(ValueError):
    """A contract file is malformed, or data does not match the contract."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    description: str
    pii: bool = False


@dataclass(frozen=True)
class Table:
    system: str
    name: str
    description: str
    primary_key: tuple[str, ...]
    cursor: str
    columns: tuple[Column, ...]
    # An optional table may be absent from a source system: it is then loaded as an empty raw table
    # and the models that read it fall back (documented on the table).
    optional: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.system}.{self.name} has no column {name!r}")


@dataclass(frozen=True)
class System:
    name: str
    raw_schema: str
    description: str
    tables: tuple[Table, ...] = field(default_factory=tuple)

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"source system {self.name} has no table {name!r}")


def _parse_system(path: Path) -> System:
    doc = yaml.safe_load(path.read_text())
    try:
        system_name = doc["system"]
        tables = []
        for t in doc["tables"]:
            columns = []
            for c in t["columns"]:
                if c["type"] not in LOGICAL_TYPES:
                    raise ContractError(
                        f"{path.name}: {t['name']}.{c['name']} has unknown type {c['type']!r}; "
                        f"use one of {', '.join(LOGICAL_TYPES)}"
                    )
                columns.append(
                    Column(c["name"], c["type"], bool(c["nullable"]), c["description"], bool(c.get("pii", False)))
                )
            names = {c.name for c in columns}
            for key in [*t["primary_key"], t["cursor"]]:
                if key not in names:
                    raise ContractError(f"{path.name}: {t['name']} names unknown key column {key!r}")
            tables.append(
                Table(
                    system_name,
                    t["name"],
                    t["description"],
                    tuple(t["primary_key"]),
                    t["cursor"],
                    tuple(columns),
                    bool(t.get("optional", False)),
                )
            )
        return System(system_name, doc["raw_schema"], doc["description"].strip(), tuple(tables))
    except KeyError as exc:
        raise ContractError(f"{path}: missing required key {exc}") from exc


@lru_cache(maxsize=1)
def load_contracts() -> dict[str, System]:
    """Every source system, keyed by name (`cad_replica`, `case_management`)."""
    systems = [_parse_system(p) for p in sorted(CONTRACTS_DIR.glob("*.yml"))]
    return {s.name: s for s in systems}


def get_system(name: str) -> System:
    systems = load_contracts()
    if name not in systems:
        raise ContractError(f"no source contract named {name!r}; have {sorted(systems)}")
    return systems[name]


def sqlalchemy_type(logical: str) -> sa.types.TypeEngine:
    import sqlalchemy as sa

    return {
        "string": sa.Text,
        "integer": sa.BigInteger,
        "float": sa.Float,
        "boolean": sa.Boolean,
        "timestamp": sa.DateTime,
        "date": sa.Date,
    }[logical]()


def sqlalchemy_table(table: Table, metadata: sa.MetaData, schema: str | None = None) -> sa.Table:
    """SQLAlchemy definition of a contract table (primary key and NOT NULL included)."""
    import sqlalchemy as sa

    cols = [
        sa.Column(
            c.name,
            sqlalchemy_type(c.type),
            primary_key=c.name in table.primary_key,
            nullable=c.nullable and c.name not in table.primary_key,
            autoincrement=False,
        )
        for c in table.columns
    ]
    return sa.Table(table.name, metadata, *cols, schema=schema)


# ---- dbt sources -------------------------------------------------------------------------

_DBT_DATA_TYPES = {  # documentation only; the warehouse types are set by the loader
    "string": "text",
    "integer": "bigint",
    "float": "double",
    "boolean": "boolean",
    "timestamp": "timestamp",
    "date": "date",
}


def dbt_sources_yaml(system: System) -> str:
    tables = []
    for t in system.tables:
        columns = []
        for c in t.columns:
            col: dict = {"name": c.name, "description": c.description, "data_type": _DBT_DATA_TYPES[c.type]}
            tests = []
            if not c.nullable:
                tests.append("not_null")
            if list(t.primary_key) == [c.name]:
                tests.append("unique")
            if tests:
                col["data_tests"] = tests
            if c.pii:
                col["meta"] = {"pii": True}
            columns.append(col)
        tables.append(
            {
                "name": t.name,
                "description": t.description,
                "meta": {
                    "primary_key": list(t.primary_key),
                    "cursor": t.cursor,
                    "dagster": {"asset_key": [system.raw_schema, t.name]},
                },
                "columns": columns,
            }
        )
    doc = {
        "version": 2,
        "sources": [
            {
                "name": system.raw_schema,
                "description": system.description,
                "schema": system.raw_schema,
                "loaded_at_field": "updated_at",
                "tables": tables,
            }
        ],
    }
    header = (
        f"# GENERATED from contracts/{system.name}.yml by `python -m orchestration.contract sources`.\n"
        "# Do not edit by hand: change the contract and regenerate (a test checks they agree).\n"
    )
    return header + yaml.safe_dump(doc, sort_keys=False, width=110)


def write_sources() -> list[Path]:
    written = []
    for name, path in SOURCES_FILES.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dbt_sources_yaml(get_system(name)))
        written.append(path)
    return written


def stale_sources() -> list[Path]:
    return [
        path
        for name, path in SOURCES_FILES.items()
        if not path.exists() or path.read_text() != dbt_sources_yaml(get_system(name))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["sources", "check"])
    args = parser.parse_args(argv)
    if args.command == "sources":
        for path in write_sources():
            print(f"wrote {path.relative_to(PROJECT_ROOT)}")
        return 0
    stale = stale_sources()
    for path in stale:
        print(
            f"stale: {path.relative_to(PROJECT_ROOT)} (run `python -m orchestration.contract sources`)", file=sys.stderr
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
