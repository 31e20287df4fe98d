"""Row-for-row comparison of two tables read from different engines."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import pandas as pd

FLOAT_REL_TOL = 1e-9


def _normalize(value):
    """One representation per value across drivers (numpy / Decimal / pandas timestamps)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _sort_key(row):
    return tuple(
        (v is None, str(type(v).__name__) if v is not None else "", v if v is not None else 0)
        if not isinstance(v, float)
        else (False, "float", round(v, 6))
        for v in row
    )


def table_differences(left: pd.DataFrame, right: pd.DataFrame, name: str, limit: int = 10) -> list[str]:
    """Human-readable differences between two frames (empty when identical up to float tolerance)."""
    problems: list[str] = []
    if list(left.columns) != list(right.columns):
        return [f"{name}: columns differ: {list(left.columns)} vs {list(right.columns)}"]
    if len(left) != len(right):
        problems.append(f"{name}: {len(left)} rows vs {len(right)} rows")
    lrows = sorted((tuple(_normalize(v) for v in r) for r in left.itertuples(index=False)), key=_sort_key)
    rrows = sorted((tuple(_normalize(v) for v in r) for r in right.itertuples(index=False)), key=_sort_key)
    for i, (a, b) in enumerate(zip(lrows, rrows)):
        for col, x, y in zip(left.columns, a, b):
            if isinstance(x, float) and isinstance(y, (float, int)) or isinstance(y, float) and isinstance(x, int):
                if not math.isclose(float(x), float(y), rel_tol=FLOAT_REL_TOL, abs_tol=1e-12):
                    problems.append(f"{name} row {i} column {col}: {x!r} vs {y!r}")
            elif x != y:
                problems.append(f"{name} row {i} column {col}: {x!r} vs {y!r}")
        if len(problems) >= limit:
            break
    return problems
