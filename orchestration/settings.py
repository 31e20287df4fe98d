"""Every ARP_* setting, typed and validated in one place.

`settings()` reads the environment each time it is called, never at import: a test, a city profile
or `make demo` may set variables after the package is imported, and the next call sees them. Each
variable is parsed here only; the rest of the code asks the returned object. A value that does not
parse raises `SettingsError` naming the variable (`ARP_PG_PORT='x': ...`).

An empty variable counts as unset (its default applies), as `.env.example` writes them.
The quality thresholds are an open family (`ARP_QUALITY_<KEY>` for any key of
expectations/settings.yml): `quality_overrides()` hands them over raw, because only the quality
layer knows each key's kind.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationError, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars

ENV_PREFIX = "ARP_"
QUALITY_PREFIX = "ARP_QUALITY_"
# Values never echoed back in an error message.
SECRET_FIELDS = frozenset(
    {
        "pg_password",
        "hash_key",
        "analyst_password",
        "public_reader_password",
        "superset_admin_password",
        "superset_secret_key",
    }
)

# The environment one `settings(env)` call reads; None means os.environ (the usual case).
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("arp_settings_environ", default=None)


class SettingsError(ValueError):
    """An ARP_* variable holds a value its setting cannot take; the message names the variable."""


class _MappingEnvSource(EnvSettingsSource):
    """The ARP_* variables of a given mapping instead of os.environ (tests, child environments)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


