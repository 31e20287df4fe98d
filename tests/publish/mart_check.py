"""Independent reading of the public marts, and the comparison of printed figures with them.

The tests read the marts themselves (plain SQL, not the publisher's reader) and parse what a page
or a PDF shows back into a number, so a figure passes only when the text a reader sees equals the
mart row it claims to come from.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb

from orchestration.business_rules import business_rules
from orchestration.publishing.locale import period_end

from .fixtures import PROJECT_ROOT

NBSP = "\u00a0"
NUMBER = re.compile(r"\d[\d.,]*\d|\d")


def read_marts(path: Path) -> dict:
    """{'mv': {key: row}, 'ppl': {...}, 'staff': {...}, 'catalog': {metric: unit}} keyed like data-key."""
    with duckdb.connect(str(path), read_only=True) as con:

        def rows(sql):
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

        mv = {
            "|".join(
                [
                    r["metric_id"],
                    r["period_grain"],
                    str(r["period_start"])[:10],
                    r["program"],
                    r["dimension"] or "",
                    r["dimension_value"] or "",
                ]
            ): r
            for r in rows("select * from public_marts.pub_metric_values")
        }
        ppl = {
            "|".join([r["period_grain"], str(r["period_start"])[:10], r["program"], r["attribute"], r["category"]]): r
            for r in rows("select * from public_marts.pub_people_served_demographics")
        }
        staff = {
            "|".join([r["period_grain"], str(r["period_start"])[:10], r["program"], r["attribute"], r["category"]]): r
            for r in rows("select * from public_marts.pub_staff_demographics")
        }
        catalog = {
            r["metric_id"]: r["unit"] for r in rows("select metric_id, unit from public_marts.pub_metric_catalog")
        }
        summaries = rows("select * from public_marts.pub_call_summaries")
    return {"mv": mv, "ppl": ppl, "staff": staff, "catalog": catalog, "summaries": summaries}


def parse_shown(text: str, lang: str) -> tuple[float, int, bool]:
    """'1,234.5%' -> (1234.5, 1 decimal, is_percent). Both languages use United States formats (es-US):
    Spain's '1.234,5' or '95,4 %' is refused, as is any space before the percent sign."""
    assert lang in ("en", "es"), lang
    t = text.strip()
    percent = t.endswith("%")
    t = t[:-1] if percent else t
    if not re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?", t):
        raise AssertionError(f"{text!r} is not an {lang}-US number (group ',', decimal '.', percent '95.4%')")
    whole, _, frac = t.partition(".")
    return float(whole.replace(",", "") + ("." + frac if frac else "")), len(frac), percent


COUNT_UNITS = ("incidents", "contacts", "count")
NOT_AVAILABLE = ("n/a", "n/d")


def answered_share(marts: dict, key: str) -> tuple[float | None, bool]:
    """(1 - the published forgone shares of the period, any of them hidden?), read straight from the rows."""
    _, grain, start, program, _, _ = key.split("|")
    rows = [r for k, r in marts["mv"].items() if k.startswith(f"forgone_share|{grain}|{start}|{program}|")]
    if not rows:
        return None, False
    if any(r["is_suppressed"] for r in rows):
        return None, True
    return max(0.0, 1 - sum(r["value"] for r in rows)), False


def check_figure(marts: dict, src: str, key: str, state: str, text: str, lang: str, where: str) -> None:
    """Assert that one printed figure equals its mart row (or is a correct suppression / zero mark)."""
    label = f"{where}: figure {src}:{key} shown as {text!r}"
    if src == "derived":
        assert key.startswith("eligible_answered_share|"), f"{label}: unknown derived figure"
        value, hidden = answered_share(marts, key)
        if state != "value":
            assert value is None, f"{label}: marked {state} but the forgone shares give {value}"
            return
        assert value is not None, f"{label}: printed, but a forgone share is hidden or none is published"
        shown, decimals, percent = parse_shown(text, lang)
        assert percent and abs(shown - value * 100) <= 0.5 * 10**-decimals + 1e-9, f"{label}: expected {value:.4f}"
        return
    table = marts[src]
    row = table.get(key)
    unit = marts["catalog"].get(key.split("|")[0], "") if src == "mv" else "count"
    if state in ("small_cell", "complementary", "suppressed"):
        expected = "\u2014" if state != "small_cell" else "<11" if unit in COUNT_UNITS else "n<11"
        assert text == expected, f"{label}: a {state} cell must print {expected!r}"
        if src == "mv" or row is not None:
            assert row is not None and row["is_suppressed"], f"{label}: shown as suppressed but the mart row is not"
        return
    if state == "missing":
        assert row is None, f"{label}: marked missing but the mart has the row {row}"
        if unit in COUNT_UNITS:
            assert parse_shown(text, lang)[0] == 0, f"{label}: a count with no row is zero"
        else:
            assert text in NOT_AVAILABLE, f"{label}: a share, mean or rate with no row is not available, never 0"
        return
    assert row is not None, f"{label}: no such row in the public mart"
    assert not row["is_suppressed"], f"{label}: the mart row is suppressed but a value is printed"
    value = row["value"] if src == "mv" else row["people_served" if src == "ppl" else "staff_count"]
    shown, decimals, percent = parse_shown(text, lang)
    if unit == "share (0..1)":
        assert percent, f"{label}: a share must print as a percent"
        value = value * 100
    if unit in COUNT_UNITS:
        assert not 1 <= shown <= 10, f"{label}: a count of 1-10 must never be printed"
    tolerance = 0.5 * 10**-decimals + 1e-9
    assert abs(shown - value) <= tolerance, f"{label}: the mart says {value}"


def check_unavailable(marts: dict, src: str, key: str, state: str, where: str) -> None:
    """A figure printed as "not available" really has no publishable value in the marts."""
    label = f"{where}: {src}:{key} shown as not available ({state})"
    if src == "derived":
        assert answered_share(marts, key)[0] is None, label
        return
    row = marts[src].get(key)
    unit = marts["catalog"].get(key.split("|")[0], "") if src == "mv" else "count"
    if state == "missing":
        assert row is None and unit not in COUNT_UNITS, f"{label}: a count with no row is a zero, not unavailable"
    else:
        assert row is not None and row["is_suppressed"], f"{label}: the mart row is published"


def reviewed_text_numbers(marts: dict) -> set[str]:
    """Numbers written in reviewed text (copy like '911' or '18 to 24', stories, the metric catalog's
    definitions, curated summaries): allowed in page text, unlike any figure."""
    texts = [p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "content").rglob("*") if p.is_file()]
    texts.append((PROJECT_ROOT / "seeds" / "metric_catalog.csv").read_text(encoding="utf-8"))
    texts += [s["summary_en"] + " " + s["summary_es"] for s in marts["summaries"]]
    return {n for t in texts for n in NUMBER.findall(t)}


def provisional_numbers(marts: dict) -> set[str]:
    """A provisional quarter's notes name the follow-up window and the day its figures settle."""
    window = business_rules().follow_up_window_days
    settle = [
        period_end(dt.date.fromisoformat(str(r["period_start"])[:10]), "quarter") + dt.timedelta(days=window)
        for r in marts["mv"].values()
        if r["period_grain"] == "quarter" and r.get("is_provisional")
    ]
    return {str(window)} | date_numbers(*settle)


def date_numbers(*days: dt.date) -> set[str]:
    return {str(n) for d in days for n in (d.year, d.day)}
