"""Every public chart as a Vega-Lite spec, made here and nowhere else.

The site hands these specs to the vendored vega-embed (static/vendor/), which draws them in the page
with tooltips; the data cards and anything printed get the same specs rendered to SVG offline by
vl-convert. A spec's data rows are published figures (`figure_row`): each carries the mart row it came
from (`src`, `key`, `state`) and its printed text, so a tooltip shows exactly what a table prints and
the tests can check every number a chart holds against its public-mart row.

A hidden cell (a suppressed or not-computed figure) has no value in its row: it is never plotted as a
zero. It is drawn as a grey mark keyed "hidden" in the legend, and its tooltip gives the reason.
"""

from __future__ import annotations

import copy as copy_lib
import html
import json

from orchestration.publishing.figures import Figure
from orchestration.publishing.locale import SHARE_UNIT, format_settings

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
VL_VERSION = "6.4"  # the Vega-Lite of vl-convert and of the vendored bundle (static/vendor/README.md)
# Paul Tol's "muted" qualitative scheme (nine colours told apart with every common colour-vision
# deficiency) and a dark grey: ten distinct series, more than the longest series list (outcomes: nine).
COLORS = ["#332288", "#CC6677", "#44AA99", "#DDCC77", "#882255", "#88CCEE", "#117733", "#999933", "#AA4499", "#555555"]
HIDDEN_COLOR = "#b0b0b0"  # a hidden cell's fill: grey, off every scale
HIDDEN_MARK = "#6b7280"  # the cross marking a hidden cell on a bar or line chart
# Heat maps and maps: single-hue, so read alike with every colour-vision deficiency, and started at
# zero (the palest shade is a count near zero, not merely the smallest one).
SEQUENTIAL_SCHEME = "blues"
FONT_PX = 12
# Static drawings: the wide one for desktop and print, the narrow one for phones (shown at its own
# size, so its text stays at FONT_PX; style.css picks one by the window width).
STATIC_WIDTHS = {"wide": 720, "narrow": 330}


def d3_locale(lang: str) -> dict:
    """The number locale Vega's axes use, read off `format_settings` (Babel): one source of formats."""
    f = format_settings(lang)
    return {
        "decimal": f["decimal"],
        "thousands": f["group"],
        "grouping": [3],
        "currency": ["$", ""],
        "minus": f["minus"],
        "percent": f["percent_suffix"],
    }


def config() -> dict:
    """Text sizes, palette and guides shared by every chart. Legends sit below the plot in one column
    with no label limit, so they wrap down the page instead of being clipped or overlapping."""
    return {
        # Arial's metrics (Liberation Sans is its free twin): a static SVG is laid out with the font
        # vl-convert measures, so the reader's font must be as wide or labels would collide.
        "font": "Liberation Sans, Arial, Helvetica, sans-serif",
        "axis": {
            "labelFontSize": FONT_PX,
            "titleFontSize": FONT_PX,
            "titleFontWeight": 600,
            "labelLimit": 0,
            "titleColor": "#1d2433",
            "labelColor": "#5b6475",
            "gridColor": "#e7eaf0",
        },
        "legend": {
            "orient": "bottom",
            "direction": "vertical",
            "columns": 1,
            "labelFontSize": FONT_PX,
            "titleFontSize": FONT_PX,
            "labelLimit": 0,
            "symbolSize": 120,
            "titleLimit": 0,
            # Passed through to Vega: legends that share a side are stacked, never set side by side.
            "layout": {
                "bottom": {"anchor": "start", "direction": "vertical"},
                "top": {"anchor": "start", "direction": "vertical"},
            },
        },
        "range": {"category": COLORS},
        "view": {"stroke": None},
        "text": {"fontSize": FONT_PX},
        "title": {"fontSize": 14},
    }


def figure_row(fig: Figure, lang: str, not_available: str, reasons: dict, **fields) -> dict:
    """One chart datum: the value only when it is published; otherwise the printed mark and why."""
    state = "not_computed" if fig.not_computed else "missing" if fig.missing else (fig.suppression or "value")
    value = fig.value if fig.shown else (0.0 if fig.printable else None)
    row = {
        **fields,
        "value": value,
        "text": fig.text(lang, not_available),
        "src": fig.source,
        "key": "|".join(fig.key),
        "state": state,
        "hidden": value is None,
    }
    if value is None and not fig.not_computed:  # a not-computed figure's text already says why
        row["text"] = f"{row['text']} ({fig.reason_text(lang, reasons)})"
    return row


