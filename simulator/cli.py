"""Command line: `python -m simulator generate|live ...` (also `arp-generate`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .config import TIERS, GeneratorConfig


def _config(args) -> GeneratorConfig:
    return GeneratorConfig(
        tier=args.tier,
        seed=args.seed,
        timezone=args.timezone,
        defect_rate=args.defect_rate,
        entry_rate=args.entry_rate,
        out_dir=Path(args.out),
        cad_url=args.cad_url,
        cms_url=args.cms_url,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Synthetic city generator with known truth."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_ in (
        ("generate", "simulate a tier and write both source systems and the truth"),
        ("live", "keep appending new incidents and updating open ones in the sources"),
    ):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--tier", choices=sorted(TIERS), default="demo")
        p.add_argument("--seed", type=int, default=7)
        p.add_argument("--timezone", default="America/New_York")
        p.add_argument(
            "--defect-rate", type=float, default=1.0, help="multiplier of the default defect rates (0 = no defects)"
        )
        p.add_argument(
            "--entry-rate",
            type=float,
            default=1.0,
            help="multiplier of the case-management entry kinds, on top of --defect-rate",
        )
        p.add_argument("--out", default="build", help="output directory (sources/ and truth/ go under it)")
        p.add_argument("--cad-url", default=None, help="SQLAlchemy URL of the CAD replica (default: SQLite file)")
        p.add_argument("--cms-url", default=None, help="SQLAlchemy URL of the case-management warehouse")
        p.add_argument("--quiet", action="store_true", help="no progress bar")
    live = sub.choices["live"]
    live.add_argument("--every", type=float, default=5.0, help="seconds between steps")
    live.add_argument("--new", type=int, default=10, help="new incidents per step")
    live.add_argument("--updates", type=int, default=5, help="open incidents updated per step")
    live.add_argument("--iterations", type=int, default=None, help="stop after N steps (default: run until Ctrl-C)")
    args = parser.parse_args(argv)

    try:
        cfg = _config(args)
    except ValueError as exc:
        parser.error(str(exc))
    if args.command == "generate":
        from .generate import generate

        result = generate(cfg, progress=not args.quiet)
        rows = sum(result.counts.values())
        print(f"generated tier {cfg.tier} (seed {cfg.seed}) in {result.seconds:.1f} s: {rows:,} rows")
        for table, n in result.counts.items():
            print(f"  {table:<18} {n:>10,}")
        print(
            f"CAD replica:      {result.cad_url}\ncase management:  {result.cms_url}\ntruth:            {result.truth_dir}"
        )
        return 0

    from tqdm import tqdm

    from .live import LiveCity

    city = LiveCity(cfg)
    step = 0
    with tqdm(total=args.iterations, desc="live", unit="step", disable=args.quiet) as bar:
        try:
            while args.iterations is None or step < args.iterations:
                counts = city.step(new_incidents=args.new, updates=args.updates)
                step += 1
                inserted = sum(c["inserted"] for c in counts.values())
                updated = sum(c["updated"] for c in counts.values())
                bar.set_postfix(inserted=inserted, updated=updated)
                bar.update(1)
                if args.iterations is None or step < args.iterations:
                    time.sleep(args.every)
        except KeyboardInterrupt:
            pass
    print(f"live: {step} steps written to {cfg.resolved_cad_url} and {cfg.resolved_cms_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
