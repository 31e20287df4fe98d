"""Static SVG charts drawn in Python, for the Major Questions pages and the data cards (the dashboard
draws the same charts in the browser, from its filters, with the same palette and layout rules).

Every chart is a `<figure>`: a title, the SVG with axis titles, and the legend as HTML below it, so a
legend wraps like text and can neither be clipped nor overlap in a longer language. A static SVG is
scaled to its box, so each chart is drawn twice, for a wide and for a narrow box, and the stylesheet
shows the one that keeps its text at 12 px or more.
"""
from __future__ import annotations

import html
import math

from orchestration.publish.figures import Figure
from orchestration.publish.locale import SHARE_UNIT, format_number

# Paul Tol's "muted" qualitative scheme (nine colours told apart with every common colour-vision
# deficiency) and a dark grey: ten distinct series before any colour repeats.
COLORS = ["#332288", "#CC6677", "#44AA99", "#DDCC77", "#882255", "#88CCEE", "#117733", "#999933", "#AA4499",
          "#555555"]
FONT = 12  # px at scale 1; the narrow layout is drawn for a 320 px box, the wide one for 760 px and up
LAYOUTS = {"wide": 760, "narrow": 320}


def nice_scale(v: float) -> tuple[float, float]:
    """(top, step): a round step (1, 2, 2.5 or 5 x 10^k) giving about four gridlines above zero."""
    if v <= 0:
        return 1.0, 0.25
    raw = v / 4
    p = 10 ** math.floor(math.log10(raw))
    step = next(m * p for m in (1, 2, 2.5, 5, 10) if m * p >= raw)
    return step * math.ceil(v / step - 1e-9), step


def _tick(v: float, unit: str, lang: str) -> str:
    from orchestration.publish.locale import format_percent
    if unit == SHARE_UNIT:
        return format_percent(v, 0 if abs(v * 100 - round(v * 100)) < 1e-9 else 1, lang)
    return format_number(v, 0 if abs(v - round(v)) < 1e-9 else 1, lang)


def legend_html(labels: list[str]) -> str:
    if len(labels) < 2:
        return ""
    items = "".join(f'<li><span class="swatch" style="background:{COLORS[i % len(COLORS)]}"></span>'
                    f'{html.escape(label)}</li>' for i, label in enumerate(labels))
    return f'<ul class="legend">{items}</ul>'


def figure_html(title: str, svgs: str, legend: str = "") -> str:
    return (f'<figure class="chart-figure"><figcaption class="chart-title">{html.escape(title)}</figcaption>'
            f'{svgs}{legend}</figure>')


def _bars_svg(categories: list[str], series: list[tuple[str, list[Figure]]], unit: str, lang: str, title: str,
              x_title: str, y_title: str, layout: str, not_available: str) -> str:
    W = LAYOUTS[layout]
    H = 300 if layout == "wide" else 260
    left, right, top, bottom = 68, 10, 14, 62
    values = [f.value for _, figs in series for f in figs if f.shown]
    top_value, step = nice_scale(max(values, default=0))
    plot_w, plot_h = W - left - right, H - top - bottom
    band = plot_w / len(categories)
    bar_w = max(1.5, band * 0.8 / len(series))
    # Category labels are two short lines (period over year); keep every k-th so none collide.
    every = max(1, math.ceil(max(len(c) for c in categories) * FONT * 0.35 / band))

    def y(v: float) -> float:
        return top + plot_h - v / top_value * plot_h

    out = [f'<svg class="chart chart-{layout}" viewBox="0 0 {W} {H}" role="img" aria-label="{html.escape(title)}" '
           f'xmlns="http://www.w3.org/2000/svg">']
    for i in range(round(top_value / step) + 1):
        v = step * i
        out.append(f'<line x1="{left}" x2="{W - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">'
                   f'{html.escape(_tick(v, unit, lang))}</text>')
    for ci, cat in enumerate(categories):
        x0 = left + ci * band + band * 0.1
        for si, (label, figs) in enumerate(series):
            f = figs[ci]
            if not f.shown:
                continue
            tip = f"{label} · {cat}: {f.text(lang, not_available)}"
            out.append(f'<rect x="{x0 + si * bar_w:.1f}" y="{y(f.value):.1f}" width="{max(1.0, bar_w - 1):.1f}" '
                       f'height="{top + plot_h - y(f.value):.1f}" fill="{COLORS[si % len(COLORS)]}">'
                       f'<title>{html.escape(tip)}</title></rect>')
        if ci % every:
            continue
        cx = left + ci * band + band / 2
        lines = cat.rsplit(" ", 1)
        out.append(f'<text class="tick" x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                   + "".join(f'<tspan x="{cx:.1f}" dy="{14 if i else 0}">{html.escape(t)}</tspan>'
                             for i, t in enumerate(lines)) + "</text>")
    out.append(f'<line x1="{left}" x2="{W - right}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis"/>')
    out.append(f'<text class="axis-title" x="{left + plot_w / 2:.1f}" y="{H - 6}" text-anchor="middle">'
               f'{html.escape(x_title)}</text>')
    out.append(f'<text class="axis-title" transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
               f'text-anchor="middle">{html.escape(y_title)}</text>')
    out.append("</svg>")
    return "".join(out)


