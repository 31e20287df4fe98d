"""Look-ups over the public marts, and the one place a published figure becomes text.

A `Figure` is one cell of a public mart: its value (None when hidden), why it is hidden, and its
key. Every number the site and the cards print goes through `Figure.text()`, and in HTML through
`Figure.html()`, which tags it with the mart row it came from (`data-src`), so the tests can check
each printed number against the mart.
"""
from __future__ import annotations

import datetime as dt
import html as html_lib
from dataclasses import dataclass

from orchestration.publish.locale import COUNT_UNITS, format_cell
from orchestration.publish.marts import PublicMarts

# Counts 1-10 are never printed; the marts suppress them, and this guard would hide one they missed.
MIN_PUBLISHED_COUNT = 11


@dataclass(frozen=True)
class Figure:
    source: str                 # mv (pub_metric_values) | ppl (people served) | staff
    key: tuple[str, ...]        # the mart row's key, in the mart's column order
    unit: str
    value: float | None
    suppression: str | None     # small_cell | complementary | None
    missing: bool = False       # no mart row: a zero count/share, or n/a for a mean

    @property
    def shown(self) -> bool:
        return self.value is not None and self.suppression is None

    def text(self, lang: str, not_available: str = "n/a") -> str:
        if self.missing and self.unit == "minutes":
            return not_available
        if self.missing:
            return format_cell(0.0, self.unit, lang)
        return format_cell(self.value if self.suppression is None else None, self.unit, lang, self.suppression)

    def html(self, lang: str, not_available: str = "n/a") -> str:
        state = "missing" if self.missing else (self.suppression or "value")
        return (f'<span class="num" data-src="{self.source}" data-key="{html_lib.escape("|".join(self.key))}" '
                f'data-state="{state}">{html_lib.escape(self.text(lang, not_available))}</span>')


class Figures:
    """Index of the public marts by key."""

    def __init__(self, marts: PublicMarts):
        self.marts = marts
        self.units = {c["metric_id"]: c["unit"] for c in marts.catalog}
        self._mv = {(r["metric_id"], r["period_grain"], r["period_start"], r["program"], r["dimension"],
                     r["dimension_value"]): r for r in marts.metric_values}
        self._demo = {
            "ppl": {(r["period_grain"], r["period_start"], r["program"], r["attribute"], r["category"]): r
                    for r in marts.people_served},
            "staff": {(r["period_grain"], r["period_start"], r["program"], r["attribute"], r["category"]): r
                      for r in marts.staff},
        }
        self.guarded = 0  # cells this guard hid because the mart printed a count of 1-10

    def unit(self, metric_id: str) -> str:
        return self.units.get(metric_id, "")

    def metric(self, metric_id: str, grain: str, start: dt.date, program: str = "ALL",
               dimension: str = "", dimension_value: str = "") -> Figure:
        key = (metric_id, grain, start.isoformat(), program, dimension, dimension_value)
        unit = self.unit(metric_id)
        row = self._mv.get((metric_id, grain, start, program, dimension, dimension_value))
        if row is None:
            return Figure("mv", key, unit, None, None, missing=True)
        return self._guard(Figure("mv", key, unit, row["value"], row["suppression_reason"] if row["is_suppressed"]
                                  else None))

    def demographic(self, source: str, grain: str, start: dt.date, program: str, attribute: str,
                    category: str) -> Figure:
        key = (grain, start.isoformat(), program, attribute, category)
        unit = "people" if source == "ppl" else "staff"
        row = self._demo[source].get((grain, start, program, attribute, category))
        if row is None:
            return Figure(source, key, unit, None, None, missing=True)
        value = row["people_served" if source == "ppl" else "staff_count"]
        return self._guard(Figure(source, key, unit, value, row["suppression_reason"] if row["is_suppressed"]
                                  else None))

    def _guard(self, fig: Figure) -> Figure:
        if fig.suppression is None and fig.unit in COUNT_UNITS and fig.value is not None \
                and 0 < fig.value < MIN_PUBLISHED_COUNT:
            self.guarded += 1
            return Figure(fig.source, fig.key, fig.unit, None, "small_cell")
        if fig.suppression is not None and fig.suppression not in ("small_cell", "complementary"):
            return Figure(fig.source, fig.key, fig.unit, None, "small_cell")
        return fig

    # -- what exists ---------------------------------------------------------------------------
    def periods(self, grain: str) -> list[dt.date]:
        return sorted({k[2] for k in self._mv if k[1] == grain})

    def dimension_values(self, metric_id: str, program: str | None = None) -> list[str]:
        return sorted({k[5] for k in self._mv if k[0] == metric_id and (program is None or k[3] == program)})

    def programs(self) -> list[str]:
        found = {k[3] for k in self._mv} | {k[2] for d in self._demo.values() for k in d}
        order = ["ALL", "CRT", "CORESPONSE", "CARENAV", "CCD"]
        return [p for p in order if p in found] + sorted(found - set(order))