# Legend labels wrap at word boundaries to lines of at most this many characters (about 200 px at
# 12 px), so a long series name stays inside a phone-width chart instead of running off its edge.
WRAP_CHARS = 32
WRAP_LABEL = f"split(trim(replace(datum.label, regexp('(.{{1,{WRAP_CHARS}}})( +|$)', 'g'), '$1\\n')), '\\n')"


def _y_format(unit: str) -> str:
    return ",.0~%" if unit == SHARE_UNIT else ",~f"


def _tooltip(*fields: tuple[str, str]) -> list[dict]:
    return [{"field": f, "type": "nominal", "title": t} for f, t in fields]


def period_chart(
    *,
    unit: str,
    x_title: str,
    y_title: str,
    series_title: str,
    value_title: str,
    hidden_label: str,
    description: str,
    line: bool,
    rows: list[dict] | None = None,
    with_hidden: bool | None = None,
) -> dict:
    """Series over periods: a line per series (a trend, for monthly data) or grouped bars. Rows carry
    `period` (label), `order` (its position), `series` and `series_order`; the dashboard fills them in
    from its filters, asking for the spec `with_hidden` cells or without (a legend key with nothing to
    key cannot be laid out). A hidden month breaks its line instead of dipping to zero; a hidden cell is a
    grey cross on the axis, keyed in its own legend."""
    x = {
        "field": "period",
        "type": "ordinal",
        "title": x_title,
        "sort": {"field": "order"},
        "axis": {"labelAngle": -45 if line else 0, "labelOverlap": True},
    }
    color = {
        "field": "series",
        "type": "nominal",
        "title": series_title,
        "sort": {"field": "series_order"},
        "scale": {"range": COLORS},
        "legend": {"labelExpr": WRAP_LABEL},
    }
    tooltip = _tooltip(("series", series_title), ("period", x_title), ("text", value_title))
    y = {"field": "value", "type": "quantitative", "title": y_title, "axis": {"format": _y_format(unit)}}
    offset = {"field": "series", "sort": {"field": "series_order"}}
    if line:
        main = {
            "mark": {
                "type": "line",
                "point": {"size": 50, "filled": True},
                "strokeWidth": 2.5,
                "invalid": "break-paths-show-domains",
            },
            "encoding": {"x": x, "y": y, "color": color, "tooltip": tooltip},
        }
    else:
        main = {
            "transform": [{"filter": "datum.value != null"}],
            "mark": {"type": "bar"},
            "encoding": {"x": x, "xOffset": offset, "y": y, "color": color, "tooltip": tooltip},
        }
    hidden = _hidden_marks(hidden_label, tooltip, {"x": x, **({} if line else {"xOffset": offset})}, "y")
    layers = [main, hidden] if _has_hidden(rows, with_hidden) else [main]
    return _spec(rows or [], description, {"layer": layers}, height=260)


def _has_hidden(rows: list[dict] | None, with_hidden: bool | None) -> bool:
    return any(r["hidden"] for r in rows or []) if with_hidden is None else with_hidden


def _hidden_marks(hidden_label: str, tooltip: list[dict], position: dict, value_channel: str) -> dict:
    """Hidden cells as grey crosses at zero on the value axis: seen, never read as a bar or a point.
    Their key is data-driven, so the legend shows it only when some cell is hidden."""
    return {
        "transform": [
            {"filter": "datum.value == null"},
            {"calculate": "0", "as": "base"},
            {"calculate": json.dumps(hidden_label), "as": "hidden_key"},
        ],
        "mark": {"type": "point", "size": 90, "filled": True, "color": HIDDEN_MARK},
        "encoding": {
            **position,
            value_channel: {"field": "base", "type": "quantitative"},
            "shape": {
                "field": "hidden_key",
                "type": "nominal",
                "scale": {"range": ["cross"]},
                "legend": {"title": None},
            },
            "tooltip": tooltip,
        },
    }