def grouped_bars(categories: list[str], series: list[tuple[str, list[Figure]]], unit: str, lang: str,
                 title: str, x_title: str, y_title: str, not_available: str = "n/a") -> str:
    """Vertical grouped bars, one group per category and one bar per series (hidden cells draw no bar),
    as a titled figure with both layouts and an HTML legend."""
    if not categories or not series:
        return ""
    svgs = "".join(_bars_svg(categories, series, unit, lang, title, x_title, y_title, layout, not_available)
                   for layout in LAYOUTS)
    return figure_html(title, svgs, legend_html([label for label, _ in series]))


def horizontal_bars(labels: list[str], figs: list[Figure], lang: str, title: str, x_title: str, y_title: str,
                    not_available: str = "n/a") -> str:
    """One bar per label (e.g. HEART incidents by program); a hidden value draws no bar. The labels sit
    above their bars, so a long name never runs into the bar or off the chart."""
    if not labels:
        return ""
    svgs = []
    for layout, W in LAYOUTS.items():
        left, right, row, top = 34, 16, 40, 6
        H = top + len(labels) * row + 44
        shown = [f.value for f in figs if f.shown]
        top_value, step = nice_scale(max(shown, default=0))
        plot_w = W - left - right

        def x(v: float) -> float:
            return left + v / top_value * plot_w

        out = [f'<svg class="chart chart-{layout}" viewBox="0 0 {W} {H}" role="img" aria-label="{html.escape(title)}" '
               f'xmlns="http://www.w3.org/2000/svg">']
        base = top + len(labels) * row
        for i in range(round(top_value / step) + 1):
            v = step * i
            out.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top}" y2="{base}" class="grid"/>')
            anchor = "start" if i == 0 else "end" if x(v) > W - 40 else "middle"
            out.append(f'<text class="tick" x="{x(v):.1f}" y="{base + 16}" text-anchor="{anchor}">'
                       f'{html.escape(_tick(v, figs[0].unit, lang))}</text>')
        for i, (label, f) in enumerate(zip(labels, figs)):
            y0 = top + i * row
            out.append(f'<text class="legend" x="{left}" y="{y0 + 14}">{html.escape(label)}</text>')
            if f.shown:
                out.append(f'<rect x="{left}" y="{y0 + 20}" width="{max(1.0, x(f.value) - left):.1f}" height="14" '
                           f'fill="{COLORS[0]}"><title>{html.escape(label)}: {html.escape(f.text(lang, not_available))}'
                           '</title></rect>')
        out.append(f'<text class="axis-title" x="{left + plot_w / 2:.1f}" y="{H - 6}" text-anchor="middle">'
                   f'{html.escape(x_title)}</text>')
        out.append(f'<text class="axis-title" transform="translate(14 {top + len(labels) * row / 2:.1f}) rotate(-90)" '
                   f'text-anchor="middle">{html.escape(y_title)}</text>')
        out.append("</svg>")
        svgs.append("".join(out))
    return figure_html(title, "".join(svgs))


