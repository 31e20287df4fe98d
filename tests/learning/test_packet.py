"""The quarterly learning packet on a built demo warehouse (2024, four whole quarters).

Every figure the HTML shows equals marts.fct_metric_values; every flag equals a test computed here
with statsmodels (counts, proportions) or scipy's bootstrap (durations, from fct_incidents); the
PDF says what the HTML says; the register's estimates are the evaluation's, both follow-up
definitions side by side. The planted change is the 2024-10-01 extension of Crisis Call Diversion's
hours, which the demo city's seeds make: ccd_incidents must be flagged up against 2024-Q3, while
Care Navigation's contacts, which nothing changed, must not.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser

import dagster as dg
import numpy as np
import pytest
from pypdf import PdfReader
from scipy import stats
from statsmodels.stats import rates
from statsmodels.stats.proportion import proportions_ztest

from orchestration.learning.assets import LearningResource, change_estimates, learning_packet
from orchestration.learning.evaluate import evaluate_register
from orchestration.learning.packet import write_packet
from orchestration.warehouse.connections import connect
from orchestration.warehouse.destination import Destination

GENERATED = dt.date(2025, 1, 31)
CURRENT, PREVIOUS = dt.date(2024, 10, 1), dt.date(2024, 7, 1)
DAYS = {CURRENT: 92, PREVIOUS: 92}
# The incident values behind each duration, written from docs/metric_definitions.md.
DURATION_SQL = {
    "response_minutes_mean": (np.mean, "response_minutes", "is_heart_responded and response_time_status = 'valid'"),
    "response_minutes_median": (np.median, "response_minutes", "is_heart_responded and response_time_status = 'valid'"),
    "response_minutes_p90": (
        lambda v, axis=-1: np.percentile(v, 90, axis=axis),
        "response_minutes",
        "is_heart_responded and response_time_status = 'valid'",
    ),
    "time_on_task_minutes_mean": (
        np.mean,
        "heart_time_on_task_minutes",
        "is_heart_responded and heart_time_on_task_minutes is not null",
    ),
    "eligible_response_minutes_mean": (
        np.mean,
        "response_minutes",
        "is_eligible and is_heart_responded and response_time_status = 'valid'",
    ),
    "police_minutes_per_forgone_incident": (np.mean, "coalesce(police_minutes, 0)", "is_forgone"),
}


class _Tables(HTMLParser):
    """Rows of the metric table (by metric and dimension value) and of the register tables: each
    cell's class, data attributes and text."""

    def __init__(self):
        super().__init__()
        self.metric_rows: dict[tuple[str, str], list[dict]] = {}
        self.register_rows: list[tuple[str, str, list[dict]]] = []
        self.change = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-change" in a:
            self.change = a["data-change"]
        elif tag == "tr" and "data-metric" in a:
            self.row = self.metric_rows.setdefault((a["data-metric"], a["data-dimension-value"]), [])
        elif tag == "tr" and "data-series" in a:
            self.row = []
            self.register_rows.append((self.change, a["data-series"], self.row))
        elif tag == "td" and self.row is not None:
            self.cell = {**a, "text": ""}
            self.row.append(self.cell)

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def _cell(cells: list[dict], cls: str) -> dict:
    return next(c for c in cells if cls in (c.get("class") or "").split())


def _shown(text: str) -> tuple[float, int]:
    """The first number of a cell as shown, and its decimals."""
    token = re.search(r"[+-]?[\d,]+(?:\.\d+)?", text).group(0).replace(",", "")
    return float(token), len(token.partition(".")[2])


@pytest.fixture(scope="module")
def built(duckdb_demo, tmp_path_factory):
    dest = Destination.duckdb(duckdb_demo.warehouse.duckdb_path)
    records = evaluate_register(dest)
    out = tmp_path_factory.mktemp("packet")
    html_path, pdf_path = write_packet(dest, records, out, generated=GENERATED)
    html = html_path.read_text(encoding="utf-8")
    tables = _Tables()
    tables.feed(html)
    with connect(dest, read_only=True) as con:
        marts = con.execute(
            "select metric_id, period_start, dimension_value, value, numerator, denominator "
            "from marts.fct_metric_values where period_grain = 'quarter' and program = 'ALL'"
        ).fetchall()
        catalog = con.execute("select metric_id, unit from marts.dim_metric").fetchall()
        samples = {}
        for metric_id, (_, column, condition) in DURATION_SQL.items():
            for start in (CURRENT, PREVIOUS):
                rows = con.execute(
                    f"select {column} from marts.fct_incidents where {condition} and created_quarter_local = ?",
                    [start],
                ).fetchall()
                samples[(metric_id, start)] = np.array([r[0] for r in rows], dtype=float)
    return {
        "dest": dest,
        "records": records,
        "html": html,
        "pdf": " ".join("\n".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages).split()),
        "tables": tables,
        "marts": {(m, s, dv): (v, n, d) for m, s, dv, v, n, d in marts},
        "units": dict(catalog),
        "samples": samples,
        "html_path": html_path,
    }


