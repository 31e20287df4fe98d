"""Static SVG charts drawn in Python, for the Major Questions pages and the HTML data cards
(the dashboard draws the same kind of chart in the browser, from its filters)."""
from __future__ import annotations

import html
import math

from orchestration.publish.figures import Figure
from orchestration.publish.locale import format_number

COLORS = ["#1b5e8c", "#e07b24", "#3c8d52", "#b23a48", "#7a5ba6", "#8c6d1f", "#2a9d8f", "#6c757d"]


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    p = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * p >= v:
            return m * p
    return 10 * p


def _tick(v: float, unit: str, lang: str) -> str:
    if unit == "share (0..1)":
        return format_number(v * 100, 0, lang) + ("%" if lang == "en" else "\u00a0%")
    return format_number(v, 0 if float(v).is_integer() else 1, lang)


def grouped_bars(categories: list[str], series: list[tuple[str, list[Figure]]], unit: str, lang: str,
                 title: str) -> str:
    """Vertical grouped bars: one group per category, one bar per series; hidden cells draw no bar."""
    if not categories or not series:
        return ""
    W, H, left, right, top, bottom = 760, 280, 56, 12, 16, 44
    values = [f.value for _, figs in series for f in figs if f.shown]
    top_value = _nice_max(max(values, default=0))
    plot_w, plot_h = W - left - right, H - top - bottom
    band = plot_w / len(categories)
    bar_w = max(2.0, band * 0.8 / len(series))
    legend_rows = math.ceil(len(series) / 3)

    def y(v: float) -> float:
        return top + plot_h - v / top_value * plot_h

    out = [f'<svg class="chart" viewBox="0 0 {W} {H + 22 * legend_rows}" role="img" '
           f'aria-label="{html.escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for i in range(5):
        v = top_value * i / 4
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
        out.append(f'<text class="tick" x="{left + ci * band + band / 2:.1f}" y="{H - bottom + 18}" '
                   f'text-anchor="middle">{html.escape(cat)}</text>')
    out.append(f'<line x1="{left}" x2="{W - right}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis" stroke="#8a93a3"/>')
    for si, (label, _) in enumerate(series):
        lx, ly = left + (si % 3) * 240, H + 6 + (si // 3) * 22
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{COLORS[si % len(COLORS)]}"/>')
        out.append(f'<text class="legend" x="{lx + 18}" y="{ly + 11}">{html.escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)