# A single-hue sequential scale (light to dark blue), read the same with every colour-vision deficiency;
# hidden cells are grey with a hatch so they are not read as the lightest bin.
SEQUENTIAL = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
HIDDEN_FILL = "#bdbdbd"


def heat_map(rows: list[str], cols: list[str], cells: list[list[Figure]], lang: str, title: str, x_title: str,
             y_title: str, hidden_label: str, not_available: str = "n/a") -> str:
    """A rows x columns grid (e.g. day of week x hour of day), each cell shaded by its count in five
    equal bins up to the largest published value; a hidden cell is grey and hatched."""
    shown = [f.value for row in cells for f in row if f.shown]
    top = max(shown, default=0.0)
    bins = [top * (i + 1) / len(SEQUENTIAL) for i in range(len(SEQUENTIAL))]
    svgs = []
    for layout, W in LAYOUTS.items():
        left, right, top_pad = 58, 6, 6
        cw = (W - left - right) / len(cols)
        ch = 24 if layout == "wide" else 20
        every = 3 if layout == "wide" else 6
        grid_h = ch * len(rows)
        legend_rows = 1 if layout == "wide" else 2
        H = top_pad + grid_h + 40 + 22 * legend_rows + 8
        out = [f'<svg class="chart chart-{layout} heat" viewBox="0 0 {W} {H}" role="img" aria-label="{html.escape(title)}" '
               f'xmlns="http://www.w3.org/2000/svg"><defs><pattern id="hatch-{layout}" width="4" height="4" '
               f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="{HIDDEN_FILL}"/>'
               '<line x1="0" y1="0" x2="0" y2="4" stroke="#fff" stroke-width="1.5"/></pattern></defs>']
        for ri, label in enumerate(rows):
            y = top_pad + ri * ch
            out.append(f'<text class="tick" x="{left - 6}" y="{y + ch / 2 + 4:.1f}" text-anchor="end">{html.escape(label)}</text>')
            for ci, col in enumerate(cols):
                f = cells[ri][ci]
                x = left + ci * cw
                if f.shown:
                    fill = next((c for c, b in zip(SEQUENTIAL, bins) if f.value <= b + 1e-9), SEQUENTIAL[-1])
                elif f.missing and f.printable:
                    fill = "#ffffff"
                else:
                    fill = f"url(#hatch-{layout})"
                tip = f"{label} {col}: {f.text(lang, not_available)}"
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{cw - 1:.1f}" height="{ch - 1}" fill="{fill}" stroke="#eef1f5">'
                           f'<title>{html.escape(tip)}</title></rect>')
        for ci, col in enumerate(cols):
            if ci % every == 0:
                out.append(f'<text class="tick" x="{left + ci * cw + cw / 2:.1f}" y="{top_pad + grid_h + 14}" '
                           f'text-anchor="middle">{html.escape(col)}</text>')
        out.append(f'<text class="axis-title" x="{left + (W - left - right) / 2:.1f}" y="{top_pad + grid_h + 32}" '
                   f'text-anchor="middle">{html.escape(x_title)}</text>')
        out.append(f'<text class="axis-title" transform="translate(12 {top_pad + grid_h / 2:.1f}) rotate(-90)" '
                   f'text-anchor="middle">{html.escape(y_title)}</text>')
        # The key: the upper bound of each bin, then the hidden-cell swatch.
        keys = [(c, "≤" + format_number(b, 0, lang)) for c, b in zip(SEQUENTIAL, bins)] if top else []
        keys.append((f"url(#hatch-{layout})", hidden_label))
        per_row = math.ceil(len(keys) / legend_rows)
        slot = (W - 12) / per_row
        for i, (fill, text) in enumerate(keys):
            x, y = 6 + (i % per_row) * slot, top_pad + grid_h + 44 + (i // per_row) * 22
            out.append(f'<rect x="{x:.1f}" y="{y}" width="14" height="14" fill="{fill}" stroke="#8a93a3"/>')
            out.append(f'<text class="legend" x="{x + 19:.1f}" y="{y + 12}">{html.escape(text)}</text>')
        out.append("</svg>")
        svgs.append("".join(out))
    return figure_html(title, "".join(svgs))
