"""Location rules: projected coordinates to WGS84, and street addresses generalized to the block."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

# A leading house number (with an optional letter or half: "2917", "2917A", "2917-B") then the street.
_HOUSE = re.compile(r"^\s*(\d+)(?:-?[A-Z]\b|\s+1/2)?\s+(\S.*)$", re.IGNORECASE)


def block_address(address: str | None) -> str | None:
    """'2917 MLK JR PKWY' -> '2900 BLOCK MLK JR PKWY'; text without a house number is kept as it is.

    Intersections and place names carry no house number and are already no finer than a block.
    """
    if address is None:
        return None
    m = _HOUSE.match(address)
    if not m:
        return address.strip()
    return f"{int(m.group(1)) // 100 * 100} BLOCK {m.group(2).strip()}"


@lru_cache(maxsize=8)
def _transformer(crs: str):
    from pyproj import Transformer

    # always_xy: x is easting/longitude, y northing/latitude, whatever axis order the CRS declares.
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def reproject(x: pd.Series, y: pd.Series, crs: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(latitude, longitude, unparseable mask) for projected x/y; missing stays missing."""
    xs = pd.to_numeric(x, errors="coerce")
    ys = pd.to_numeric(y, errors="coerce")
    present = x.notna() | y.notna()
    bad = present & (xs.isna() | ys.isna())
    ok = xs.notna() & ys.notna()
    lat = pd.Series(np.nan, index=x.index, dtype="float64")
    lon = pd.Series(np.nan, index=x.index, dtype="float64")
    if ok.any():
        lons, lats = _transformer(crs).transform(xs[ok].to_numpy(dtype=float), ys[ok].to_numpy(dtype=float))
        lat[ok], lon[ok] = lats, lons
    return lat, lon, bad
