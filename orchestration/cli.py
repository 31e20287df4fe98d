"""`python -m orchestration.cli demo`: the main job on the embedded DuckDB default."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.cli", description=__doc__)
    parser.add_argument("command", choices=["demo"])
    parser.parse_args(argv)
    print("demo: nothing to run yet", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
