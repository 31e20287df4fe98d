"""Static SVG charts drawn in Python, for the Major Questions pages and the HTML data cards
(the dashboard draws the same kind of chart in the browser, from its filters)."""
from __future__ import annotations

import html
import math

from orchestration.publish.figures import Figure
from orchestration.publish.locale import format_number

COLORS = ["#1b5e8c", "#e07b24", "#3c8d52", "#b23a48", "#7a5ba6", "#8c6d1f", "#2a9d8f", "#6c757d"]


def nice_scale(v: float) -> tuple[float, float]:
    """(top, step): a round step (1, 2, 2.5 or 5 x 10^k) giving about four gridlines above zero."""
    if v <= 0:
        return 1.0, 0.25
    raw = v / 4
    p = 10 ** math.floor(math.log10(raw))
    step = next(m * p for m in (1, 2, 2.5, 5, 10) if m * p >= raw)
    return step * math.ceil(v / step - 1e-9), step


def _tick(v: float, unit: str, lang: str) -> str:
    decimals = 0 if abs(v - round(v)) < 1e-9 else 1
    if unit == "share (0..1)":
        pct = v * 100
        return format_number(pct, 0 if abs(pct - round(pct)) < 1e-9 else 1, lang) + ("%" if lang == "en" else "\u00a0%")
    return format_number(v, decimals, lang)


def grouped_bars(categories: list[str], series: list[tuple[str, list[Figure]]], unit: str, lang: str,
                 title: str) -> str:
    """Vertical grouped bars: one group per category, one bar per series; hidden cells draw no bar."""
    if not categories or not series:
        return ""
    W, H, left, right, top, bottom = 760, 280, 56, 12, 16, 44
    values = [f.value for _, figs in series for f in figs if f.shown]
    top_value, step = nice_scale(max(values, default=0))
    plot_w, plot_h = W - left - right, H - top - bottom
    band = plot_w / len(categories)
    bar_w = max(2.0, band * 0.8 / len(series))
    legend_rows = math.ceil(len(series) / 3)

    def y(v: float) -> float:
        return top + plot_h - v / top_value * plot_h

    out = [f'<svg class="chart" viewBox="0 0 {W} {H + 22 * legend_rows}" role="img" '
           f'aria-label="{html.escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for i in range(round(top_value / step) + 1):
        v = step * i
        out.append(f'<line x1="{left}" x2="{W - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid" stroke="#e7eaf0"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">'
                   f'{html.escape(_tick(v, unit, lang))}</text>')
    for ci, cat in enumerate(categories):
        x0 = left + ci * band + band * 0.1
        for si, (label, figs) in enumerate(series):
            f = figs[ci]
            if not f.shown:
                continue
            out.append(f'<rect x="{x0 + si * bar_w:.1f}" y="{y(f.value):.1f}" width="{bar_w - 1:.1f}" '
                       f'height="{top + plot_h - y(f.value):.1f}" fill="{COLORS[si % len(COLORS)]}">'
                       f'<title>{html.escape(label)} — {html.escape(cat)}</title></rect>')
        cx = left + ci * band + band / 2
        lines = cat.rsplit(" ", 1)  # period over year, so many periods fit side by side
        out.append(f'<text class="tick" x="{cx:.1f}" y="{H - bottom + 16}" text-anchor="middle">'
                   + "".join(f'<tspan x="{cx:.1f}" dy="{14 if i else 0}">{html.escape(t)}</tspan>'
                             for i, t in enumerate(lines)) + "</text>")
    out.append(f'<line x1="{left}" x2="{W - right}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis" stroke="#8a93a3"/>')
    for si, (label, _) in enumerate(series):
        lx, ly = left + (si % 3) * 240, H + 6 + (si // 3) * 22
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{COLORS[si % len(COLORS)]}"/>')
        out.append(f'<text class="legend" x="{lx + 18}" y="{ly + 11}">{html.escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)
