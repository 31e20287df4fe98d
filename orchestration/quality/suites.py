"""The quality suites as data: `expectations/*.yml` -> Great Expectations suites for one engine.

A suite file lists the warehouse assets it protects. For each asset it names the Dagster asset key,
the batches to validate (the asset's table, plus optional derived SQL queries that still run in the
warehouse), and its checks. A check is one Dagster asset check with a declared severity (`error`:
blocking, `warn`: shown but not blocking) grouping one or more expectations:

    assets:
      - asset: [raw_cad, unit_assignments]
        contract: cad_replica.unit_assignments     # table + generated schema/type/null checks
        checks:
          - name: gx_timestamp_order
            severity: warn
            description: ...
            expectations:
              - expect_column_pair_values_a_to_be_greater_than_b:
                  {column_A: on_scene_at, column_B: dispatched_at, or_equal: true}

Values are resolved when a suite is built for an engine:
* `{seed: <file>.<column>}` -> the distinct values of that column of `seeds/<file>.csv`;
* `{logical_type: <contract type>}` -> the engine's type names for it (schema checks);
* strings with `{{ ... }}` are Jinja with `settings` (expectations/settings.yml), `vars` (the
  asset's own `vars:`, so one YAML anchor can serve several tables), `engine`
  (duckdb | postgres), `now_utc`, `timedelta`, `seed(file, column)` (as `{seed: ...}`),
  `seed_rows(file)` (the rows of a seed as mappings), `sql_list(values)` (quoted, comma-separated)
  and `regex_match(expr, pattern)` (a whole-value regular-expression test in the engine's SQL); `{batch}` in a query is left for Great Expectations.
The schema, type and required-column expectations come from the source contract
(contracts/*.yml), never from a second hand-kept list.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nativetypes
import yaml

from orchestration import contract
from orchestration.paths import seeds_dir as city_seeds_dir
from orchestration.quality.settings import EXPECTATIONS_DIR, QualityConfigError, Settings

# The city profile's reference tables (ARP_CITY_SEED_PATH, orchestration/cities), as dbt reads them.
SEVERITIES = ("error", "warn")
TABLE_BATCH = "table"
SCHEMA_CHECK = "gx_schema"
REQUIRED_CHECK = "gx_null_rates"

# Column type names as each engine's Great Expectations comparison sees them. PostgreSQL compares
# the reflected type's SQL name; DuckDB (not a dialect GX knows) compares with isinstance against
# SQLAlchemy's generic types, so one generic name covers VARCHAR/TEXT, BIGINT/INTEGER, and so on.
ENGINE_TYPE_NAMES: dict[str, dict[str, list[str]]] = {
    "postgres": {
        "string": ["TEXT", "VARCHAR", "CHARACTER VARYING"],
        "integer": ["BIGINT", "INTEGER", "SMALLINT"],
        "float": ["DOUBLE PRECISION", "REAL", "FLOAT"],
        "boolean": ["BOOLEAN"],
        "timestamp": ["TIMESTAMP WITHOUT TIME ZONE", "TIMESTAMP"],
        "date": ["DATE"],
    },
    "duckdb": {
        "string": ["String"],
        "integer": ["Integer"],
        "float": ["Float"],
        "boolean": ["Boolean"],
        "timestamp": ["DateTime"],
        "date": ["Date"],
    },
}

_SQL_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
_VALUE_ENV = jinja2.nativetypes.NativeEnvironment(undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class ExpectationSpec:
    type: str
    kwargs: Mapping[str, Any]
    batch: str = TABLE_BATCH


@dataclass(frozen=True)
class CheckSpec:
    name: str
    severity: str
    description: str
    expectations: tuple[ExpectationSpec, ...]

    @property
    def blocking(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class BatchSpec:
    name: str
    table: str | None = None  # "schema.table"
    query: str | None = None  # SELECT ... run inside the warehouse (Jinja rendered)


@dataclass(frozen=True)
class AssetSuites:
    """Everything validated for one Dagster asset."""

    asset_key: tuple[str, ...]
    source: str
    description: str
    batches: Mapping[str, BatchSpec]
    checks: tuple[CheckSpec, ...]
    deps: tuple[tuple[str, ...], ...] = ()
    vars: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return ".".join(self.asset_key)

    def suite_name(self, batch: str) -> str:
        # No dots: GX's Data Docs turn dots into directories and then miscount the depth of
        # their relative links.
        base = "__".join(self.asset_key)
        return base if batch == TABLE_BATCH else f"{base}__{batch}"

    def check(self, name: str) -> CheckSpec:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(f"{self.source}: asset {self.label} has no check {name!r}")


@dataclass(frozen=True)
class ResolveContext:
    """What a suite needs to become concrete: the engine, the thresholds and the clock."""

    engine: str
    settings: Settings
    vars: Mapping[str, Any] = field(default_factory=dict)
    now_utc: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))
    # the city profile's reference tables, as they are when the suite is resolved
    seeds_dir: Path = field(default_factory=city_seeds_dir)

    def __post_init__(self) -> None:
        if self.engine not in ENGINE_TYPE_NAMES:
            raise QualityConfigError(f"no suites for engine {self.engine!r}; use one of {sorted(ENGINE_TYPE_NAMES)}")

    def for_asset(self, asset: AssetSuites) -> ResolveContext:
        """This context with the asset's own `vars:`."""
        return dataclasses.replace(self, vars=dict(asset.vars))

    def template_vars(self, gx_query: bool = False) -> dict[str, Any]:
        """Jinja variables. In a GX unexpected-rows query, `{x}` is a format field (only `{batch}`
        is meant), so literal braces that a helper writes (regex counts) are doubled there."""

        def regex_match(expr: str, pattern: str) -> str:
            if gx_query:
                pattern = pattern.replace("{", "{{").replace("}", "}}")
            pattern = pattern.replace("'", "''")
            if self.engine == "duckdb":
                return f"regexp_full_match({expr}, '{pattern}')"
            return f"({expr} ~ '^(?:{pattern})$')"

        return {
            "settings": self.settings,
            "engine": self.engine,
            "now_utc": self.now_utc,
            "timedelta": dt.timedelta,
            "regex_match": regex_match,
            "vars": self.vars,
            "seed": lambda name, column: list(seed_values(self.seeds_dir, name, column)),
            "seed_rows": lambda name: [dict(r) for r in seed_rows(self.seeds_dir, name)],
            "sql_list": lambda values: ", ".join("'" + str(v).replace("'", "''") + "'" for v in values),
        }