def bar_list(
    *,
    x_title: str,
    y_title: str,
    value_title: str,
    hidden_label: str,
    description: str,
    rows: list[dict] | None = None,
    with_hidden: bool | None = None,
) -> dict:
    """One horizontal bar per label (a program, a category), in `order`; a hidden value is a grey cross."""
    y = {"field": "label", "type": "nominal", "title": y_title, "sort": {"field": "order"}}
    tooltip = _tooltip(("label", y_title), ("text", value_title))
    bars = {
        "transform": [{"filter": "datum.value != null"}],
        "mark": {"type": "bar", "color": COLORS[0]},
        "encoding": {
            "y": y,
            "x": {"field": "value", "type": "quantitative", "title": x_title, "axis": {"format": ",~f"}},
            "tooltip": tooltip,
        },
    }
    layers = [bars, _hidden_marks(hidden_label, tooltip, {"y": y}, "x")] if _has_hidden(rows, with_hidden) else [bars]
    return _spec(rows or [], description, {"layer": layers}, height={"step": 30})


def heat_map(
    rows: list[dict], *, day_title: str, hour_title: str, value_title: str, hidden_label: str, description: str
) -> dict:
    """Days across, hours down (24 rows read on a phone as well as on a desktop), each cell shaded by
    its count; a hidden cell is grey, keyed in its own legend. Rows carry `day`, `day_order`, `hour`,
    `hour_order`."""
    x = {
        "field": "day",
        "type": "ordinal",
        "title": day_title,
        "sort": {"field": "day_order"},
        "axis": {"labelAngle": 0},
    }
    y = {"field": "hour", "type": "ordinal", "title": hour_title, "sort": {"field": "hour_order"}}
    tooltip = _tooltip(("day", day_title), ("hour", hour_title), ("text", value_title))
    shown = {
        "transform": [{"filter": "datum.value != null"}],
        "mark": {"type": "rect", "stroke": "#fff"},
        "encoding": {
            "x": x,
            "y": y,
            "tooltip": tooltip,
            "color": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "scale": {"scheme": SEQUENTIAL_SCHEME, "zero": True},
                "legend": {"format": ",~f", "orient": "top", "direction": "horizontal", "gradientLength": 200},
            },
        },
    }
    layers = [shown]
    if any(r["hidden"] for r in rows):
        layers.append(
            {
                "transform": [{"filter": "datum.value == null"}],
                "mark": {"type": "rect", "stroke": "#fff"},
                "encoding": {
                    "x": x,
                    "y": y,
                    "tooltip": tooltip,
                    "fill": {
                        "datum": hidden_label,
                        "type": "nominal",
                        "scale": {"range": [HIDDEN_COLOR]},
                        "legend": {"title": None},
                    },
                },
            }
        )
    return _spec(
        rows, description, {"layer": layers, "resolve": {"scale": {"color": "independent"}}}, height={"step": 16}
    )


BEAT_LABELS_MIN_WIDTH = 560