def test_the_packet_is_the_latest_complete_quarter_and_lists_every_catalog_metric(built):
    assert built["html_path"].name == "2024-Q4.html"
    shown = {metric for metric, _ in built["tables"].metric_rows}
    assert shown == set(built["units"]), f"catalog metrics missing: {set(built['units']) - shown}"


def test_every_figure_equals_the_mart(built):
    marts, units, checked = built["marts"], built["units"], 0
    for (metric_id, dimension_value), cells in built["tables"].metric_rows.items():
        if any(c.get("colspan") == "7" for c in cells):  # a grid summarized, not listed
            continue
        for cls, start in (("current", CURRENT), ("previous", PREVIOUS)):
            text = _cell(cells, cls)["text"]
            value = marts.get((metric_id, start, dimension_value), (None,))[0]
            if value is None:  # the mart omits zero counts; anything else must say why it is missing
                assert text.startswith("0") or text.startswith("not available: "), (metric_id, dimension_value, text)
                continue
            shown, decimals = _shown(text)
            target = 100 * value if units[metric_id] == "share (0..1)" else value
            assert abs(shown - target) <= 0.5 * 10**-decimals + 1e-9, (metric_id, dimension_value, cls, text, value)
            checked += 1
        # The data begins 2024-01-01: 2023-Q4 is not available, and the packet says why.
        for cls in ("year_ago", "change-year_ago"):
            assert _cell(cells, cls)["text"] == "not available: the data begins 2024-01-01, after 2023-Q4 began"
    assert checked > 100


def _independent_flag(built, metric_id: str, dimension_value: str) -> str | None:
    """up / down / within_noise from statsmodels or scipy, or None where no noise model applies."""
    unit = built["units"][metric_id]
    zero = (0.0, 0.0, None) if unit in ("incidents", "contacts") else None  # the mart omits zero counts
    now = built["marts"].get((metric_id, CURRENT, dimension_value), zero)
    then = built["marts"].get((metric_id, PREVIOUS, dimension_value), zero)
    if metric_id.endswith("_standardized") or unit == "hours" or now is None or then is None:
        return None
    if metric_id in DURATION_SQL:
        f = DURATION_SQL[metric_id][0]
        x, y = built["samples"][(metric_id, CURRENT)], built["samples"][(metric_id, PREVIOUS)]
        ci = stats.bootstrap(
            (x, y),
            lambda a, b, axis=-1: f(a, axis=axis) - f(b, axis=axis),
            n_resamples=2000,
            method="percentile",
            random_state=np.random.default_rng(1),
        ).confidence_interval
        width = ci.high - ci.low
        if min(abs(ci.low), abs(ci.high)) < 0.1 * width:
            return "borderline"  # two bootstraps may fairly disagree this close to 0
        significant, difference = ci.low > 0 or ci.high < 0, f(x) - f(y)
    elif unit in ("incidents", "contacts") or metric_id == "arrests_per_100":
        exposure = (DAYS[CURRENT], DAYS[PREVIOUS]) if metric_id != "arrests_per_100" else (now[2], then[2])
        result = rates.test_poisson_2indep(int(now[1]), exposure[0], int(then[1]), exposure[1], method="exact-cond")
        significant, difference = result.pvalue < 0.05, now[1] / exposure[0] - then[1] / exposure[1]
    else:
        _, p = proportions_ztest([now[1], then[1]], [now[2], then[2]])
        significant, difference = p < 0.05, now[1] / now[2] - then[1] / then[2]
    if not significant:
        return "within_noise"
    return "up" if difference > 0 else "down"


def test_every_flag_equals_an_independent_test(built):
    compared = 0
    for (metric_id, dimension_value), cells in built["tables"].metric_rows.items():
        if any(c.get("colspan") == "7" for c in cells):
            continue
        expected = _independent_flag(built, metric_id, dimension_value)
        flags = [c for c in cells if "flag-previous" in (c.get("class") or "").split()]
        if expected is None:  # a figure missing, or no noise model: said in words, never a flag
            text = flags[0]["text"] if flags else _cell(cells, "change-previous")["text"]
            assert "no noise model" in text or text.startswith("not available: "), (metric_id, dimension_value, text)
            continue
        cell = flags[0]
        if expected == "borderline":
            continue
        assert cell["data-flag"] == expected, (metric_id, dimension_value, cell["text"])
        compared += 1
    assert compared > 50


def test_the_planted_change_is_flagged_and_a_stable_metric_is_not(built):
    rows = built["tables"].metric_rows
    planted = _cell(rows[("ccd_incidents", "")], "flag-previous")
    stable = _cell(rows[("care_navigation_contacts", "")], "flag-previous")
    assert planted["data-flag"] == "up" and planted["text"].startswith("FLAG: up beyond noise")
    assert stable["data-flag"] == "within_noise" and stable["text"].startswith("within noise")
    listed = " ".join(re.sub(r"<[^>]+>", "", built["html"]).split())
    assert "ccd_incidents against 2024-Q3: FLAG: up beyond noise" in listed
    assert "care_navigation_contacts against" not in listed


