"""`python -m orchestration.privacy.run_dbt <dbt args>`: the dbt CLI with the hash key on its sessions.

For running dbt by hand against PostgreSQL, where the key travels in PGOPTIONS
(orchestration/privacy/hash_key.py); the pipeline does the same for its own dbt runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from orchestration.privacy.hash_key import HashKeyError, dbt_environment


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        env = dbt_environment()
    except HashKeyError as error:
        print(f"refusing to run dbt: {error}", file=sys.stderr)
        return 2
    dbt = str(Path(sys.executable).with_name("dbt"))
    os.execvpe(dbt, [dbt, *args], env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