def _lowered(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


class ArpSettings(BaseSettings):
    """The platform's settings; field `pg_port` is read from ARP_PG_PORT, and so on."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, extra="ignore", frozen=True)

    # --- warehouse (profiles.yml reads the same variables) ---
    target: Literal["duckdb", "postgres"] = Field("duckdb", description="The warehouse dbt and every step use.")
    duckdb_path: str = Field("build/warehouse.duckdb", description="DuckDB file, relative to the project root.")
    duckdb_memory_limit: str = Field(
        "3GB",
        pattern=r"^[0-9]+(\.[0-9]+)?\s*([KMGT]i?B)$",
        description="DuckDB's memory cap for dbt's queries (it spills to disk above it), e.g. 3GB or 6GiB.",
    )
    pg_host: str = Field("127.0.0.1", description="PostgreSQL host.")
    pg_port: int = Field(5432, ge=1, le=65535, description="PostgreSQL port.")
    pg_user: str = Field("postgres", description="PostgreSQL login of the pipeline.")
    pg_password: str = Field("", repr=False, description="Password of that login.")
    pg_database: str = Field("alt_response", description="PostgreSQL database of the warehouse.")

    # --- privacy ---
    mode: Literal["demo", "production"] = Field(
        "production", description="demo allows the published hash key; production requires a secret one."
    )
    hash_key: str | None = Field(None, repr=False, description="Secret key of the identifier hashes.")
    hash_key_file: str | None = Field(None, description="A file holding the hash key, instead of ARP_HASH_KEY.")
    analyst_password: str | None = Field(None, repr=False, description="PostgreSQL login of the analyst role.")
    public_reader_password: str | None = Field(None, repr=False, description="Login of the public_reader role.")
    public_reader_user: str = Field("public_reader", description="The login the public site and cards read with.")

    # --- internal dashboards (Apache Superset, make bi) ---
    superset_admin_password: str | None = Field(
        None, repr=False, description="Password of Superset's admin login (demo mode has a published one)."
    )
    superset_secret_key: str | None = Field(
        None, repr=False, description="Key Superset signs sessions and encrypts saved passwords with."
    )
    superset_port: int = Field(8088, ge=1, le=65535, description="Port Superset listens on, on 127.0.0.1.")

    # --- sources ---
    city: str = Field("demo", description="City profile under cities/.")
    cad_url: str | None = Field(None, description="SQLAlchemy URL of the CAD replica.")
    cms_url: str | None = Field(None, description="SQLAlchemy URL of case management.")
    cad_mapping: str | None = Field(None, description="Vendor export mapping for CAD, instead of a database.")
    cad_export: str | None = Field(None, description="The export file for that mapping.")
    cms_mapping: str | None = Field(None, description="Vendor export mapping for case management.")
    max_key_chars: int = Field(
        256, ge=16, le=2000, description="Longer primary keys are not loaded (PostgreSQL indexes keys up to ~2.7 kB)."
    )

    # --- automation ---
    cad_sensor: bool = Field(False, description="The CAD sensor starts running when the daemon starts.")
    cad_sensor_interval_seconds: int = Field(
        30,
        ge=1,
        description="Seconds between CAD sensor ticks. Dagster's daemon looks at its sensors every 5 s, "
        "so a tick comes at the first look this long after the last one: 5 itself often waits for a "
        "second look (10 s); below 5 means every look.",
    )
    daily_cron: str = Field("0 5 * * *", description="Cron of the daily full pipeline.")
    publication_cron: str = Field("0 * * * *", description="Cron of the hourly publication.")

    # --- retention ---
    keep_dbt_targets: int = Field(5, ge=1, description="Newest dbt target folders kept.")
    run_history_days: float = Field(30.0, gt=0, description="Finished Dagster runs older than this are deleted.")

    # --- outputs ---
    content_dir: str | None = Field(None, description="Reviewed page text and card stories (default content/).")
    chromium: str | None = Field(None, description="A Chromium for the browser tests (read by tests/publish).")
    demo_tier: Literal["tiny", "demo", "city"] = Field("demo", description="Generator tier of make demo.")
    truth_dir: str | None = Field(None, description="The synthetic city's truth, for the linkage report.")

    # --- set by the city profile (orchestration/cities), not by hand ---
    output_dir: str | None = Field(None, description="Where generated outputs go (default build/).")
    city_build_dir: str | None = Field(None, description="A city's build folder (default build/<city>/).")
    city_timezone: str | None = Field(None, description="The city's IANA zone (default: its city.yml).")
    city_seed_path: str = Field("seeds", description="The city's seed folder, relative to the project root.")
    city_missing_data: str = Field("", description="Comma-separated <system>.<table>[.<column>] the city lacks.")
    city_beats_listed: bool = Field(False, description="The city lists its beats (read by dbt).")
    dagster_dbt_target: str = Field("build/dbt/dagster_target", description="Dagster's own dbt parse folder.")

    _quality_overrides: dict[str, str] = PrivateAttr(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # No .env file and no secrets folder: the environment alone configures the platform.
        environ = _ENVIRON.get()
        return (init_settings, env_settings if environ is None else _MappingEnvSource(settings_cls, environ))

    @field_validator("target", "mode", "demo_tier", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        return _lowered(value)

    @field_validator("cad_sensor", mode="before")
    @classmethod
    def _sensor_words(cls, value: Any) -> Any:
        # Dagster's own words for a sensor's default status are accepted too.
        return {"running": "true", "stopped": "false"}.get(_lowered(value), value)

    @field_validator("daily_cron", "publication_cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from dagster._utils.schedules import is_valid_cron_string

        if not is_valid_cron_string(value):
            raise ValueError("expected a cron string of five fields, like '0 5 * * *'")
        return value

    @field_validator("run_history_days")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("expected a finite number of days")
        return value

    @property
    def demo(self) -> bool:
        return self.mode == "demo"

    def missing_data(self) -> list[str]:
        """The items of ARP_CITY_MISSING_DATA."""
        return [item.strip() for item in self.city_missing_data.split(",") if item.strip()]

    def quality_overrides(self) -> dict[str, str]:
        """Setting key (lower case) -> raw text of every ARP_QUALITY_<KEY> set, empty ones included
        (an empty threshold turns an optional check off)."""
        return dict(self._quality_overrides)


def variable(field: str) -> str:
    """The environment variable of a settings field."""
    return ENV_PREFIX + field.upper()


def _message(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "?"
        shown = "" if field in SECRET_FIELDS else f"={item.get('input')!r}"
        lines.append(f"{variable(field)}{shown}: {item['msg']}")
    return "; ".join(lines)


def settings(env: Mapping[str, str] | None = None) -> ArpSettings:
    """The settings from `env` (default: os.environ, read now); SettingsError names a bad variable."""
    environ = os.environ if env is None else env
    token = _ENVIRON.set(None if env is None else env)
    try:
        loaded = ArpSettings()
    except ValidationError as error:
        raise SettingsError(_message(error)) from None
    finally:
        _ENVIRON.reset(token)
    loaded._quality_overrides = {
        name[len(QUALITY_PREFIX) :].lower(): value for name, value in environ.items() if name.startswith(QUALITY_PREFIX)
    }
    return loaded
