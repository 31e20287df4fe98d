"""UTC epoch seconds <-> the city's local calendar, and fast text formatting of timestamps.

The simulation keeps every instant as int64 (or float64 with NaN for "missing") UTC epoch seconds,
so durations are plain differences and DST never enters arithmetic; local time is derived only
where a rule or a period needs it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd

EPOCH = dt.date(1970, 1, 1)
PLACEHOLDER_TS = -2208988800  # 1900-01-01 00:00:00 UTC, a placeholder some CAD exports use


@dataclass(frozen=True)
class LocalParts:
    day: np.ndarray  # local date as days since 1970-01-01
    dow: np.ndarray  # 0 = Mon .. 6 = Sun
    hour: np.ndarray  # local clock hour 0..23
    year: np.ndarray
    month: np.ndarray


def local_parts(seconds: np.ndarray, tz: str) -> LocalParts:
    idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(seconds, dtype="int64"), unit="s", utc=True)).tz_convert(tz)
    naive = idx.tz_localize(None)
    day = naive.values.astype("datetime64[D]").astype("int64")
    return LocalParts(
        day=np.asarray(day),
        dow=np.asarray(idx.day_of_week, dtype="int64"),
        hour=np.asarray(idx.hour, dtype="int64"),
        year=np.asarray(idx.year, dtype="int64"),
        month=np.asarray(idx.month, dtype="int64"),
    )


def local_midnight_utc(day: dt.date, tz: str) -> int:
    """UTC epoch seconds of local midnight starting `day`."""
    aware = dt.datetime(day.year, day.month, day.day, tzinfo=zoneinfo.ZoneInfo(tz))
    return int(aware.timestamp())


def utc_of_local(day: dt.date, hour: int, minute: int, tz: str, fold: int = 0) -> int:
    aware = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zoneinfo.ZoneInfo(tz), fold=fold)
    return int(aware.timestamp())


def dst_transitions(start: dt.date, end: dt.date, tz: str) -> list[tuple[str, int]]:
    """(kind, utc second of the change) for each offset change in [start, end): 'spring' or 'fall'."""
    zone = zoneinfo.ZoneInfo(tz)
    out = []
    t0, t1 = local_midnight_utc(start, tz), local_midnight_utc(end, tz)
    hours = np.arange(t0, t1, 3600, dtype="int64")
    offsets = np.array([dt.datetime.fromtimestamp(int(h), zone).utcoffset().total_seconds() for h in hours[::1]])
    changes = np.nonzero(np.diff(offsets))[0]
    for i in changes:
        kind = "spring" if offsets[i + 1] > offsets[i] else "fall"
        out.append((kind, int(hours[i + 1])))
    return out


_TIME_OF_DAY = np.array(
    [f" {h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)], dtype=object
)


def format_timestamps(seconds: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DD HH:MM:SS' strings (object array, None where NaN) for UTC epoch seconds.

    Dates and times of day come from small lookup tables (a few thousand days, 86,400 seconds), so
    formatting is one string concatenation per value."""
    values = np.asarray(seconds)
    out = np.full(len(values), None, dtype=object)
    if values.dtype.kind == "f":
        present = ~np.isnan(values)
        secs = values[present].astype("int64")
    else:
        present = np.ones(len(values), dtype=bool)
        secs = values.astype("int64")
    if len(secs) == 0:
        return out
    day = np.floor_divide(secs, 86400)
    d0 = int(day.min())
    dates = np.array(
        [(EPOCH + dt.timedelta(days=d0 + i)).isoformat() for i in range(int(day.max()) - d0 + 1)], dtype=object
    )
    out[present] = dates[day - d0] + _TIME_OF_DAY[secs - day * 86400]
    return out


def format_dates(days: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DD' strings (None where NaN) for day numbers."""
    values = np.asarray(days, dtype="float64")
    out = np.full(len(values), None, dtype=object)
    present = ~np.isnan(values)
    if present.any():
        d = values[present].astype("int64")
        d0 = int(d.min())
        dates = np.array(
            [(EPOCH + dt.timedelta(days=d0 + i)).isoformat() for i in range(int(d.max()) - d0 + 1)], dtype=object
        )
        out[present] = dates[d - d0]
    return out
