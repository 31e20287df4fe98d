"""Opening a DuckDB warehouse file that another process may hold.

DuckDB lets one process write a file at a time, and a reader cannot open it while a writer holds
it. The loader, dbt, the checks and the publishers run as separate processes, so each waits for the
lock to be released instead of failing the run.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

LOCK_WAIT_SECONDS = 600

log = logging.getLogger(__name__)


def connect_waiting(
    path: Path, *, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """A connection to `path`, waiting up to `wait_seconds` while another process holds its lock."""
    import duckdb  # with the first connection, not with every module that may open one

    deadline = time.monotonic() + wait_seconds
    waited = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            if not waited:
                log.info("warehouse %s is locked by another process; waiting up to %ss", path, wait_seconds)
                waited = True
            time.sleep(0.5)
