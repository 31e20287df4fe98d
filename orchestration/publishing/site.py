"""The public site: dashboard (tabs + filters), Major Questions pages and the Definitions page, in
English (`<out>/`) and Spanish (`<out>/es/`). Styles, page scripts and data are inlined; charts are
Vega-Lite specs (charts.py) drawn by the vega bundle copied beside the pages (`<out>/vendor/`), so
nothing is requested from anywhere but the site itself when a page is viewed."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import shutil
from pathlib import Path

import jinja2
from babel import dates as babel_dates

from orchestration.business_rules import business_rules
from orchestration.cities import load_profile
from orchestration.publishing.charts import (
    bar_list,
    beat_map,
    d3_locale,
    embedded_figure,
    figure_row,
    heat_map,
    period_chart,
)
from orchestration.publishing.content import Copy, load_copy, load_site_settings
from orchestration.publishing.figures import Figures, answered_share, not_computed_text
from orchestration.publishing.locale import (
    LANGS,
    LOCALES,
    format_date,
    format_settings,
    period_end,
    period_from_to,
    period_label,
    period_short,
    quarter_id,
)
from orchestration.publishing.markup import copy_html, mailto_html
from orchestration.publishing.questions import QUESTIONS, SPECS, answer, column_label, columns, ordered_values

HERE = Path(__file__).parent
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
# Loaded in this order: vega-lite and vega-embed need vega; the interpreter extends it.
VENDOR_SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "vega-interpreter.js")
# Metrics the dashboard embeds (the large hour-of-week and beat breakdowns live on the Q3 page).
TABS = [
    (
        "volume",
        "metrics",
        [
            ("heart_incidents", True),
            ("eligible_incidents", True),
            ("heart_incidents_by_origin", False),
            ("ccd_incidents", False),
        ],
    ),
    (
        "response",
        "metrics",
        [("response_minutes_mean", True), ("response_minutes_median", True), ("response_minutes_p90", True)],
    ),
    ("backup", "metrics", [("police_backup_share", True), ("ems_support_share", True), ("felt_safe_share", True)]),
    ("outcomes", "metrics", [("outcome_share", True)]),
    ("people", "demographics", "ppl"),
    ("staff", "demographics", "staff"),
    ("summaries", "summaries", None),
]
# The public tables carry a total (attribute ALL, category TOTAL) beside each breakdown.
DEMOGRAPHIC_ATTRIBUTES = ("ALL", "race", "ethnicity", "gender", "age_group")


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _lang_root(lang: str) -> str:
    return "" if lang == "en" else f"{lang}/"


def _other(lang: str) -> str:
    return "es" if lang == "en" else "en"


def current_through(figs: Figures) -> dt.date | None:
    """The last day the published figures cover: the end of the latest month (else quarter, year)."""
    for grain in ("month", "quarter", "year"):
        periods = figs.periods(grain)
        if periods:
            return period_end(periods[-1], grain)
    return None


def dates_line(figs: Figures, copy: Copy, generated: dt.date) -> dict:
    through = current_through(figs)
    return {
        "current_through": copy.get("site.current_through").format(date=format_date(through, copy.lang))
        if through
        else "",
        "published_on": copy.get("site.published_on").format(date=format_date(generated, copy.lang)),
        "contact_email": load_site_settings()["contact_email"],
        "contact_html": copy_html(copy.get("site.contact"), email=mailto_html(load_site_settings()["contact_email"])),
    }


def headline(figs: Figures, copy: Copy) -> dict | None:
    """The share of eligible incidents HEART answered in the latest quarter, the figure led with."""
    quarters = figs.periods("quarter")
    if not quarters:
        return None
    latest = quarters[-1]
    fig = answered_share(figs, "quarter", latest)
    opening = period_from_to(latest, "quarter", copy.lang)
    na = copy.get("not_available")
    if fig.printable:
        sentence = copy_html(copy.get("site.headline"), period=_esc(opening), share=fig.html(copy.lang, na))
    elif fig.not_computed:
        sentence = _esc(f"{copy.get('site.headline_label')}: {fig.text(copy.lang)}.")
    else:
        sentence = copy_html(copy.get("site.headline_fallback"), period=_esc(opening))
    return {
        "sentence": sentence,
        "label": copy.get("site.headline_label"),
        "tile": fig.tile_html(copy.lang, copy.get("unavailable.label"), copy.get("unavailable")),
    }


def _esc(text: str) -> str:
    return html.escape(text)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A downloadable copy of a table: its header (a metric over its breakdown as "metric: value"),
    its row labels and each cell's figure as a plain number or the mark the table prints."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A byte-order mark so spreadsheet programs read the accents as UTF-8.
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    return path


def _page_context(
    copy: Copy,
    depth: int,
    active: str,
    generated: dt.date,
    page_title: str,
    other_path: str,
    figs: Figures | None = None,
) -> dict:
    """`depth`: folders below the language root; links are relative so the site works from a file."""
    lang = copy.lang
    root = "../" * depth
    site_root = root + ("../" if lang != "en" else "")
    return {
        "lang": lang,
        "copy": copy,
        "root": root,
        "active": active,
        "page_title": page_title,
        "generated": _date_text(generated, lang),
        "css": (STATIC / "style.css").read_text(encoding="utf-8"),
        "page_js": (STATIC / "page.js").read_text(encoding="utf-8"),
        "dates": dates_line(figs, copy, generated) if figs else {},
        "cards_href": f"{site_root}../cards/index.html",
        "other_lang": _other(lang),
        "other_lang_href": site_root + _lang_root(_other(lang)) + other_path,
        "chart_scripts": [site_root + "vendor/" + name for name in VENDOR_SCRIPTS],
        "charts_js": (STATIC / "charts.js").read_text(encoding="utf-8"),
    }


def _date_text(day: dt.date, lang: str) -> str:
    return format_date(day, lang)


# -- dashboard ------------------------------------------------------------------------------------
def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out, d = [], dt.date(first.year, first.month, 1)
    while d <= last:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def dashboard_data(figs: Figures, copy: Copy) -> dict:
    lang, marts = copy.lang, figs.marts
    starts = [r["period_start"] for r in marts.metric_values + marts.people_served + marts.staff + marts.summaries]
    grains = {
        g: sorted(
            {r["period_start"] for r in marts.metric_values if r["period_grain"] == g}
            | {r["period_start"] for r in marts.people_served + marts.staff if r["period_grain"] == g}
        )
        for g in ("month", "quarter", "year")
    }
    months = _months_between(min(starts), max(starts)) if starts else []
    tabs, embedded_metrics = [], set()
    for tab_id, kind, spec in TABS:
        tab = {
            "id": tab_id,
            "kind": kind,
            "title": copy.get(f"tabs.{tab_id}"),
            "intro": copy.get(f"tab_intros.{tab_id}"),
        }
        if kind == "metrics":
            cols = []
            for metric_id, charted in spec:
                embedded_metrics.add(metric_id)
                for col in columns(figs, copy, (metric_id,), program=None):
                    grouped = bool(col.dimension) and tab_id != "outcomes"
                    cols.append(
                        {
                            "metric": col.metric_id,
                            "dim": col.dimension,
                            "dv": col.dimension_value,
                            "label": column_label(copy, col, with_metric=False),
                            "group": copy.metric(col.metric_id) if grouped else "",
                            "unit": figs.unit(col.metric_id),
                            "chart": charted or tab_id == "outcomes",
                        }
                    )
            tab["columns"] = cols
            unit = next((c["unit"] for c in cols if c["chart"]), "")
            tab["specs"] = {
                kind: period_chart(
                    unit=unit,
                    x_title=copy.get("site.axis_period"),
                    y_title=copy.label("units", unit) if unit else "",
                    series_title=copy.get("site.series"),
                    value_title=copy.get("site.value"),
                    hidden_label=copy.get("site.hidden_mark"),
                    description=copy.get("site.chart_title_by_period").format(title=tab["title"]),
                    line=kind.startswith("line"),
                    with_hidden=kind.endswith("+hidden"),
                )
                for kind in ("bars", "line", "bars+hidden", "line+hidden")
            }
        elif kind == "demographics":
            tab["source"] = spec
            rows = marts.people_served if spec == "ppl" else marts.staff
            attrs = []
            for attribute in DEMOGRAPHIC_ATTRIBUTES:
                present = {r["category"] for r in rows if r["attribute"] == attribute}
                if not present:
                    continue
                known = list((copy.data.get("categories", {}).get(attribute) or {}).keys())
                cats = [c for c in known if c in present] + sorted(present - set(known))
                label = copy.label("attributes", attribute)
                attrs.append(
                    {
                        "id": attribute,
                        "label": label,
                        "categories": [{"code": c, "label": copy.category(attribute, c)} for c in cats],
                        "specs": {
                            kind: bar_list(
                                x_title=copy.label("units", "people" if spec == "ppl" else "staff"),
                                y_title=label,
                                value_title=copy.get("site.value"),
                                hidden_label=copy.get("site.hidden_mark"),
                                description=f"{tab['title']} · {label}",
                                with_hidden=kind == "bars+hidden",
                            )
                            for kind in ("bars", "bars+hidden")
                        },
                    }
                )
            tab["attributes"] = attrs
        tabs.append(tab)

    def mv_row(r):
        f = figs.metric(
            r["metric_id"], r["period_grain"], r["period_start"], r["program"], r["dimension"], r["dimension_value"]
        )
        return [*f.key, f.value if f.shown else None, f.suppression]

    def demo_row(src, r):
        f = figs.demographic(src, r["period_grain"], r["period_start"], r["program"], r["attribute"], r["category"])
        return [*f.key, f.value if f.shown else None, f.suppression]

    has = {f"{r['metric_id']}|{r['program']}": True for r in marts.metric_values}
    has.update({f"ppl|{r['program']}": True for r in marts.people_served})
    has.update({f"staff|{r['program']}": True for r in marts.staff})
    summary_col = f"summary_{lang}"
    return {
        "lang": lang,
        "format": format_settings(lang),
        "labels": {
            "no_data": copy.get("site.no_data"),
            "period": copy.get("site.period"),
            "not_available": copy.get("not_available"),
            "latest_period": copy.get("site.latest_period"),
            "demographics_grain_note": copy.get("site.demographics_grain_note"),
            "axis_period": copy.get("site.axis_period"),
            "csv_download": copy.get("site.csv_download"),
            "chart_title_by_period": copy.get("site.chart_title_by_period"),
            "scroll_hint": copy.get("site.scroll_hint"),
        },
        "unit_labels": copy.get("units"),
        # a metric the city cannot compute prints why ("not available: needs ..."), never 0 or n/a
        "not_computed": {m: not_computed_text(reason, lang) for m, reason in figs.not_computed.items()},
        "reasons": copy.get("unavailable"),
        "d3_locale": d3_locale(lang),
        "grains": [[g, copy.get(f"site.grains.{g}")] for g in ("month", "quarter", "year") if grains[g]],
        "months": [m.isoformat()[:7] for m in months],
        "month_labels": {m.isoformat()[:7]: period_short(m, "month", lang) for m in months},
        "periods": {g: [p.isoformat() for p in ps] for g, ps in grains.items()},
        "period_labels": {g: {p.isoformat(): _marked_period(figs, copy, p, g) for p in ps} for g, ps in grains.items()},
        "period_short": {g: {p.isoformat(): period_short(p, g, lang) for p in ps} for g, ps in grains.items()},
        "programs": [[p, copy.label("programs", p)] for p in figs.programs()],
        "program_labels": {p: copy.label("programs", p) for p in figs.programs()},
        "units": figs.units,
        "has": has,
        "tabs": tabs,
        "mv": [mv_row(r) for r in marts.metric_values if r["metric_id"] in embedded_metrics],
        "ppl": [demo_row("ppl", r) for r in marts.people_served],
        "staff": [demo_row("staff", r) for r in marts.staff],
        "summaries": [
            [r["period_start"].isoformat(), r["program"], r[summary_col]]
            for r in sorted(marts.summaries, key=lambda r: (r["period_start"], r["program"]))
            if r.get(summary_col)
        ],
    }


def _json_for_html(data: dict) -> str:
    # "</" would end the script element early; escaping it keeps the JSON valid.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


# -- Major Questions ----------------------------------------------------------------------------
def question_page(figs: Figures, copy: Copy, question: str) -> dict:
    lang, na = copy.lang, copy.get("not_available")
    quarters = figs.periods("quarter")
    spec = SPECS[question]
    latest = quarters[-1] if quarters else None
    chart_cols = columns(figs, copy, spec.chart)
    table_cols = columns(figs, copy, spec.table)
    reasons = copy.get("unavailable")
    # a breakdown value alone names a series only when one metric is charted
    several = len({c.metric_id for c in chart_cols}) > 1
    chart_rows = [
        figure_row(
            figs.metric(c.metric_id, "quarter", q, "ALL", c.dimension, c.dimension_value),
            lang,
            na,
            reasons,
            period=period_short(q, "quarter", lang),
            order=qi,
            series=column_label(copy, c, with_metric=several or not c.dimension),
            series_order=ci,
        )
        for ci, c in enumerate(chart_cols)
        for qi, q in enumerate(quarters)
    ]
    unit = figs.unit(spec.chart[0])
    chart_title = _chart_title(copy, spec.chart)
    grid = [
        [figs.metric(c.metric_id, "quarter", q, "ALL", c.dimension, c.dimension_value) for c in table_cols]
        for q in quarters
    ]
    page = {
        "id": question,
        "text": copy.get(f"questions.{question}"),
        "short": copy.get(f"question_short.{question}"),
        "answer": answer(figs, question, latest, copy, as_html=True) if latest else copy.get("site.no_data"),
        "chart": embedded_figure(
            period_chart(
                rows=chart_rows,
                unit=unit,
                x_title=copy.get("site.axis_period"),
                y_title=copy.label("units", unit),
                series_title=copy.get("site.series"),
                value_title=copy.get("site.value"),
                hidden_label=copy.get("site.hidden_mark"),
                description=chart_title,
                line=False,
            ),
            chart_title,
            lang,
        )
        if chart_rows
        else "",
        "columns": [column_label(copy, c, with_metric=False) for c in table_cols],
        "header": _header(copy, table_cols),
        "rows": [
            {"label": _marked_period(figs, copy, q, "quarter"), "cells": [f.html(lang, na) for f in row]}
            for q, row in zip(quarters, grid)
        ],
        "csv": {
            "header": [copy.get("site.period"), *[column_label(copy, c) for c in table_cols]],
            "rows": [
                [_marked_period(figs, copy, q, "quarter"), *[f.csv(lang, na) for f in row]]
                for q, row in zip(quarters, grid)
            ],
        },
        "provisional_note": _provisional_note(figs, copy, quarters),
        "note": (copy.get("question_notes") or {}).get(question, ""),
        "beats": None,
        "beat_map": None,
        "heat_maps": None,
    }
    if question == "Q3" and latest:
        values = ordered_values(figs, copy, "eligible_by_beat")
        beats = sorted({v.split("|")[0] for v in values}, key=lambda b: (b == "UNKNOWN", b))
        statuses = ("responded", "forgone")
        labels = [copy.get("site.unknown_beat") if b == "UNKNOWN" else b for b in beats]
        grid = [
            [figs.metric("eligible_by_beat", "quarter", latest, "ALL", "beat_status", f"{b}|{s}") for s in statuses]
            for b in beats
        ]
        cols = [copy.dim_value("response_status", s) for s in statuses]
        page["beats"] = {
            "caption": copy.get("site.by_beat_caption").format(period=period_label(latest, "quarter", lang)),
            "columns": cols,
            "rows": [{"label": label, "cells": [f.html(lang, na) for f in row]} for label, row in zip(labels, grid)],
            "csv": {
                "header": [copy.get("site.beat"), *cols],
                "rows": [[label, *[f.csv(lang, na) for f in row]] for label, row in zip(labels, grid)],
            },
        }
        page["beat_map"] = _beat_maps(figs, copy, latest, [b for b in beats if b != "UNKNOWN"])
    heat_year = _latest_heat_map_year(figs) if question == "Q3" else None
    if heat_year:
        page["heat_maps"] = _heat_maps(figs, copy, heat_year)
    return page


def _marked_period(figs: Figures, copy: Copy, start: dt.date, grain: str) -> str:
    """A period's label, marked when its figures can still change."""
    label = period_label(start, grain, copy.lang)
    return f"{label} {copy.get('site.provisional_mark')}" if figs.is_provisional(grain, start) else label


