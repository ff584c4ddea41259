"""Where a reported position may lie, as an area on a plane in km.

A source's words say how precise a position is, and the area says no more: "east
of As Sukhnah, within 50 km" is a circle of 50 km east of the town; "between Humayma
and As Sukhnah" the band between them, as wide as the places are vague; "near Abu
Kamal" a circle around it. The map (:mod:`._map`) draws these areas, never a point
snapped onto a town.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from ..projections import ConvoyView, Directory, RoutePoint
from ..projections._directory import Place
from ._geometry import XY, circle_points
from ._geometry import hull as convex_hull

KM_PER_DEGREE = 111.32
"""Of latitude, and of longitude at the equator."""
NEAR_KM = 25.0
"""How far "near" reaches when the source gives no distance."""
BETWEEN_KM = 15.0
"""Half the width of the band "between" two places when the source gives none."""
OFFSET_KM = 30.0
"""How far, and within how much, "east of" lies when the source gives no distance."""
POINT_KM = 2.0
"""The size of a place whose precision is not recorded."""
VAGUE_KM = 15.0
"""A place known less precisely than this is drawn with its area."""
DIRECTIONS = {
    "north-of": (0.0, -1.0),
    "north-east-of": (math.sqrt(0.5), -math.sqrt(0.5)),
    "east-of": (1.0, 0.0),
    "south-east-of": (math.sqrt(0.5), math.sqrt(0.5)),
    "south-of": (0.0, 1.0),
    "south-west-of": (-math.sqrt(0.5), math.sqrt(0.5)),
    "west-of": (-1.0, 0.0),
    "north-west-of": (-math.sqrt(0.5), -math.sqrt(0.5)),
}


@attrs.frozen
class Position:
    """A reported position on the km plane: the area it may lie in, and its centre."""

    point: RoutePoint
    outline: tuple[XY, ...]
    centre: XY
    radius_km: float | None
    """How far the position may lie from its centre, where one distance says it."""


@attrs.frozen
class Plane:
    """An equirectangular projection around the map's middle, in km (y grows south)."""

    lat0: float
    lon0: float

    def km(self, lat: float, lon: float) -> XY:
        squeeze = math.cos(math.radians(self.lat0))
        return ((lon - self.lon0) * squeeze * KM_PER_DEGREE, (self.lat0 - lat) * KM_PER_DEGREE)


def located_places(names: Directory, keys: Sequence[str]) -> list[Place]:
    return [
        p for p in (names.place(k) for k in keys) if p and p.lat is not None and p.lon is not None
    ]


def _circles(point: RoutePoint, places: list[Place], plane: Plane) -> list[tuple[XY, float]]:
    """The circles whose hull is the area a position may lie in (km plane)."""
    location = point.location
    given = location.precision_km
    relation = location.relation
    circles = []
    for place in places:
        assert place.lat is not None and place.lon is not None
        centre = plane.km(place.lat, place.lon)
        own = place.precision_km or POINT_KM
        if relation in DIRECTIONS:
            dx, dy = DIRECTIONS[relation]
            reach = given or OFFSET_KM
            away = reach + own
            circles.append(((centre[0] + dx * away, centre[1] + dy * away), reach))
        elif relation in ("near", "around", "outside"):
            circles.append((centre, max(given or NEAR_KM, own)))
        elif relation == "between":
            circles.append((centre, max(given or BETWEEN_KM, own)))
        else:
            circles.append((centre, max(given or 0.0, own)))
    return circles


def positions(convoy: ConvoyView, names: Directory, plane: Plane) -> list[Position]:
    """The convoy's reported positions that can be placed, in the order they happened."""
    found = []
    for point in convoy.route:
        places = located_places(names, [ref.key for ref in point.places] or point.location.places)
        if not places:
            continue
        circles = _circles(point, places, plane)
        outline = convex_hull(p for centre, r in circles for p in circle_points(centre, r, 36))
        centre = (
            sum(c[0] for c, _ in circles) / len(circles),
            sum(c[1] for c, _ in circles) / len(circles),
        )
        radius = circles[0][1] if len(circles) == 1 else None
        found.append(Position(point, tuple(outline), centre, radius))
    return found


def placed_positions(convoy: ConvoyView, names: Directory) -> tuple[Plane, list[Position]] | None:
    """The plane around the convoy's places, and its positions on it; None when no
    position can be placed."""
    plane = plane_of(convoy, names)
    placed = positions(convoy, names, plane) if plane else []
    return (plane, placed) if plane and placed else None


def plane_of(convoy: ConvoyView, names: Directory) -> Plane | None:
    keys = [ref.key for point in convoy.route for ref in point.places]
    keys += [ref.key for ref in convoy.origins]
    keys += [convoy.destination.key] if convoy.destination else []
    located = located_places(names, keys)
    if not located:
        return None
    lats = [p.lat for p in located if p.lat is not None]
    lons = [p.lon for p in located if p.lon is not None]
    return Plane((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
