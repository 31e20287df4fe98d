"""`build_public_outputs`: public marts -> `<out>/site/` (dashboard, Major Questions, Definitions)
and `<out>/cards/` (quarterly data cards). Called by the Dagster assets and by `make demo`."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.paths import PROJECT_ROOT
from orchestration.publishing.cards import build_cards
from orchestration.publishing.figures import Figures
from orchestration.publishing.marts import PublicMartsError, read_public_marts
from orchestration.publishing.site import build_site
from orchestration.publishing.swap import publish_folder
from orchestration.warehouse.destination import Destination

DEFAULT_OUT = PROJECT_ROOT / "build"


@dataclass
class PublishReport:
    site_dir: Path
    cards_dir: Path
    site_files: list[Path] = field(default_factory=list)
    card_files: list[Path] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    quarters: list[str] = field(default_factory=list)
    guarded_cells: int = 0
    read_seconds: float = 0.0
    site_seconds: float = 0.0
    cards_seconds: float = 0.0
    source: str = ""

    @property
    def seconds(self) -> float:
        return self.read_seconds + self.site_seconds + self.cards_seconds


def build_public_outputs(
    destination: Destination | str | None = None,
    out_dir: Path | str = DEFAULT_OUT,
    *,
    generated: dt.date | None = None,
    site: bool = True,
    cards: bool = True,
    content_dir: Path | None = None,
) -> PublishReport:
    """Read the public marts of `destination` (None: ARP_TARGET's warehouse) and write the site to
    `<out_dir>/site/` and the cards to `<out_dir>/cards/`."""
    out_dir = Path(out_dir)
    report = PublishReport(out_dir / "site", out_dir / "cards")
    started = time.perf_counter()
    marts = read_public_marts(destination)
    if not marts.metric_values:
        raise PublicMartsError(f"public_marts.pub_metric_values is empty on {marts.source}: nothing to publish")
    figs = Figures(marts)
    report.read_seconds = time.perf_counter() - started
    report.row_counts, report.source = marts.row_counts, marts.source
    report.quarters = [q.isoformat() for q in marts.quarters()]
    generated = generated or dt.date.today()
    # Each folder is written beside the live one and swapped in only when complete and checked;
    # a failure while writing either leaves both live folders as they were.
    with contextlib.ExitStack() as folders:
        site_dir = folders.enter_context(publish_folder(report.site_dir)) if site else None
        cards_dir = folders.enter_context(publish_folder(report.cards_dir)) if cards else None
        if site_dir is not None:
            started = time.perf_counter()
            written = build_site(figs, site_dir, generated)
            report.site_files = [report.site_dir / p.relative_to(site_dir) for p in written]
            report.site_seconds = time.perf_counter() - started
        if cards_dir is not None:
            started = time.perf_counter()
            written = build_cards(figs, cards_dir, generated, content_dir=content_dir)
            report.card_files = [report.cards_dir / p.relative_to(cards_dir) for p in written]
            report.cards_seconds = time.perf_counter() - started
    report.guarded_cells = figs.guarded
    return report
