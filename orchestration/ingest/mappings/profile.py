"""`--profile`: a dry run that checks a mapping's output against what the contract and staging expect.

It answers, before anything is loaded: how many rows each table would get, why the others would
be quarantined (grouped), which mapped values staging would still reject or flag (incident-number
format, fixed vocabularies, ranges, placeholder dates), and whether a rule drops everything.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd
import yaml

from orchestration.ingest.mappings.engine import MappingResult
from orchestration.paths import PROJECT_ROOT

INCIDENT_NUMBER = re.compile(r"^\d{4}-\d{7}$")  # the contract's 'YYYY-NNNNNNN'
INCIDENT_NUMBER_COLUMNS = ("incident_number", "cad_incident_number")
_SEPARATED = re.compile(r"^[^0-9]*([0-9]{2}(?:[0-9]{2})?)[^0-9]+([0-9]{1,7})[^0-9]*$")


def staged_incident_number(value: str) -> str | None:
    """What staging's normalize_incident_number macro (macros/codes.sql) makes of a value; None = quarantined."""
    if INCIDENT_NUMBER.match(value):
        return value
    if m := _SEPARATED.match(value.strip()):
        year = m[1] if len(m[1]) == 4 else "20" + m[1]
        return f"{year}-{m[2]:0>7}"
    digits = re.sub(r"[^0-9]", "", value)
    if len(digits) == 11:
        return f"{digits[:4]}-{digits[4:]}"
    if len(digits) == 9:
        return f"20{digits[:2]}-{digits[2:]}"
    return None


def _seed(name: str, column: str) -> frozenset[str]:
    with open(PROJECT_ROOT / "seeds" / f"{name}.csv", newline="") as f:
        return frozenset(row[column] for row in csv.DictReader(f))


def _dbt_var(name: str):
    return yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"][name]


def vocabularies() -> dict[tuple[str, str], tuple[frozenset[str], str]]:
    """(table, column) -> (allowed values, where they are defined): the codes staging checks or joins on."""
    unit_types = frozenset({"POLICE", "EMS", "FIRE", "CRT", "CORESPONSE"})
    programs = frozenset(_dbt_var("eligibility_programs"))
    return {
        ("incidents", "call_origin"): (_seed("call_origins", "call_origin"), "seeds/call_origins.csv"),
        ("incidents", "disposition"): (_seed("dispositions", "disposition_code"), "seeds/dispositions.csv"),
        ("units", "unit_type"): (unit_types, "contracts/cad_replica.yml"),
        ("unit_assignments", "unit_type"): (unit_types, "contracts/cad_replica.yml"),
        ("unit_assignments", "transport_destination"): (
            _seed("transport_destinations", "destination_code"),
            "seeds/transport_destinations.csv",
        ),
        ("unit_status_changes", "status"): (
            frozenset({"AVAILABLE", "ASSIGNED", "OUT_OF_SERVICE", "OFF_DUTY"}),
            "contracts/cad_replica.yml",
        ),
        ("encounters", "program"): (programs, "dbt_project.yml vars.eligibility_programs"),
        ("encounters", "outcome"): (_seed("encounter_outcomes", "outcome_code"), "seeds/encounter_outcomes.csv"),
        ("referrals", "referral_type"): (_seed("referral_types", "referral_type"), "seeds/referral_types.csv"),
        ("transports", "destination_type"): (
            _seed("transport_destinations", "destination_code"),
            "seeds/transport_destinations.csv",
        ),
        ("follow_ups", "method"): (frozenset({"PHONE", "IN_PERSON", "TEXT"}), "contracts/case_management.yml"),
        ("follow_ups", "outcome"): (
            frozenset({"CONNECTED", "LEFT_MESSAGE", "UNABLE_TO_REACH", "DECLINED"}),
            "contracts/case_management.yml",
        ),
    }


RANGES = {"priority": (1, 5), "latitude": (-90, 90), "longitude": (-180, 180)}


@dataclass
class Profile:
    result: MappingResult
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # make the dry run exit non-zero

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        verdict = (
            ["", "OK: the mapping keeps rows in every table it fills"]
            if self.ok
            else ["", "FAILED:"] + [f"  {p}" for p in self.problems]
        )
        return "\n".join(self.lines + verdict)


