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

from orchestration.business_rules import business_rules
from orchestration.publishing.locale import COUNT_UNITS, csv_value, format_cell
from orchestration.publishing.marts import PublicMarts

# Small counts are never printed; the marts suppress them, and this guard would hide one they missed.
MIN_PUBLISHED_COUNT = business_rules().small_cell_max + 1


@dataclass(frozen=True)
class Figure:
    source: str  # mv (pub_metric_values) | ppl (people served) | staff
    key: tuple[str, ...]  # the mart row's key, in the mart's column order
    unit: str
    value: float | None
    suppression: str | None  # small_cell | complementary | None
    missing: bool = False  # no mart row: a zero count/share, or n/a for a mean
    # The city cannot compute this metric at all ("not available: needs ..."): never a zero.
    not_computed: str = ""

    @property
    def shown(self) -> bool:
        return self.value is not None and self.suppression is None

    @property
    def printable(self) -> bool:
        """A number can be printed: a published value, or a count with no row (zero incidents).
        A share, mean or rate with no row has no published denominator, so it is not a zero."""
        if self.not_computed:
            return False
        return self.shown or (self.missing and self.unit in COUNT_UNITS)

    @property
    def unavailable_reason(self) -> str:
        """Why no number is printed: small_cell | small_base | complementary | missing ('' if printable)."""
        if self.printable:
            return ""
        if self.not_computed:
            return "not_computed"
        if self.missing:
            return "missing"
        if self.suppression in ("complementary", "suppressed"):
            return self.suppression
        return "small_cell" if self.unit in COUNT_UNITS else "small_base"

    def reason_text(self, lang: str, reasons: dict) -> str:
        """Why no number is printed, in words: the content's reason, or what data the city lacks."""
        if self.unavailable_reason == "not_computed":
            return not_computed_text(self.not_computed, lang)
        return reasons[self.unavailable_reason]

    def text(self, lang: str, not_available: str = "n/a") -> str:
        if self.not_computed:
            return not_computed_text(self.not_computed, lang)
        if self.missing and self.unit in COUNT_UNITS:
            return format_cell(0.0, self.unit, lang)
        if self.missing:
            return not_available
        return format_cell(self.value if self.suppression is None else None, self.unit, lang, self.suppression)

    def csv(self, lang: str, not_available: str = "n/a") -> str:
        """The cell of a downloaded table: the printed figure as a plain number, or the printed mark."""
        if self.shown:
            return csv_value(self.value, self.unit)
        if self.not_computed:
            return self.text(lang, not_available)
        if self.missing and self.unit in COUNT_UNITS:
            return "0"
        return self.text(lang, not_available)

    def html(self, lang: str, not_available: str = "n/a") -> str:
        state = "not_computed" if self.not_computed else "missing" if self.missing else (self.suppression or "value")
        return (
            f'<span class="num" data-src="{self.source}" data-key="{html_lib.escape("|".join(self.key))}" '
            f'data-state="{state}">{html_lib.escape(self.text(lang, not_available))}</span>'
        )

    def tile_html(self, lang: str, label: str, reasons: dict) -> str:
        """A headline figure: the number, or the words "not available" and why; never a bare mark,
        because a headline number is read as a promise and "—" or "0" would be misread."""
        if self.printable:
            return f'<span class="big">{self.html(lang, reasons["missing"])}</span>'
        reason = self.unavailable_reason
        if reason == "not_computed":
            return (
                f'<span class="big unavailable" data-src="{self.source}" data-key="{html_lib.escape("|".join(self.key))}" '
                f'data-state="not_computed">{html_lib.escape(label)}</span>'
                f'<span class="reason">{html_lib.escape(not_computed_text(self.not_computed, lang))}</span>'
            )
        state = "missing" if self.missing else (self.suppression or "value")
        return (
            f'<span class="big unavailable" data-src="{self.source}" data-key="{html_lib.escape("|".join(self.key))}" '
            f'data-state="{state}">{html_lib.escape(label)}</span>'
            f'<span class="reason">{html_lib.escape(reasons[reason])}</span>'
        )


def not_computed_text(reason: str, lang: str) -> str:
    """The catalog's "not available: needs <what>" (English, from the seed source_data), in `lang`."""
    if lang == "es" and reason.startswith(NOT_COMPUTED_PREFIX):
        return "no disponible: requiere " + reason[len(NOT_COMPUTED_PREFIX) :]
    return reason


NOT_COMPUTED_PREFIX = "not available: needs "
RESPONDED_STATUS = "|responded"


