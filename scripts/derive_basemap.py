"""Derive the basemap the HTML route maps draw on, from Natural Earth (public domain).

Run once, by hand, when the data should change; the result is kept in the
repository and shipped in the package, so nothing is fetched when a report is
rendered::

    npm install world-atlas            # Natural Earth 1:110m countries as TopoJSON
    python scripts/derive_basemap.py \\
        node_modules/world-atlas/countries-110m.json \\
        ne_10m_populated_places_simple.geojson \\
        src/sitrep_core/renderers/geodata/naturalearth.json

The second input is Natural Earth's 1:10m populated places ("simple" edition) as
GeoJSON. What it writes keeps the topology: the lines (arcs) once each, every
country as rings of line numbers (``~n`` is line ``n`` reversed, as in TopoJSON; a
line two countries share is a border, one only one country has is a coast), and
the towns whose Natural Earth scale rank is at most ``MAX_RANK`` (the ones a map at
a country's scale shows), in hundredths of a degree, each line's points after the
first as steps from the point before.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

SCALE = 100  # coordinates in hundredths of a degree (about 1 km): finer than 1:110m outlines
MAX_RANK = 7


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[int, int]]]:
    """The topology's arcs as absolute points in hundredths of a degree."""
    scale_x, scale_y = topology["transform"]["scale"]
    move_x, move_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points: list[tuple[int, int]] = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            point = (round((x * scale_x + move_x) * SCALE), round((y * scale_y + move_y) * SCALE))
            if not points or points[-1] != point:
                points.append(point)
        arcs.append(points)
    return arcs


def _encoded(points: list[tuple[int, int]]) -> list[int]:
    """The first point, then each step from the one before (small numbers, a small file)."""
    flat: list[int] = list(points[0])
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        flat.extend((x1 - x0, y1 - y0))
    return flat


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def derive(countries_path: Path, places_path: Path) -> dict[str, Any]:
    topology = json.loads(countries_path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = [ring for polygon in _polygons(geometry) for ring in polygon]
        if rings:
            countries.append({"name": geometry["properties"]["name"], "rings": rings})
    places = []
    for feature in json.loads(places_path.read_text(encoding="utf-8"))["features"]:
        properties = feature["properties"]
        if properties["scalerank"] > MAX_RANK:
            continue
        lon, lat = feature["geometry"]["coordinates"][:2]
        places.append(
            [properties["name"], round(lon * SCALE), round(lat * SCALE), properties["scalerank"]]
        )
    places.sort(key=lambda place: (place[3], place[0]))
    return {
        "source": (
            "Natural Earth (public domain): admin 0 countries at 1:110m "
            "(world-atlas 2.0.2, Natural Earth 4.1.0) and populated places at 1:10m, "
            f"scale rank 0-{MAX_RANK}"
        ),
        "scale": SCALE,
        "arcs": [_encoded(arc) for arc in arcs],
        "countries": countries,
        "places": places,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    data = derive(Path(argv[0]), Path(argv[1]))
    Path(argv[2]).write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    print(
        f"{argv[2]}: {len(data['countries'])} countries, {len(data['arcs'])} lines, "
        f"{len(data['places'])} places"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