def _provisional_note(figs: Figures, copy: Copy, quarters: list[dt.date]) -> str:
    if not any(figs.is_provisional("quarter", q) for q in quarters):
        return ""
    return copy.get("site.provisional_note").format(days=business_rules().follow_up_window_days)


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _latest_heat_map_year(figs: Figures) -> dt.date | None:
    """The latest year with day x hour figures. The grid is published by year only: a quarter spread over
    336 day-hour-status cells would leave most of them 1-10 and hidden."""
    years = figs.metric_periods("eligible_by_dow_hour", "year")
    return years[-1] if years else None


def _heat_maps(figs: Figures, copy: Copy, year: dt.date) -> dict:
    """Eligible incidents by local day of week and hour over one year, one grid per response status,
    with the CSV of both."""
    lang, na = copy.lang, copy.get("not_available")
    days = [babel_dates.get_day_names("abbreviated", locale=LOCALES[lang])[i] for i in range(7)]
    hours = [babel_dates.format_skeleton("h", dt.datetime(2024, 1, 1, h), locale=LOCALES[lang]) for h in range(24)]
    period = _marked_period(figs, copy, year, "year")
    charts, csv_rows = [], []
    reasons = copy.get("unavailable")
    for status in ("responded", "forgone"):
        grid = [
            [
                figs.metric("eligible_by_dow_hour", "year", year, "ALL", "dow_hour_status", f"{d}|{h:02d}|{status}")
                for h in range(24)
            ]
            for d in DAYS
        ]
        title = copy.get("site.heat_map_title").format(status=copy.dim_value("response_status", status), period=period)
        rows = [
            figure_row(f, lang, na, reasons, day=days[di], day_order=di, hour=hours[h], hour_order=h)
            for di, row in enumerate(grid)
            for h, f in enumerate(row)
        ]
        charts.append(
            embedded_figure(
                heat_map(
                    rows,
                    day_title=copy.get("site.axis_day"),
                    hour_title=copy.get("site.axis_hour"),
                    value_title=copy.label("units", "incidents"),
                    hidden_label=copy.get("site.hidden_mark"),
                    description=title,
                ),
                title,
                lang,
                compact=True,
            )
        )
        csv_rows += [
            [copy.dim_value("response_status", status), day, *[f.csv(lang, na) for f in row]]
            for day, row in zip(days, grid)
        ]
    return {
        "charts": charts,
        "csv": {"header": [copy.get("site.response_status"), copy.get("site.axis_day"), *hours], "rows": csv_rows},
    }