class Figures:
    """Index of the public marts by key."""

    def __init__(self, marts: PublicMarts):
        self.marts = marts
        self.units = {c["metric_id"]: c["unit"] for c in marts.catalog}
        # Metrics this city cannot compute (pub_metric_catalog.unavailable_reason): no figure of
        # theirs is ever a zero or "n/a"; each says what data it needs.
        self.not_computed = {
            c["metric_id"]: c["unavailable_reason"] for c in marts.catalog if c.get("unavailable_reason")
        }
        self._mv = {
            (
                r["metric_id"],
                r["period_grain"],
                r["period_start"],
                r["program"],
                r["dimension"],
                r["dimension_value"],
            ): r
            for r in marts.metric_values
        }
        self._demo = {
            "ppl": {
                (r["period_grain"], r["period_start"], r["program"], r["attribute"], r["category"]): r
                for r in marts.people_served
            },
            "staff": {
                (r["period_grain"], r["period_start"], r["program"], r["attribute"], r["category"]): r
                for r in marts.staff
            },
        }
        self.guarded = 0  # cells this guard hid because the mart printed a count of 1-10
        # Periods late follow-ups and case records can still change (every output says so).
        self.provisional = {
            (r["period_grain"], r["period_start"]) for r in marts.metric_values if r.get("is_provisional")
        }

    def unit(self, metric_id: str) -> str:
        return self.units.get(metric_id, "")

    def metric(
        self,
        metric_id: str,
        grain: str,
        start: dt.date,
        program: str = "ALL",
        dimension: str = "",
        dimension_value: str = "",
    ) -> Figure:
        key = (metric_id, grain, start.isoformat(), program, dimension, dimension_value)
        unit = self.unit(metric_id)
        if metric_id in self.not_computed:
            return Figure("mv", key, unit, None, None, missing=True, not_computed=self.not_computed[metric_id])
        if dimension_value.endswith(RESPONDED_STATUS) and "heart_incidents" in self.not_computed:
            # A "responded" breakdown (eligible incidents by beat or hour) needs what HEART-responded
            # incidents need: for a city without that data it is not a zero.
            return Figure("mv", key, unit, None, None, missing=True, not_computed=self.not_computed["heart_incidents"])
        row = self._mv.get((metric_id, grain, start, program, dimension, dimension_value))
        if row is None:
            return Figure("mv", key, unit, None, None, missing=True)
        return self._guard(
            Figure("mv", key, unit, row["value"], row["suppression_reason"] if row["is_suppressed"] else None)
        )

    def demographic(
        self, source: str, grain: str, start: dt.date, program: str, attribute: str, category: str
    ) -> Figure:
        key = (grain, start.isoformat(), program, attribute, category)
        unit = "people" if source == "ppl" else "staff"
        row = self._demo[source].get((grain, start, program, attribute, category))
        if row is None:
            return Figure(source, key, unit, None, None, missing=True)
        value = row["people_served" if source == "ppl" else "staff_count"]
        return self._guard(
            Figure(source, key, unit, value, row["suppression_reason"] if row["is_suppressed"] else None)
        )

    def _guard(self, fig: Figure) -> Figure:
        if (
            fig.suppression is None
            and fig.unit in COUNT_UNITS
            and fig.value is not None
            and 0 < fig.value < MIN_PUBLISHED_COUNT
        ):
            self.guarded += 1
            return Figure(fig.source, fig.key, fig.unit, None, "small_cell")
        if fig.suppression is not None and fig.suppression not in ("small_cell", "complementary", "suppressed"):
            return Figure(fig.source, fig.key, fig.unit, None, "small_cell")
        return fig

    # -- what exists ---------------------------------------------------------------------------
    def is_provisional(self, grain: str, start: dt.date) -> bool:
        return (grain, start) in self.provisional

    def periods(self, grain: str) -> list[dt.date]:
        return sorted({k[2] for k in self._mv if k[1] == grain})

    def metric_periods(self, metric_id: str, grain: str) -> list[dt.date]:
        return sorted({k[2] for k in self._mv if k[0] == metric_id and k[1] == grain})

    def dimension_values(self, metric_id: str, program: str | None = None) -> list[str]:
        return sorted({k[5] for k in self._mv if k[0] == metric_id and (program is None or k[3] == program)})

    def programs(self) -> list[str]:
        found = {k[3] for k in self._mv} | {k[2] for d in self._demo.values() for k in d}
        order = ["ALL", "CRT", "CORESPONSE", "CARENAV", "CCD"]
        return [p for p in order if p in found] + sorted(found - set(order))


ANSWERED_SHARE = "eligible_answered_share"


def answered_share(figs: Figures, grain: str, start: dt.date) -> Figure:
    """The share of eligible incidents HEART answered: one minus the published forgone shares of every
    reason. It is derived only from printed shares, so it reveals nothing they do not; when any reason's
    share is hidden it is not available either."""
    key = (ANSWERED_SHARE, grain, start.isoformat(), "ALL", "", "")
    if "forgone_share" in figs.not_computed:
        return Figure(
            "derived", key, "share (0..1)", None, None, missing=True, not_computed=figs.not_computed["forgone_share"]
        )
    rows = [
        r for k, r in figs._mv.items() if k[0] == "forgone_share" and k[1] == grain and k[2] == start and k[3] == "ALL"
    ]
    if not rows:
        return Figure("derived", key, "share (0..1)", None, None, missing=True)
    if any(r["is_suppressed"] for r in rows):
        return Figure("derived", key, "share (0..1)", None, "complementary")
    return Figure("derived", key, "share (0..1)", max(0.0, 1.0 - sum(r["value"] for r in rows)), None)