# ---- loading suite files ---------------------------------------------------------------------


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[AssetSuites]:
    """Every asset of every suite file (`*.yml` except settings.yml), in file order."""
    assets: list[AssetSuites] = []
    seen: dict[tuple[str, ...], str] = {}
    for path in sorted(directory.glob("*.yml")):
        if path.name == "settings.yml":
            continue
        for asset in _parse_file(path):
            if asset.asset_key in seen:
                raise QualityConfigError(f"{path}: asset {asset.label} is already defined in {seen[asset.asset_key]}")
            seen[asset.asset_key] = str(path)
            assets.append(asset)
    return assets


def _parse_file(path: Path) -> list[AssetSuites]:
    doc = yaml.safe_load(path.read_text()) or {}
    # Other top-level keys must start with "x-": they only hold YAML anchors shared by assets.
    unknown = [k for k in doc if k != "assets" and not str(k).startswith("x-")]
    if unknown:
        raise QualityConfigError(f"{path}: unknown top-level key(s) {unknown} (anchors go under x-...)")
    entries = doc.get("assets")
    if not isinstance(entries, list):
        raise QualityConfigError(f"{path}: expected a top-level `assets:` list")
    return [_parse_asset(path, i, entry) for i, entry in enumerate(entries)]


def _parse_asset(path: Path, index: int, entry: Mapping[str, Any]) -> AssetSuites:
    where = f"{path.name}: assets[{index}]"
    unknown = set(entry) - {"asset", "description", "contract", "table", "deps", "vars", "batches", "checks"}
    if unknown:
        raise QualityConfigError(f"{where}: unknown key(s) {sorted(unknown)}")
    try:
        asset_key = tuple(str(p) for p in entry["asset"])
    except (KeyError, TypeError):
        raise QualityConfigError(f"{where}: `asset` must be a list of key parts, e.g. [raw_cad, incidents]") from None
    where = f"{path.name}: asset {'.'.join(asset_key)}"

    checks: list[CheckSpec] = []
    table = entry.get("table")
    if entry.get("contract"):
        contract_table = _contract_table(where, entry["contract"])
        table = table or f"{contract.get_system(contract_table.system).raw_schema}.{contract_table.name}"
        checks.extend(contract_checks(contract_table))
    batches: dict[str, BatchSpec] = {}
    if table:
        if table.count(".") != 1:
            raise QualityConfigError(f"{where}: table {table!r} must be written schema.table")
        batches[TABLE_BATCH] = BatchSpec(TABLE_BATCH, table=table)
    for name, query in (entry.get("batches") or {}).items():
        if name == TABLE_BATCH or not isinstance(query, str) or not query.strip():
            raise QualityConfigError(
                f"{where}: batch {name!r} must be a non-empty SELECT query (and not named 'table')"
            )
        batches[name] = BatchSpec(name, query=query)

    by_name = {c.name: c for c in checks}
    for i, raw in enumerate(entry.get("checks") or []):
        check = _parse_check(f"{where} checks[{i}]", raw, batches)
        if check.name in by_name:  # a suite may add expectations to a generated contract check
            merged = by_name[check.name]
            check = CheckSpec(
                merged.name,
                check.severity,
                check.description or merged.description,
                merged.expectations + check.expectations,
            )
        by_name[check.name] = check
    if not by_name:
        raise QualityConfigError(f"{where}: defines no checks")
    deps = tuple(tuple(str(p) for p in d) for d in entry.get("deps") or [])
    variables = entry.get("vars") or {}
    if not isinstance(variables, Mapping):
        raise QualityConfigError(f"{where}: `vars` must be a mapping of name -> value")
    return AssetSuites(
        asset_key,
        str(path),
        str(entry.get("description", "")).strip(),
        batches,
        tuple(by_name.values()),
        deps,
        dict(variables),
    )


