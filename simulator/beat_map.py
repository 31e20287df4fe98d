"""Beat boundaries for the synthetic city: a GeoJSON the public site draws its map of beats from.

The demo city's beats are points (seeds/beats.csv: a centroid per beat), so each beat is given the
area closer to its centroid than to any other (a Voronoi cell), cut to a box around all centroids.
Distances are taken on a local flat projection (longitude scaled by the cosine of the mean latitude),
which at city scale is exact enough for shapes that are made up anyway.

    python -m simulator.beat_map            # rewrites cities/demo/beats.geojson

A real city's profile supplies its own `beats.geojson` (each feature's `properties.beat` naming a beat
as the CAD data does); a profile without one gets a page saying the map is not available.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from orchestration.paths import PROJECT_ROOT

BEATS_CSV = PROJECT_ROOT / "seeds" / "beats.csv"
OUTPUT = PROJECT_ROOT / "cities" / "demo" / "beats.geojson"
MARGIN = 0.25  # the box extends this share of the centroids' spread beyond them
DIGITS = 5  # about a metre: enough for a map, and a stable file


def read_beats(path: Path = BEATS_CSV) -> list[tuple[str, float, float]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [(r["beat"], float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(f)]


def _clip(polygon: list[tuple[float, float]], p: tuple[float, float], q: tuple[float, float]):
    """The part of a convex polygon nearer to p than to q (one Sutherland-Hodgman step)."""
    nx, ny = q[0] - p[0], q[1] - p[1]
    mid = ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)

    def side(v):  # < 0 on p's side of the bisector
        return (v[0] - mid[0]) * nx + (v[1] - mid[1]) * ny

    out = []
    for i, a in enumerate(polygon):
        b = polygon[(i + 1) % len(polygon)]
        sa, sb = side(a), side(b)
        if sa <= 0:
            out.append(a)
        if (sa < 0 < sb) or (sb < 0 < sa):
            t = sa / (sa - sb)
            out.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
    return out


def beat_polygons(beats: list[tuple[str, float, float]]) -> dict:
    """A FeatureCollection with one polygon per beat, in longitude/latitude. Rings run clockwise, the
    order d3-geo (Vega's map projection) reads as "the inside"; the other order would be read as the
    whole globe outside the beat."""
    lat0 = sum(lat for _, lat, _ in beats) / len(beats)
    kx = math.cos(math.radians(lat0))
    pts = {b: (lon * kx, lat) for b, lat, lon in beats}
    xs, ys = [x for x, _ in pts.values()], [y for _, y in pts.values()]
    mx, my = (max(xs) - min(xs)) * MARGIN or 0.01, (max(ys) - min(ys)) * MARGIN or 0.01
    box = [
        (min(xs) - mx, min(ys) - my),
        (min(xs) - mx, max(ys) + my),
        (max(xs) + mx, max(ys) + my),
        (max(xs) + mx, min(ys) - my),
    ]  # clockwise with north up
    features = []
    for beat, p in pts.items():
        cell = box
        for other, q in pts.items():
            if other != beat:
                cell = _clip(cell, p, q)
        ring = [[round(x / kx, DIGITS), round(y, DIGITS)] for x, y in cell]
        features.append(
            {
                "type": "Feature",
                "properties": {"beat": beat},
                "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_text(beats: list[tuple[str, float, float]]) -> str:
    return json.dumps(beat_polygons(beats), separators=(",", ":")) + "\n"


def main() -> None:
    OUTPUT.write_text(geojson_text(read_beats()), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