def profile(result: MappingResult) -> Profile:
    mapping = result.mapping
    out = Profile(result)
    out.lines.append(result.summary())
    placeholder = pd.Timestamp(_dbt_var("placeholder_before"))
    now = pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None))
    vocab = vocabularies()
    for rule in mapping.tables:
        name = rule.table.name
        table = result.tables[name]
        considered = result.rows_in - result.filtered.get(name, 0)
        out.lines.append(f"\n{name}:")
        if not rule.distinct and considered == 0 and result.rows_in:
            out.problems.append(f"{name}: source.filter / tables.{name}.where leaves no row of {result.rows_in:,}")
        elif not rule.distinct and considered and table.empty:
            out.problems.append(f"{name}: every one of its {considered:,} rows would be quarantined (see the reasons)")
        share = result.quarantine_share(name)
        if not rule.distinct and share > mapping.max_quarantine_share:
            out.problems.append(
                f"{name}: {share:.0%} of rows quarantined, above source.max_quarantine_share "
                f"{mapping.max_quarantine_share:.0%}: a load would fail"
            )
        q = result.quarantine[result.quarantine.target_table == name]
        if len(q):
            out.lines.append(f"  quarantined {len(q):,} ({share:.1%}), by reason:")
            # One line per kind of problem: a row with two problems counts under both.
            kinds = q.reason.str.split("; ").explode().str.replace(r"'[^']*'", "'…'", regex=True)
            for reason, n in kinds.value_counts().head(10).items():
                first = q.loc[kinds[kinds == reason].index[0]]
                out.lines.append(f"    {n:>7,}  {reason}   (e.g. {first.source_file} row {first.source_row})")
        for column in table.columns:
            values = table[column].dropna()
            if values.empty:
                continue
            if column in INCIDENT_NUMBER_COLUMNS:
                odd = values[~values.astype(str).str.match(INCIDENT_NUMBER)].astype(str)
                staged = odd.map(staged_incident_number)
                fixed, lost = odd[staged.notna()], odd[staged.isna()]
                if len(fixed):
                    out.lines.append(
                        f"  {column}: {len(fixed):,} values not in the contract's YYYY-NNNNNNN form "
                        f"that staging re-formats (e.g. {fixed.iloc[0]!r} -> "
                        f"{staged_incident_number(fixed.iloc[0])!r})"
                    )
                if len(lost):
                    out.lines.append(
                        f"  {column}: {len(lost):,} values staging cannot read as YYYY-NNNNNNN "
                        f"(e.g. {lost.iloc[0]!r}): quarantined there as invalid_incident_number"
                    )
            if (name, column) in vocab:
                allowed, home = vocab[(name, column)]
                unknown = values[~values.astype(str).isin(allowed)].astype(str).value_counts()
                if len(unknown):
                    shown = ", ".join(f"{v!r} x{n}" for v, n in unknown.head(5).items())
                    out.lines.append(f"  {column}: {unknown.sum():,} values outside {home} ({shown})")
            if column in RANGES and pd.api.types.is_numeric_dtype(values.dtype):
                lo, hi = RANGES[column]
                bad = values[(values < lo) | (values > hi)]
                if len(bad):
                    out.lines.append(f"  {column}: {len(bad):,} values outside {lo}..{hi} (e.g. {bad.iloc[0]})")
            if pd.api.types.is_datetime64_any_dtype(values.dtype):
                early, late = (values < placeholder).sum(), (values > now).sum()
                if early:
                    out.lines.append(
                        f"  {column}: {early:,} times before {placeholder.date()} (placeholders; "
                        f"staging treats them as missing)"
                    )
                if late:
                    out.lines.append(f"  {column}: {late:,} times in the future (wrong zone or format?)")
        if result.merged.get(name):
            conflicts = result.merge_conflicts.get(name, {})
            detail = (
                (
                    "; lines of one key disagree on "
                    + ", ".join(f"{c} ({n:,} keys)" for c, n in conflicts.items())
                    + ": the line with the latest updated_at is kept"
                )
                if conflicts
                else ", all identical apart from updated_at"
            )
            out.lines.append(f"  {result.merged[name]:,} repeated lines merged into their key's row{detail}")
        for key, counts in result.passed_through.items():
            if key.startswith(f"{name}."):
                out.lines.append(
                    f"  {key.split('.', 1)[1]}: {sum(counts.values()):,} values passed through "
                    f"untranslated ({len(counts)} distinct)"
                )
    return out