def _parse_check(where: str, raw: Mapping[str, Any], batches: Mapping[str, BatchSpec]) -> CheckSpec:
    try:
        name, severity = str(raw["name"]), str(raw["severity"])
    except (KeyError, TypeError):
        raise QualityConfigError(f"{where}: a check needs `name` and `severity`") from None
    if severity not in SEVERITIES:
        raise QualityConfigError(f"{where} ({name}): severity {severity!r} must be one of {SEVERITIES}")
    if not name.isidentifier():
        raise QualityConfigError(f"{where}: check name {name!r} must be an identifier (letters, digits, _)")
    expectations = []
    for j, item in enumerate(raw.get("expectations") or []):
        if not isinstance(item, Mapping) or len(item) != 1:
            raise QualityConfigError(f"{where} ({name}) expectations[{j}]: write `- <expectation_type>: {{kwargs}}`")
        ((etype, kwargs),) = item.items()
        kwargs = dict(kwargs or {})
        batch = kwargs.pop("batch", TABLE_BATCH)
        if batch not in batches:
            raise QualityConfigError(
                f"{where} ({name}) expectations[{j}]: unknown batch {batch!r}; have {sorted(batches)}"
            )
        # The type itself is checked when the suite is built (importing GX here would add seconds
        # to every Dagster process that loads the definitions); tests build every suite.
        expectations.append(ExpectationSpec(str(etype), kwargs, batch))
    if not expectations:
        raise QualityConfigError(f"{where} ({name}): a check needs at least one expectation")
    return CheckSpec(name, severity, str(raw.get("description", "")).strip(), tuple(expectations))


def _contract_table(where: str, ref: str) -> contract.Table:
    try:
        system_name, table_name = str(ref).split(".")
        return contract.get_system(system_name).table(table_name)
    except (ValueError, KeyError, contract.ContractError) as exc:
        raise QualityConfigError(
            f"{where}: contract {ref!r} is not <system>.<table> of contracts/*.yml ({exc})"
        ) from None


def contract_checks(table: contract.Table) -> list[CheckSpec]:
    """Schema/type (blocking) and required-column (warning) expectations from the source contract.

    Types and columns are a contract breach the loader should never let through, so they block.
    A missing required value is a bad row that staging quarantines with a reason, so it warns.
    """
    schema = [
        ExpectationSpec("expect_table_columns_to_match_set", {"column_set": table.column_names, "exact_match": True})
    ]
    for col in table.columns:
        schema.append(
            ExpectationSpec(
                "expect_column_values_to_be_in_type_list", {"column": col.name, "type_list": {"logical_type": col.type}}
            )
        )
    if len(table.primary_key) == 1:
        schema.append(ExpectationSpec("expect_column_values_to_be_unique", {"column": table.primary_key[0]}))
    else:
        schema.append(ExpectationSpec("expect_compound_columns_to_be_unique", {"column_list": list(table.primary_key)}))
    required = [
        ExpectationSpec("expect_column_values_to_not_be_null", {"column": c.name})
        for c in table.columns
        if not c.nullable
    ]
    source = f"contracts/{table.system}.yml"
    checks = [
        CheckSpec(
            SCHEMA_CHECK,
            "error",
            f"Columns, column types and primary key match the source contract ({source}).",
            tuple(schema),
        )
    ]
    if required:
        checks.append(
            CheckSpec(
                REQUIRED_CHECK,
                "warn",
                f"Columns the contract ({source}) marks required are never null; "
                "optional columns are filled at least as often as the settings ask.",
                tuple(required),
            )
        )
    return checks


