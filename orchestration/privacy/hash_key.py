"""The key of the keyed hashes that replace person identifiers, and how it reaches the database.

Phone numbers, person ids and staff ids are enumerable: a city's area codes hold a few million
numbers and ids are short, so anyone holding the hash can hash every candidate and read the
identifier back. Only a secret key of at least 256 bits makes that search hopeless, so outside demo
mode (`ARP_MODE=demo`) the pipeline refuses to start without one, and refuses the demo key, which
is published in this repository.

The key is read from `ARP_HASH_KEY`, or from the file named by `ARP_HASH_KEY_FILE` (a mounted
secret), never from a committed file. dbt never sees it: a dbt variable or `env_var()` would be
written to dbt's logs, target files and partial-parse cache. Instead each database session that
dbt opens gets the key as a session setting made outside the dbt invocation:

* PostgreSQL: `arp.hash_key`, through libpq's `PGOPTIONS` in the dbt process's environment
  (`dbt_environment`), so it never appears in SQL text;
* DuckDB: the variable `arp_hash_key`, set by the dbt-duckdb plugin
  `orchestration.privacy.duckdb_hash_key` when dbt opens a connection.

The macros in macros/privacy.sql only read the setting by name.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from pathlib import Path

from orchestration.settings import settings

DEMO_KEY = "arp-demo-key-not-secret"
MIN_KEY_BYTES = 32  # 256 bits
_HEX = re.compile(r"[0-9a-fA-F]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")


class HashKeyError(RuntimeError):
    """The hash key is missing, is the demo key, or is too weak for real data."""


def demo_mode(env: Mapping[str, str] | None = None) -> bool:
    return settings(env).demo


def _key_bytes(key: str) -> int:
    """The number of secret bytes a key carries, read as hex or base64 (how keys are generated)."""
    if _HEX.fullmatch(key) and len(key) % 2 == 0:
        return len(key) // 2
    if _BASE64.fullmatch(key):
        try:
            padded = key + "=" * (-len(key) % 4)
            return len(base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_")))
        except (binascii.Error, ValueError):
            return 0
    return 0


def read_secret(name: str, value: str | None, path: str | None) -> str | None:
    """A secret given directly (the variable `name`), or read from the file named by `name`_FILE."""
    if value and path:
        raise HashKeyError(f"both {name} and {name}_FILE are set; set only one")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise HashKeyError(f"{name}_FILE={path} cannot be read: {error.strerror}") from None
        if not value:
            raise HashKeyError(f"{name}_FILE={path} is empty")
    return value or None


def load_hash_key(env: Mapping[str, str] | None = None) -> str:
    """The key to hash with; raises HashKeyError naming the setting at fault."""
    current = settings(env)
    key = read_secret("ARP_HASH_KEY", current.hash_key, current.hash_key_file)
    if current.demo:
        return key or DEMO_KEY
    if key is None:
        raise HashKeyError(
            "ARP_HASH_KEY (or ARP_HASH_KEY_FILE) is not set: outside demo mode (ARP_MODE=demo) the "
            "pipeline will not hash real identifiers with the published demo key. Generate a key "
            "with `openssl rand -hex 32` and keep it secret."
        )
    if key == DEMO_KEY:
        raise HashKeyError(
            "ARP_HASH_KEY is the published demo key; outside demo mode (ARP_MODE=demo) "
            "set a secret key of at least 256 bits (`openssl rand -hex 32`)"
        )
    if _key_bytes(key) < MIN_KEY_BYTES or len(set(key)) < 8:
        raise HashKeyError(
            f"ARP_HASH_KEY carries fewer than {MIN_KEY_BYTES * 8} bits: give at least {MIN_KEY_BYTES * 2} "
            f"random hex characters or {MIN_KEY_BYTES} random bytes in base64 (`openssl rand -hex 32`); "
            "a short or guessable key lets anyone holding a hash recover phone numbers and ids"
        )
    return key


def require_hash_key() -> None:
    """Refuse to start the pipeline without a usable key (called when the definitions load)."""
    load_hash_key()


def _pgoptions_escape(value: str) -> str:
    # libpq splits PGOPTIONS on unescaped spaces; a backslash escapes the next character.
    return value.replace("\\", "\\\\").replace(" ", "\\ ")


def dbt_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """`env` plus what a dbt process needs to hash: the key as a PostgreSQL session setting.

    DuckDB needs nothing here: its dbt plugin reads the key itself."""
    env = dict(os.environ if env is None else env)
    key = load_hash_key(env)
    option = f"-c arp.hash_key={_pgoptions_escape(key)}"
    others = " ".join(part for part in [env.get("PGOPTIONS", "")] if part and "arp.hash_key" not in part)
    env["PGOPTIONS"] = f"{others} {option}".strip()
    return env