def test_the_register_shows_the_evaluation_with_both_follow_up_definitions_side_by_side(built):
    by_key = {(r["change"], r["series"]): r for r in built["records"]}
    rows = built["tables"].register_rows
    assert {change for change, _, _ in rows} == {r["change"] for r in built["records"]}
    for change, series, cells in rows:
        estimates = [c for c in cells if "estimate" in (c.get("class") or "").split()]
        definitions = [c["data-definition"] for c in estimates]
        names = [series if d == "current" else f"{series}_{d}" for d in definitions]
        for name, cell in zip(names, estimates):
            record = by_key[(change, name)]
            if record["status"] == "not_estimable":
                assert cell["text"] == f"not estimable: {record['reason']}"
                continue
            low, high = (f"{100 * record[k]:+.1f}%" for k in ("level_ci_low", "level_ci_high"))
            assert cell["text"] == f"{100 * record['level_change']:+.1f}% (95% interval {low} to {high})"
    follow_ups = next(c for ch, s, c in rows if s == "follow_up_contacts")
    assert [c["data-definition"] for c in follow_ups if "data-definition" in c] == ["current", "expanded"]
    ccd = by_key[("Crisis Call Diversion on duty 7:00-24:00, and more call types eligible", "ccd_incidents")]
    assert ccd["status"] == "as_expected"


def test_the_pdf_says_what_the_html_says(built):
    pdf = built["pdf"]
    for (metric_id, dimension_value), cells in built["tables"].metric_rows.items():
        assert metric_id in pdf
        for cell in cells:
            for number in re.findall(r"[+-]?[\d,]+\.\d+%?|[+-]?\d{1,3}(?:,\d{3})+", cell["text"]):
                assert number in pdf, (metric_id, dimension_value, number)
    for record in built["records"]:
        if record["status"] != "not_estimable":
            assert f"{100 * record['level_change']:+.1f}%" in pdf, record


def test_the_packet_fetches_nothing(built):
    html = built["html"]
    assert not re.search(r"https?://|<script|<link|src=", html), "the packet must carry everything it shows"


def test_the_dagster_asset_writes_the_packet_from_change_estimates(built, tmp_path):
    dest = built["dest"]
    resource = LearningResource(
        target="duckdb",
        duckdb_path=str(dest.duckdb_path),
        out_dir=str(tmp_path / "learning"),
        packet_dir=str(tmp_path / "packet"),
    )
    result = dg.materialize([change_estimates, learning_packet], resources={"learning": resource})
    assert result.success
    written = json.loads((tmp_path / "learning" / "change_estimates.json").read_text())
    html = (tmp_path / "packet" / "2024-Q4.html").read_text(encoding="utf-8")
    assert (tmp_path / "packet" / "2024-Q4.pdf").stat().st_size > 0
    shown = [r for r in written if r["status"] != "not_estimable"]
    assert shown and all(f"{100 * r['level_change']:+.1f}%" in html for r in shown)


def test_without_a_whole_quarter_the_packet_says_so_and_still_shows_the_register(tmp_path):
    """A city's first months (the tiny city: 2024-09-01 to 2024-11-08) hold no whole quarter: the
    packet says so rather than failing the daily run, and still lists the register's estimates."""
    dest = Destination.duckdb(tmp_path / "w.duckdb")
    with connect(dest) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_incidents as select * from (values (date '2024-09-01'), (date '2024-11-08')) "
            "as t(created_date_local)"
        )
    record = {"change": "A change", "began": "2024-10-01", "file": "x.yml", "series": "ccd_incidents"}
    record |= {"expected": "up", "status": "not_estimable", "reason": "ccd_incidents: too few weeks"}
    html_path, pdf_path = write_packet(dest, [record], tmp_path / "out", generated=GENERATED)
    text = " ".join(re.sub(r"<[^>]+>", "", html_path.read_text(encoding="utf-8")).split())
    assert html_path.name == "no-complete-quarter.html" and pdf_path.stat().st_size > 0
    assert "not available: marts.fct_incidents covers 2024-09-01 to 2024-11-08: no calendar quarter" in text
    assert "A change" in text and "not estimable: ccd_incidents: too few weeks" in text


def test_a_metric_the_city_cannot_compute_says_why_in_every_column(built, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(built["dest"].duckdb_path, warehouse)
    reason = "not available: needs CAD unit assignments (dispatch to clear times)"
    with connect(Destination.duckdb(warehouse)) as con:
        con.execute(
            "update marts.dim_metric_availability set is_available = false, unavailable_reason = ? "
            "where metric_id = 'police_hours_saved'",
            [reason],
        )
        con.execute("delete from marts.fct_metric_values where metric_id = 'police_hours_saved'")
    html_path, _ = write_packet(Destination.duckdb(warehouse), [], tmp_path / "out", generated=GENERATED)
    tables = _Tables()
    tables.feed(html_path.read_text(encoding="utf-8"))
    cells = tables.metric_rows[("police_hours_saved", "")][3:]
    assert [c["text"] for c in cells] == [reason] * 5  # three quarters, two changes
