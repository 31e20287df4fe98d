"""dbt-duckdb plugin that gives every DuckDB session dbt opens the hash key as a variable.

Listed under `plugins` of the DuckDB output in profiles.yml. The key is bound as a query parameter
from Python, so it appears in no SQL text, dbt log or target file (orchestration/privacy/hash_key.py
says why). DuckDB variables belong to one session and dbt runs each model on a cursor, which is a
session of its own, so both the connection and every cursor get it.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from orchestration.privacy.hash_key import load_hash_key


def set_hash_key(session) -> None:
    session.execute("set variable arp_hash_key = $1", [load_hash_key()])


class Plugin(BasePlugin):
    def initialize(self, plugin_config):
        # Fail when dbt opens the warehouse, before any model runs, if the key is unusable.
        load_hash_key()

    def configure_connection(self, conn):
        set_hash_key(conn)

    def configure_cursor(self, cursor):
        set_hash_key(cursor)
        return cursor
