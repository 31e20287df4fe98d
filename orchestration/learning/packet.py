"""The quarterly learning packet: an internal report for the program's quarterly learning cycle.

For the latest complete quarter it lists every catalog metric (program ALL) with the quarter before
and the same quarter a year before, each change, and a flag where the change is larger than noise
explains (figures.py, noise.py); then every change of the learning register with its latest
interrupted time-series estimates, as `learning/change_estimates` wrote them, definitions of a
series side by side. HTML and the same page printed to PDF, under <output dir>/internal/learning_packet/.
Internal: not suppressed, never published. Everything it shows is inline; nothing is fetched.

    python -m orchestration.learning.packet [--quarter 2024-Q4] [--estimates change_estimates.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.learning.figures import (
    COUNT_UNITS,
    NoCompleteQuarter,
    Quarter,
    QuarterFigures,
    read_quarter_figures,
)
from orchestration.learning.series import WEEKLY_SERIES
from orchestration.paths import output_dir

if TYPE_CHECKING:
    from orchestration.warehouse.destination import Destination

TEMPLATES = Path(__file__).parent / "templates"
STATUS_TEXT = {
    "as_expected": "yes: moved as expected",
    "opposite": "no: moved the opposite way",
    "unclear": "unclear: the interval holds no change",
}


def packet_dir() -> Path:
    return output_dir() / "internal" / "learning_packet"


# --- how figures read -------------------------------------------------------------------------


def value_text(value: float, unit: str) -> str:
    if unit == "share (0..1)":
        return f"{100 * value:.1f}%"
    if unit in COUNT_UNITS or unit == "hours":
        return f"{value:,.0f}"
    if unit == "per 100 incidents":
        return f"{value:.2f}"
    return f"{value:,.1f}"


def difference_text(difference: float, unit: str) -> str:
    if unit == "share (0..1)":
        return f"{100 * difference:+.1f} pts"
    return value_text(difference, unit) if difference < 0 else "+" + value_text(difference, unit)


def relative_text(relative: float | None) -> str:
    return "" if relative is None else f"{100 * relative:+.1f}%"


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def verdict_text(verdict, unit: str) -> str:
    if verdict.flag == "untested":
        return verdict.note
    if verdict.interval is not None:
        low, high = verdict.interval
        evidence = f"95% interval of the difference {difference_text(low, unit)} to {difference_text(high, unit)}"
    else:
        evidence = p_text(verdict.p_value)
    head = {"up": "FLAG: up beyond noise", "down": "FLAG: down beyond noise"}.get(verdict.flag, "within noise")
    return f"{head} ({evidence})"


def percent_text(value: float) -> str:
    return f"{100 * value:+.1f}%"


# --- the register's estimates --------------------------------------------------------------------


@dataclass
class Family:
    """A watched series and its other definitions, by definition name (records of change_estimates)."""

    series: str
    description: str
    expected: str
    by_definition: dict[str, dict]


@dataclass
class RegisterEntry:
    title: str
    began: str
    file: str
    definitions: list[str]
    families: list[Family]


def estimate_text(record: dict) -> str:
    if record["status"] == "not_estimable":
        return f"not estimable: {record['reason']}"
    return (
        f"{percent_text(record['level_change'])} "
        f"(95% interval {percent_text(record['level_ci_low'])} to {percent_text(record['level_ci_high'])})"
    )


def verdict_of(record: dict) -> str:
    return STATUS_TEXT.get(record["status"], "not estimable")


def register_entries(records: list[dict]) -> list[RegisterEntry]:
    """The estimates grouped by change, each watched series with its other definitions beside it."""
    entries: dict[str, RegisterEntry] = {}
    for record in records:
        entry = entries.setdefault(
            record["change"], RegisterEntry(record["change"], record["began"], record["file"], [], [])
        )
        spec = WEEKLY_SERIES[record["series"]]
        base = spec.variant_of or spec.name
        family = next((f for f in entry.families if f.series == base), None)
        if family is None:
            family = Family(base, WEEKLY_SERIES[base].description, record["expected"], {})
            entry.families.append(family)
        family.by_definition[spec.definition] = record
        if spec.definition not in entry.definitions:
            entry.definitions.append(spec.definition)
    for entry in entries.values():
        entry.definitions.sort(key=lambda d: (d != "current", d))
    return sorted(entries.values(), key=lambda e: (e.began, e.title))


# --- the packet ----------------------------------------------------------------------------------


def render_html(
    figures: QuarterFigures | None, records: list[dict], generated: dt.date, no_quarter_reason: str = ""
) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        value_text=value_text,
        difference_text=difference_text,
        relative_text=relative_text,
        verdict_text=verdict_text,
        estimate_text=estimate_text,
        verdict_of=verdict_of,
    )
    flagged = [
        (row, name)
        for row in (figures.rows if figures else [])
        for name, change in row.changes.items()
        if change.verdict is not None and change.verdict.flagged
    ]
    return env.get_template("packet.html.j2").render(
        f=figures,
        register=register_entries(records),
        flagged=flagged,
        generated=generated.isoformat(),
        no_quarter_reason=no_quarter_reason,
        css=(TEMPLATES / "packet.css").read_text(encoding="utf-8"),
    )


def write_packet(
    dest: Destination,
    records: list[dict],
    out_dir: Path | None = None,
    quarter: Quarter | None = None,
    generated: dt.date | None = None,
) -> tuple[Path, Path]:
    """Write `<quarter>.html` and `<quarter>.pdf` (`no-complete-quarter.*` while the data covers no
    whole quarter: the register's estimates are still worth reading); return both paths."""
    from orchestration.publishing.pdf import write_card_pdf

    try:
        figures, reason = read_quarter_figures(dest, quarter), ""
    except NoCompleteQuarter as exc:
        figures, reason = None, str(exc)
    name = figures.quarter.label if figures else "no-complete-quarter"
    out = Path(out_dir or packet_dir())
    out.mkdir(parents=True, exist_ok=True)
    html = render_html(figures, records, generated or dt.date.today(), reason)
    html_path = out / f"{name}.html"
    html_path.write_text(html, encoding="utf-8")
    return html_path, write_card_pdf(html, out / f"{name}.pdf")


def main(argv: list[str] | None = None) -> None:
    from orchestration.learning.assets import LearningResource
    from orchestration.learning.evaluate import evaluate_register

    parser = argparse.ArgumentParser(description="Write the quarterly learning packet (internal).")
    parser.add_argument("--quarter", help="e.g. 2024-Q4 (default: the latest complete quarter of the data)")
    parser.add_argument("--estimates", help="change_estimates.json to show (default: evaluate the register now)")
    parser.add_argument("--out", help=f"output folder (default: {packet_dir()})")
    args = parser.parse_args(argv)
    resource = LearningResource()
    dest = resource.destination()
    if args.estimates:
        records = json.loads(Path(args.estimates).read_text(encoding="utf-8"))
    else:
        records = evaluate_register(dest)
    quarter = Quarter.parse(args.quarter) if args.quarter else None
    for path in write_packet(dest, records, Path(args.out) if args.out else None, quarter):
        print(path)


if __name__ == "__main__":
    main()