def _beat_maps(figs: Figures, copy: Copy, quarter: dt.date, beats: list[str]) -> dict:
    """Eligible incidents by beat on a map, one per response status, from the beat boundaries the city
    profile supplies; without them, the reason there is no map."""
    path = load_profile().beat_map
    if path is None:
        return {"charts": [], "unavailable": copy.get("site.beat_map_unavailable")}
    geojson = json.loads(path.read_text(encoding="utf-8"))
    # Every mapped beat is drawn: one with no published row had no eligible incidents (a zero count).
    beats = sorted(set(beats) | {str(f["properties"]["beat"]) for f in geojson["features"]})
    lang, na, reasons = copy.lang, copy.get("not_available"), copy.get("unavailable")
    period = period_label(quarter, "quarter", lang)
    charts = []
    for status in ("responded", "forgone"):
        rows = [
            figure_row(
                figs.metric("eligible_by_beat", "quarter", quarter, "ALL", "beat_status", f"{b}|{status}"),
                lang,
                na,
                reasons,
                beat=b,
            )
            for b in beats
        ]
        title = copy.get("site.beat_map_title").format(status=copy.dim_value("response_status", status), period=period)
        charts.append(
            embedded_figure(
                beat_map(
                    rows,
                    geojson,
                    value_title=copy.label("units", "incidents"),
                    beat_title=copy.get("site.beat"),
                    hidden_label=copy.get("site.hidden_mark"),
                    description=title,
                ),
                title,
                lang,
                compact=True,
            )
        )
    return {"charts": charts, "unavailable": ""}


