"""Defects injected into the written copy of the true state (filled in below)."""
from __future__ import annotations

import pandas as pd

LOG_COLUMNS = ["defect_kind", "table", "primary_key", "column", "detail"]


def empty_log() -> pd.DataFrame:
    return pd.DataFrame(columns=LOG_COLUMNS)


def inject(state, cfg):
    return {k: v.copy() for k, v in state.tables.items()}, empty_log()