def beat_map(
    rows: list[dict], geojson: dict, *, value_title: str, beat_title: str, hidden_label: str, description: str
) -> dict:
    """Police beats as shapes (from the city profile's GeoJSON), each shaded by its count; a hidden
    beat is grey. Rows carry `beat`; each feature's `properties.beat` names its beat."""
    by_beat = {r["beat"]: r for r in rows}
    features = []
    for feature in geojson["features"]:
        beat = str(feature["properties"]["beat"])
        if beat not in by_beat:
            continue
        ring = feature["geometry"]["coordinates"][0][:-1] if feature["geometry"]["type"] == "Polygon" else []
        # The label's place: the ring's vertex mean, inside any convex beat and near enough otherwise.
        centre = (
            {"lon": sum(p[0] for p in ring) / len(ring), "lat": sum(p[1] for p in ring) / len(ring)} if ring else {}
        )
        features.append({**feature, "properties": {**by_beat[beat], **centre, "beat": beat}})
    tooltip = [
        {"field": f"properties.{f}", "type": "nominal", "title": t}
        for f, t in (("beat", beat_title), ("text", value_title))
    ]
    shown = {
        "transform": [{"filter": "datum.properties.value != null"}],
        "mark": {"type": "geoshape", "stroke": "#fff"},
        "encoding": {
            "tooltip": tooltip,
            "color": {
                "field": "properties.value",
                "type": "quantitative",
                "title": value_title,
                "scale": {"scheme": SEQUENTIAL_SCHEME, "zero": True},
                "legend": {"format": ",~f", "orient": "top", "direction": "horizontal", "gradientLength": 200},
            },
        },
    }
    # Beat names in dark ink, white on the darker half of the scale so they stay readable.
    # Beat names only where the map is wide enough to hold them apart (not on a phone, where the
    # tooltip and the table beside the map name each beat).
    labels = {
        "transform": [
            {"filter": f"width >= {BEAT_LABELS_MIN_WIDTH} && isValid(datum.properties.lon)"},
            {"calculate": "datum.properties.value", "as": "v"},
            {"joinaggregate": [{"op": "max", "field": "v", "as": "top"}]},
        ],
        "mark": {"type": "text", "fontSize": FONT_PX},
        "encoding": {
            "longitude": {"field": "properties.lon", "type": "quantitative"},
            "latitude": {"field": "properties.lat", "type": "quantitative"},
            "color": {
                "condition": {"test": "isValid(datum.v) && datum.v > 0.55 * datum.top", "value": "#ffffff"},
                "value": "#1d2433",
            },
            "text": {"field": "properties.beat"},
            "tooltip": tooltip,
        },
    }
    layers = [shown]
    if any(f["properties"]["hidden"] for f in features):
        layers.append(
            {
                "transform": [{"filter": "datum.properties.value == null"}],
                "mark": {"type": "geoshape", "stroke": "#fff"},
                "encoding": {
                    "tooltip": tooltip,
                    "fill": {
                        "datum": hidden_label,
                        "type": "nominal",
                        "scale": {"range": [HIDDEN_COLOR]},
                        "legend": {"title": None},
                    },
                },
            }
        )
    layers.append(labels)
    spec = _spec(
        features,
        description,
        {"layer": layers, "projection": {"type": "mercator"}, "resolve": {"scale": {"color": "independent"}}},
        height=360,
    )
    return spec


def _spec(rows: list[dict], description: str, body: dict, height) -> dict:
    return {
        "$schema": SCHEMA,
        "description": description,
        "config": config(),
        # Named, so the page and the tests can read back exactly the figures the chart holds.
        "data": {"name": "figures", "values": rows},
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        **body,
    }


# -- output -------------------------------------------------------------------------------------
def to_svg(spec: dict, lang: str, width: int) -> str:
    """The spec drawn at `width` px by vl-convert (offline: its own JavaScript engine, no browser)."""
    import vl_convert

    fixed = copy_lib.deepcopy(spec)
    fixed["width"] = width
    fixed["autosize"] = {"type": "fit-x", "contains": "padding"}
    return vl_convert.vegalite_to_svg(fixed, vl_version=VL_VERSION, format_locale=d3_locale(lang))


def static_figure(spec: dict, lang: str, title: str) -> str:
    """A titled figure with the chart drawn wide and narrow; the stylesheet shows the one that fits.
    The title is HTML so it wraps like text in any language."""
    svgs = []
    for layout, width in STATIC_WIDTHS.items():
        svg = to_svg(spec, lang, width)
        svgs.append(
            svg.replace(
                "<svg ", f'<svg role="img" aria-label="{html.escape(title)}" data-layout="{layout}" ', 1
            ).replace('class="marks"', f'class="marks chart chart-{layout}"', 1)
        )
    return _figure(title, "".join(svgs))


def embedded_figure(spec: dict, title: str, lang: str, compact: bool = False) -> str:
    """A titled figure the page's script draws from the spec (static/charts.js), with tooltips.
    `compact`: a grid or a map, which reads best no wider than a column of text."""
    spec = {**spec, "usermeta": {"formatLocale": d3_locale(lang)}}
    data = json.dumps(spec, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return _figure(
        title,
        f'<div class="vega-chart"></div><script type="application/json" class="vega-spec">{data}</script>',
        "chart-figure compact" if compact else "chart-figure",
    )


def _figure(title: str, inner: str, css_class: str = "chart-figure") -> str:
    return (
        f'<figure class="{css_class}"><figcaption class="chart-title">{html.escape(title)}</figcaption>{inner}</figure>'
    )
