"""DataFrames that keep text columns as numpy object arrays.

pandas 3 stores text as Arrow strings by default; the simulation moves millions of values between
numpy and pandas, and every such conversion would cost a full copy through Arrow. Building frames
through `frame()` keeps them as plain object columns (identical values, much faster round trips).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _as_column(value, n: int | None):
    if isinstance(value, str) or value is None:
        return pd.Series(np.full(n or 0, value, dtype=object), dtype=object)
    if isinstance(value, pd.Series):
        return value.astype(object) if value.dtype != object and pd.api.types.is_string_dtype(value) else value
    arr = np.asarray(value)
    if arr.dtype.kind in "OUS":
        return pd.Series(arr.astype(object), dtype=object)
    return arr


def frame(columns: dict) -> pd.DataFrame:
    n = next((len(v) for v in columns.values() if not isinstance(v, (str, int, float, bool)) and v is not None), None)
    return pd.DataFrame(
        {k: _as_column(v, n) if not isinstance(v, (int, float, bool)) else v for k, v in columns.items()}
    )


def text(values, index=None) -> pd.Series:
    """An object-dtype Series (for assigning a text column to an existing frame)."""
    if isinstance(values, str) or values is None:
        values = np.full(len(index), values, dtype=object)
    return pd.Series(np.asarray(values, dtype=object), index=index, dtype=object)


def lookup(mapping: dict, values, default=None, dtype=object) -> np.ndarray:
    """`[mapping.get(v, default) for v in values]`, vectorized through the distinct values."""
    codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object), dtype=object), use_na_sentinel=True)
    table = np.array([mapping.get(u, default) for u in uniques] + [default], dtype=dtype)
    return table[codes]