def _chart_title(copy: Copy, metrics: tuple[str, ...]) -> str:
    names = [copy.metric(m) for m in metrics]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + copy.get("site.and") + names[-1]
    return copy.get("site.chart_title_by_period").format(title=joined)


def _header(copy: Copy, cols) -> tuple[list[dict], list[str]]:
    """Two header rows: each metric over its breakdown values (a metric without one spans both rows)."""
    top, bottom, i = [], [], 0
    while i < len(cols):
        c = cols[i]
        if not c.dimension:
            top.append({"label": copy.metric(c.metric_id), "colspan": 1, "rowspan": 2})
            i += 1
            continue
        n = 0
        while i + n < len(cols) and cols[i + n].metric_id == c.metric_id:
            bottom.append(copy.dim_value(cols[i + n].dimension, cols[i + n].dimension_value))
            n += 1
        top.append({"label": copy.metric(c.metric_id), "colspan": n, "rowspan": 1})
        i += n
    return top, bottom


def build_site(figs: Figures, out_dir: Path, generated: dt.date, langs: tuple[str, ...] = LANGS) -> list[Path]:
    """Write every page, and a CSV of every table a static page shows; returns the paths written."""
    env = environment()
    js = (STATIC / "dashboard.js").read_text(encoding="utf-8")
    written = copy_vendor(out_dir)

    def write(path: Path, template: str, ctx: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(env.get_template(template).render(**ctx), encoding="utf-8")
        written.append(path)

    for lang in langs:
        copy = load_copy(lang)
        base = out_dir / _lang_root(lang)
        data = dashboard_data(figs, copy)
        write(
            base / "index.html",
            "dashboard.html.j2",
            {
                **_page_context(copy, 0, "dashboard", generated, copy.get("site.nav_dashboard"), "index.html", figs),
                "tabs": data["tabs"],
                "data_json": _json_for_html(data),
                "js": js,
                "headline": headline(figs, copy),
            },
        )
        definitions = _definitions(figs, copy)
        write(
            base / "definitions.html",
            "definitions.html.j2",
            {
                **_page_context(
                    copy, 0, "definitions", generated, copy.get("site.definitions_title"), "definitions.html", figs
                ),
                "questions": definitions,
            },
        )
        header = copy.get("site.definitions_columns")
        written.append(
            write_csv(
                base / "definitions.csv",
                [copy.get("site.question"), *header],
                [[q["id"], *m["cells"]] for q in definitions for m in q["metrics"]],
            )
        )
        pages = [question_page(figs, copy, q) for q in QUESTIONS if q in SPECS]
        for p in pages:
            p["href"] = f"{p['id'].lower()}.html"
            p["csv_href"] = f"{p['id'].lower()}.csv"
            written.append(write_csv(base / "questions" / p["csv_href"], p["csv"]["header"], p["csv"]["rows"]))
            if p["heat_maps"]:
                p["heat_maps"]["csv_href"] = f"{p['id'].lower()}-day-hour.csv"
                written.append(
                    write_csv(
                        base / "questions" / p["heat_maps"]["csv_href"],
                        p["heat_maps"]["csv"]["header"],
                        p["heat_maps"]["csv"]["rows"],
                    )
                )
            if p["beats"]:
                p["beats"]["csv_href"] = f"{p['id'].lower()}-beats.csv"
                written.append(
                    write_csv(
                        base / "questions" / p["beats"]["csv_href"],
                        p["beats"]["csv"]["header"],
                        p["beats"]["csv"]["rows"],
                    )
                )
        write(
            base / "questions" / "index.html",
            "questions_index.html.j2",
            {
                **_page_context(
                    copy, 1, "questions", generated, copy.get("site.questions_title"), "questions/index.html", figs
                ),
                "questions": pages,
            },
        )
        for p in pages:
            write(
                base / "questions" / p["href"],
                "question.html.j2",
                {**_page_context(copy, 1, "questions", generated, p["short"], f"questions/{p['href']}", figs), "q": p},
            )
    return written


def copy_vendor(out_dir: Path) -> list[Path]:
    """The vega bundle and its licenses beside the pages, which load it from the site itself."""
    target = out_dir / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(VENDOR.iterdir()):
        shutil.copyfile(path, target / path.name)
        written.append(target / path.name)
    return written


def _definitions(figs: Figures, copy: Copy) -> list[dict]:
    """The catalog in the page's language. English is the catalog's own text; another language takes
    each definition from content/catalog/<lang>.yml, and a metric not yet translated is shown in English
    marked as such (its `lang` attribute), never silently."""
    order = {q: i for i, q in enumerate(QUESTIONS)}
    words = copy.data.get("catalog") or {}
    translated = words.get("metrics") or {}

    def word(section: str, text: str) -> str:
        return (words.get(section) or {}).get(text, text) if text else ""

    groups: dict[str, list[dict]] = {}
    for c in figs.marts.catalog:
        entry = translated.get(c["metric_id"]) or {}
        definition = " ".join(str(entry.get("definition") or "").split())
        row = {
            **c,
            "label": copy.metric(c["metric_id"]),
            "definition_lang": None if definition or copy.lang == "en" else "en",
            "definition": definition or c["definition"],
            "category": word("categories", c["category"]),
            "unit": word("units", c["unit"]),
            "grain": word("grains", c["grain"]),
            "dimension": word("dimensions", c["dimension"] or ""),
        }
        row["cells"] = [
            row["label"],
            c["metric_id"],
            row["category"],
            row["definition"],
            row["unit"],
            row["grain"],
            row["dimension"],
        ]
        groups.setdefault(c["question"], []).append(row)
    return [
        {"id": q, "text": copy.get(f"questions.{q}") if q in order else q, "metrics": ms}
        for q, ms in sorted(groups.items(), key=lambda kv: order.get(kv[0], 99))
    ]


def quarter_ids(figs: Figures) -> list[str]:
    return [quarter_id(q) for q in figs.periods("quarter")]
