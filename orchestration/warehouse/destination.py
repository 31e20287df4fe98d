"""Which warehouse a step uses: the DuckDB file or the PostgreSQL database that dbt also uses.

The choice follows profiles.yml exactly (ARP_TARGET=duckdb|postgres, ARP_DUCKDB_PATH,
ARP_PG_HOST/PORT/USER/PASSWORD/DATABASE), so the loader and dbt can never write to and read
from different warehouses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from orchestration.paths import PROJECT_ROOT
from orchestration.settings import settings

DEFAULT_DUCKDB_PATH = "build/warehouse.duckdb"
DEFAULT_PG_DATABASE = "alt_response"


@dataclass(frozen=True)
class Destination:
    """A warehouse: `kind` is "duckdb" (uses `duckdb_path`) or "postgres" (uses the pg_* fields)."""

    kind: str = "duckdb"
    duckdb_path: Path = PROJECT_ROOT / DEFAULT_DUCKDB_PATH
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_user: str = "postgres"
    pg_password: str = ""  # never shown: __repr__ and describe() leave it out
    pg_database: str = DEFAULT_PG_DATABASE

    def __post_init__(self) -> None:
        if self.kind not in ("duckdb", "postgres"):
            raise ValueError(f"unknown warehouse kind {self.kind!r} (ARP_TARGET must be duckdb or postgres)")

    def __repr__(self) -> str:
        return f"Destination({self.describe()})"

    @classmethod
    def duckdb(cls, path: str | os.PathLike) -> Destination:
        return cls(kind="duckdb", duckdb_path=_resolve(path))

    @classmethod
    def postgres(cls, database: str | None = None, **overrides) -> Destination:
        """PostgreSQL with the ARP_PG_* settings from the environment, optionally overridden."""
        base = cls.from_env(target="postgres")
        if database:
            overrides["pg_database"] = database
        return replace(base, **overrides)

    @classmethod
    def from_env(cls, target: str | None = None) -> Destination:
        current = settings()
        return cls(
            kind=(target or current.target).strip().lower(),
            duckdb_path=_resolve(current.duckdb_path),
            pg_host=current.pg_host,
            pg_port=current.pg_port,
            pg_user=current.pg_user,
            pg_password=current.pg_password,
            pg_database=current.pg_database,
        )

    @classmethod
    def coerce(cls, value: Destination | str | os.PathLike | None) -> Destination:
        """None -> from the environment; a path -> that DuckDB file; "duckdb"/"postgres" -> that target."""
        if value is None:
            return cls.from_env()
        if isinstance(value, Destination):
            return value
        text = os.fspath(value)
        if text in ("duckdb", "postgres"):
            return cls.from_env(target=text)
        return cls.duckdb(text)

    def describe(self) -> str:
        """A human label without secrets, for logs, errors and asset metadata."""
        if self.kind == "duckdb":
            return f"duckdb:{self.duckdb_path}"
        return f"postgres://{self.pg_user}@{self.pg_host}:{self.pg_port}/{self.pg_database}"

    def pg_connect_kwargs(self, database: str | None = None) -> dict:
        """psycopg2's keyword arguments (orchestration/warehouse/connections.py opens them)."""
        from orchestration.warehouse.connections import pg_connect_kwargs

        return pg_connect_kwargs(self, database=database)


def _resolve(path: str | os.PathLike) -> Path:
    # profiles.yml paths are relative to the project directory (dbt runs there), so ours are too.
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p