# ---- resolving for an engine -----------------------------------------------------------------


@cache
def _expectation_class(etype: str) -> type:
    from great_expectations.expectations.registry import get_expectation_impl

    try:
        return get_expectation_impl(etype)
    except Exception:
        raise QualityConfigError(f"unknown Great Expectations expectation type {etype!r}") from None


@cache
def seed_rows(seeds_dir: Path, seed: str) -> tuple[Mapping[str, str], ...]:
    path = seeds_dir / f"{seed}.csv"
    try:
        with path.open(newline="") as f:
            return tuple(csv.DictReader(f))
    except FileNotFoundError:
        raise QualityConfigError(f"seed file {path} is missing") from None


@cache
def seed_values(seeds_dir: Path, seed: str, column: str) -> tuple[str, ...]:
    path = seeds_dir / f"{seed}.csv"
    try:
        with path.open(newline="") as f:
            reader = csv.DictReader(f)
            if column not in (reader.fieldnames or []):
                raise QualityConfigError(f"seed {path} has no column {column!r} (columns: {reader.fieldnames})")
            return tuple(sorted({row[column] for row in reader if row[column] not in ("", None)}))
    except FileNotFoundError:
        raise QualityConfigError(f"seed file {path} is missing") from None


def resolve(value: Any, ctx: ResolveContext, key: str = "") -> Any:
    if isinstance(value, Mapping):
        if set(value) == {"seed"}:
            seed, _, column = str(value["seed"]).partition(".")
            if not column:
                raise QualityConfigError(f"{{seed: {value['seed']}}} must name <seed file>.<column>")
            return list(seed_values(ctx.seeds_dir, seed, column))
        if set(value) == {"logical_type"}:
            return list(ENGINE_TYPE_NAMES[ctx.engine][value["logical_type"]])
        return {k: resolve(v, ctx, k) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, ctx, key) for v in value]
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        if key.endswith("query"):
            return _SQL_ENV.from_string(value).render(ctx.template_vars(gx_query=True))
        return _VALUE_ENV.from_string(value).render(ctx.template_vars())
    return value


def render_query(query: str, ctx: ResolveContext) -> str:
    """The batch query for the engine; GX accepts only queries starting with SELECT, so a query
    that starts with WITH is wrapped in one."""
    sql = _SQL_ENV.from_string(query).render(ctx.template_vars()).strip().rstrip(";")
    if not sql[:7].lower().startswith("select") or not sql[6:7].isspace():
        sql = f"select * from (\n{sql}\n) as batch_query"
    return sql


def build_expectation(spec: ExpectationSpec, check: CheckSpec, ctx: ResolveContext):
    """A Great Expectations expectation object, tagged with its check and severity."""
    kwargs = resolve(dict(spec.kwargs), ctx)
    description = kwargs.pop("description", None)
    meta = {"check": check.name, "severity": check.severity, "batch": spec.batch}
    if description:
        kwargs["description"] = description
    try:
        return _expectation_class(spec.type)(**kwargs, meta=meta)
    except QualityConfigError as exc:
        raise QualityConfigError(f"check {check.name}: {exc}") from None
    except Exception as exc:  # pydantic validation of the kwargs
        raise QualityConfigError(f"check {check.name}: {spec.type} on batch {spec.batch!r}: {exc}") from None


def expectations_by_batch(
    asset: AssetSuites, ctx: ResolveContext, checks: Sequence[str] | None = None
) -> dict[str, list]:
    """batch name -> expectations to run on it, for the selected checks (all when None)."""
    ctx = ctx.for_asset(asset)
    wanted = set(checks) if checks is not None else {c.name for c in asset.checks}
    out: dict[str, list] = {}
    for check in asset.checks:
        if check.name not in wanted:
            continue
        for spec in check.expectations:
            try:
                expectation = build_expectation(spec, check, ctx)
            except QualityConfigError as exc:
                raise QualityConfigError(f"{asset.source}: asset {asset.label}: {exc}") from None
            out.setdefault(spec.batch, []).append(expectation)
    return out
