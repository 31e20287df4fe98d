"""The chart specs without a browser: the synthetic city's beat boundaries, the map's absence for a city
without them, and hidden cells drawn as hidden (never as a zero) in the static SVG the cards print."""

from __future__ import annotations

import json
import re

from orchestration.cities import load_profile
from orchestration.publishing.charts import HIDDEN_COLOR, bar_list, heat_map, to_svg
from orchestration.publishing.content import load_copy
from orchestration.publishing.figures import Figures
from orchestration.publishing.marts import read_public_marts
from orchestration.publishing.site import question_page
from orchestration.warehouse.destination import Destination
from simulator.beat_map import OUTPUT, geojson_text, read_beats


def _inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    """Ray casting: is (lon, lat) inside the closed ring?"""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_demo_city_beat_boundaries_come_from_its_beats():
    """cities/demo/beats.geojson is what the generator makes from seeds/beats.csv (so it cannot drift):
    one closed, clockwise polygon per beat, holding that beat's centroid and no other."""
    beats = read_beats()
    assert OUTPUT.read_text(encoding="utf-8") == geojson_text(beats), (
        "cities/demo/beats.geojson is stale: run python -m simulator.beat_map"
    )
    assert load_profile("demo").beat_map == OUTPUT
    features = {f["properties"]["beat"]: f for f in json.loads(OUTPUT.read_text(encoding="utf-8"))["features"]}
    assert set(features) == {b for b, _, _ in beats}
    for beat, feature in features.items():
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) >= 4, beat
        signed = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) / 2
        assert signed < 0, f"beat {beat}: ring is not clockwise, so d3-geo would fill the whole globe"
        holds = [b for b, lat, lon in beats if _inside((lon, lat), ring)]
        assert holds == [beat], f"beat {beat}'s polygon holds the centroids of {holds}"


def test_a_city_without_beat_boundaries_says_the_map_is_not_available(fixture_warehouse, monkeypatch, request):
    # The profile of the running city is read once per process: forget it now and after the test.
    request.addfinalizer(load_profile.cache_clear)
    load_profile.cache_clear()
    monkeypatch.setenv("ARP_CITY", "burlington")
    assert load_profile().beat_map is None
    figs = Figures(read_public_marts(Destination.duckdb(fixture_warehouse)))
    for lang in ("en", "es"):
        page = question_page(figs, load_copy(lang), "Q3")
        assert page["beat_map"]["charts"] == []
        assert page["beat_map"]["unavailable"] == load_copy(lang).get("site.beat_map_unavailable")
        assert "beats.geojson" in page["beat_map"]["unavailable"]


def _row(label, i, value, hidden_text="<11 (hidden)"):
    return {
        "label": label,
        "order": i,
        "value": value,
        "text": hidden_text if value is None else f"{value:,.0f}",
        "src": "mv",
        "key": label,
        "state": "small_cell" if value is None else "value",
        "hidden": value is None,
    }


def test_static_chart_draws_no_bar_for_a_hidden_value():
    """Three published values and one hidden: three bars, and one grey cross keyed "hidden", in the
    SVG the cards print; the hidden value is not a zero-length bar."""
    rows = [_row("A", 0, 120.0), _row("B", 1, None), _row("C", 2, 45.0), _row("D", 3, 300.0)]
    svg = to_svg(
        bar_list(
            rows=rows,
            x_title="Incidents",
            y_title="Program",
            value_title="Value",
            hidden_label="Hidden (not a zero)",
            description="test",
        ),
        "en",
        400,
    )
    bars = re.search(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S).group(1)
    assert bars.count("<path") == 3, bars
    crosses = re.search(r'<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S).group(1)
    assert crosses.count("<path") == 1
    assert "Hidden (not a zero)" in svg
    # The bars' lengths follow the values (A : D = 120 : 300), so the scale is the published one.
    widths = sorted(float(w) for w in re.findall(r'd="M0,[\d.]+h([\d.]+)v', bars))
    assert abs(widths[-1] / widths[1] - 300 / 120) < 0.02, widths


def test_heat_map_greys_hidden_cells_and_shades_the_rest():
    rows = [
        {
            "day": d,
            "day_order": di,
            "hour": f"{h}h",
            "hour_order": h,
            "value": None if (di + h) % 5 == 0 else float(h),
            "text": "x",
            "src": "mv",
            "key": f"{d}{h}",
            "state": "value",
            "hidden": (di + h) % 5 == 0,
        }
        for di, d in enumerate(("Mon", "Tue"))
        for h in range(24)
    ]
    svg = to_svg(
        heat_map(
            rows,
            day_title="Day",
            hour_title="Hour",
            value_title="Incidents",
            hidden_label="Hidden (not a zero)",
            description="test",
        ),
        "en",
        330,
    )
    fills = re.findall(r'<path[^>]*fill="(#[0-9a-fA-F]{6}|rgb[^"]*)"', svg)
    assert fills.count(HIDDEN_COLOR) == sum(r["hidden"] for r in rows) + 1  # + its legend swatch
