"""A convoy's route as an inline SVG map that claims no more than the sources do.

A reported position is drawn as the area it may lie in, not as a town it was
reported near: "east of As Sukhnah, within 50 km" is a circle east of the town;
"between Humayma and As Sukhnah" is the band between them, as wide as the places
are vague. Reported positions are numbered in the order they happened and joined
edge to edge by a dashed line (the road taken between them is not known); the
planned route (origin to the deal's destination) is a grey band of its own, so
it never reads as travelled. Countries, borders and reference towns come from the
bundled Natural Earth basemap. Labels are placed where they cover no other label
and no marker, or left out; the legend below the map says everything in full.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

import attrs

from ..projections import ConvoyView, Directory, RoutePoint
from ._dates import human_date
from ._geodata import Basemap, Country, LonLat
from ._geometry import (
    XY,
    Box,
    circle_points,
    clip_line,
    clip_polygon,
    contains,
    exit_distance,
    number,
    path,
)
from ._labels import LabelSpace, Placed, text_width
from ._phrasing import location_words
from ._positions import KM_PER_DEGREE, VAGUE_KM, Plane, located_places, placed_positions
from ._words import Phrase, plain, text


@attrs.frozen
class MapFrame:
    """A map's size in SVG units, its text size in the same units, and how many
    reference towns it names at most. The page shows the frame that fits the screen."""

    name: str
    width: int
    height: int
    font: float
    towns: int
    shortest: float
    """The least height, as a share of the width, when the route fits a flatter frame."""


WIDE = MapFrame("wide", 960, 600, 14.0, 16, 0.45)
NARROW = MapFrame("narrow", 360, 440, 12.5, 7, 0.8)


@attrs.frozen
class Label:
    x: str
    y: str
    anchor: str
    text: str
    kind: str


@attrs.frozen
class Dot:
    x: str
    y: str
    kind: str
    radius: str = "3.0"


@attrs.frozen
class Area:
    """A reported position: the area it may lie in, and its numbered badge."""

    number: int
    outline: str
    x: str
    y: str
    latest: bool
    title: str


@attrs.frozen
class ScaleBar:
    x: str
    x_end: str
    y: str
    label: str


@attrs.frozen
class RouteMap:
    frame: MapFrame
    land: str
    coasts: str
    borders: str
    vague: str
    """Outlines of the places known only roughly."""
    planned: str
    planned_head: str
    travelled: str
    areas: tuple[Area, ...]
    places: tuple[Dot, ...]
    towns: tuple[Dot, ...]
    goal: Dot | None
    labels: tuple[Label, ...]
    scale: ScaleBar
    north: tuple[str, str]


@attrs.frozen
class RouteLegend:
    """What the map shows, in words for the caption: each numbered position in full."""

    entries: tuple[Phrase, ...]
    key: str
    """What the lines and areas mean, and where the base map comes from."""
    unplaced: int
    label: str
    description: str


# -- words -----------------------------------------------------------------------------------


def _status(point: RoutePoint) -> str:
    if point.origin:
        return "set off"
    return point.status.replace("-", " ") if point.status else ""


def route_legend(convoy: ConvoyView, names: Directory) -> RouteLegend | None:
    """The caption of a convoy's map: None when no position of it can be placed."""
    found = placed_positions(convoy, names)
    if found is None:
        return None
    placed = found[1]
    entries = []
    for position in placed:
        point = position.point
        where = location_words(point.location, names) or "unnamed place"
        status = _status(point)
        within = (
            f" (within about {position.radius_km:g} km)"
            if position.radius_km and position.radius_km >= VAGUE_KM
            else ""
        )
        entries.append(
            text(
                human_date(point.occurred), f": {where}{within}", f", {status}" if status else None
            )
        )
    destination = names.place(convoy.destination.key) if convoy.destination else None
    origins = [ref.name or ref.key for ref in convoy.origins]
    planned = (
        f"The grey band is the planned route, {' and '.join(origins)} to {destination.name}"
        if destination and destination.lat is not None and origins
        else None
    )
    name = convoy.convoy.name or convoy.key
    steps = "; ".join(f"{n}. {plain(entry)}" for n, entry in enumerate(entries, 1))
    unplaced = len(convoy.route) - len(placed)
    description = (
        f"Reported positions of {name}, numbered in the order they happened, each drawn as "
        f"the area the source's words allow: {steps}."
        + (f" {planned}." if planned else "")
        + (f" {unplaced} reported positions name no place with coordinates." if unplaced else "")
    )
    key = (
        "Numbered areas: where each reported position may lie, as the source's words allow; "
        "the dashed line joins them in order (the road taken between them is not known). "
        + (f"{planned}. " if planned else "")
        + "Base map: Natural Earth."
    )
    return RouteLegend(
        tuple(entries), key, unplaced, f"Map of the reported positions of {name}", description
    )


# -- drawing ---------------------------------------------------------------------------------


@attrs.frozen
class _Fit:
    plane: Plane
    scale: float  # px per km
    shift: XY

    def px(self, km: XY) -> XY:
        return (km[0] * self.scale + self.shift[0], km[1] * self.scale + self.shift[1])

    def lonlat(self, lon: float, lat: float) -> XY:
        return self.px(self.plane.km(lat, lon))

    def view(self, frame: MapFrame) -> tuple[float, float, float, float]:
        """The frame's west, south, east and north edges, with a margin."""
        squeeze = math.cos(math.radians(self.plane.lat0)) * KM_PER_DEGREE
        west = self.plane.lon0 + (0 - self.shift[0]) / self.scale / squeeze
        east = self.plane.lon0 + (frame.width - self.shift[0]) / self.scale / squeeze
        north = self.plane.lat0 - (0 - self.shift[1]) / self.scale / KM_PER_DEGREE
        south = self.plane.lat0 - (frame.height - self.shift[1]) / self.scale / KM_PER_DEGREE
        margin = max(east - west, north - south) * 0.1
        return (west - margin, south - margin, east + margin, north + margin)


def _fit(points: Sequence[XY], frame: MapFrame, plane: Plane) -> tuple[_Fit, MapFrame]:
    """The scale and offset that fit ``points`` in the frame, and the frame made as
    short as the route allows (a flat route gets a flat map, not empty bands)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span_x, span_y = max(max(xs) - min(xs), 60.0), max(max(ys) - min(ys), 60.0)
    pad = frame.font * 2.5
    scale = min((frame.width - 2 * pad) / span_x, (frame.height - 2 * pad) / span_y) * 0.9
    height = min(frame.height, max(frame.width * frame.shortest, span_y * scale / 0.7))
    frame = attrs.evolve(frame, height=math.ceil(height))
    middle = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
    shift = (frame.width / 2 - middle[0] * scale, frame.height / 2 - middle[1] * scale)
    return _Fit(plane, scale, shift), frame


def _scale_bar(fit: _Fit, frame: MapFrame) -> ScaleBar:
    nice = [n * 10**e for e in range(0, 4) for n in (1, 2, 5)]
    km = max((n for n in nice if n * fit.scale <= frame.width * 0.25), default=1)
    left, y = frame.font, frame.height - frame.font
    return ScaleBar(number(left), number(left + km * fit.scale), number(y), f"{km:g} km")


def _visible(line: Sequence[XY], box: Box) -> bool:
    xs, ys = [p[0] for p in line], [p[1] for p in line]
    return max(xs) >= box[0] and min(xs) <= box[2] and max(ys) >= box[1] and min(ys) <= box[3]


def _lines(lines: Iterable[Sequence[LonLat]], fit: _Fit, box: Box) -> str:
    """Lines of longitude/latitude as path data, clipped to the frame."""
    pieces = []
    for line in lines:
        # a line that jumps across the antimeridian is two lines
        parts: list[list[LonLat]] = [[]]
        for point in line:
            if parts[-1] and abs(point[0] - parts[-1][-1][0]) > 180:
                parts.append([])
            parts[-1].append(point)
        for part in parts:
            projected = [fit.lonlat(lon, lat) for lon, lat in part]
            if len(projected) > 1 and _visible(projected, box):
                pieces.extend(clip_line(projected, box))
    return path(pieces)


def _arrow(tip: XY, tail: XY, size: float) -> str:
    angle = math.atan2(tip[1] - tail[1], tip[0] - tail[0])
    left = (tip[0] - size * math.cos(angle - 0.45), tip[1] - size * math.sin(angle - 0.45))
    right = (tip[0] - size * math.cos(angle + 0.45), tip[1] - size * math.sin(angle + 0.45))
    return path([[left, tip, right]], closed=True)


def _rings(basemap: Basemap, country: Country, fit: _Fit, frame: MapFrame) -> list[list[XY]]:
    """A country's rings that may show in the frame, projected."""
    view = fit.view(frame)
    return [
        [fit.lonlat(lon, lat) for lon, lat in basemap.ring(numbers)]
        for numbers in country.rings
        if any(basemap.near(number, view) for number in numbers)
    ]


def _country_labels(
    basemap: Basemap, fit: _Fit, frame: MapFrame, box: Box, space: LabelSpace
) -> list[Label]:
    """Each country with room for its name, where it has most room inside the frame."""
    step = frame.font * 2
    labels = []
    for country in basemap.countries:
        rings = _rings(basemap, country, fit, frame)
        rings = [ring for ring in rings if len(ring) > 2 and _visible(ring, box)]
        if not rings:
            continue
        samples = [
            (box[0] + step * (i + 0.5), box[1] + step * (j + 0.5))
            for i in range(int((box[2] - box[0]) // step))
            for j in range(int((box[3] - box[1]) // step))
        ]
        inland = [s for s in samples if any(contains(ring, s) for ring in rings)]
        if len(inland) < 8:
            continue
        middle = (sum(s[0] for s in inland) / len(inland), sum(s[1] for s in inland) / len(inland))
        name = country.name.upper()
        for sample in sorted(inland, key=lambda s: math.dist(s, middle)):
            width = text_width(name, frame.font) * 1.15
            candidate = (sample[0] - width / 2, sample[1] - frame.font, sample[0] + width / 2,
                         sample[1] + 2)  # fmt: skip
            if space.free(candidate) and all(
                any(contains(ring, corner) for ring in rings)
                for corner in ((candidate[0], sample[1]), (candidate[2], sample[1]))
            ):
                space.take(candidate)
                labels.append(
                    Label(number(sample[0]), number(sample[1]), "middle", name, "country")
                )
                break
    return labels


def route_map(
    convoy: ConvoyView, names: Directory, basemap: Basemap, frame: MapFrame
) -> RouteMap | None:
    """The convoy's reported positions, planned route and context, laid out in
    ``frame``; None when no position names a place with coordinates."""
    found = placed_positions(convoy, names)
    if found is None:
        return None
    plane, placed = found
    route_places = {ref.key: ref for point in convoy.route for ref in point.places}
    route_places.update({ref.key: ref for ref in convoy.origins})
    destination = names.place(convoy.destination.key) if convoy.destination else None
    located = located_places(names, list(route_places))
    extent = [p for position in placed for p in position.outline]
    extent += [plane.km(p.lat, p.lon) for p in located if p.lat is not None and p.lon is not None]
    if destination and destination.lat is not None and destination.lon is not None:
        extent.append(plane.km(destination.lat, destination.lon))
    fit, frame = _fit(extent, frame, plane)
    box: Box = (0.0, 0.0, float(frame.width), float(frame.height))
    font = frame.font

    # reserved before any label: the scale bar, the north arrow, the badges, the places
    scale = _scale_bar(fit, frame)
    taken: list[Box] = [
        (0, frame.height - font * 2.6, float(scale.x_end) + font, frame.height),
        (frame.width - font * 2.4, 0, frame.width, font * 2.6),
    ]
    areas = []
    badges: list[XY] = []
    for index, position in enumerate(placed, 1):
        outline = [fit.px(p) for p in position.outline]
        # the badge sits on the top edge of the area, clear of the place it names
        r = font * 0.8
        top = min(outline, key=lambda p: p[1])
        centre = (top[0], min(top[1], fit.px(position.centre)[1] - r - 4))
        badges.append(centre)
        taken.append((centre[0] - r, centre[1] - r, centre[0] + r, centre[1] + r))
        title = (
            plain(human_date(position.point.occurred))
            + ": "
            + (location_words(position.point.location, names) or "unnamed place")
        )
        areas.append(
            Area(index, path([clip_polygon(outline, box)], closed=True), number(centre[0]),
                 number(centre[1]), index == len(placed), title)
        )  # fmt: skip
    place_dots = []
    vague = []
    for place in located:
        assert place.lat is not None and place.lon is not None
        x, y = fit.lonlat(place.lon, place.lat)
        place_dots.append((place, x, y))
        taken.append((x - 4, y - 4, x + 4, y + 4))
        if place.precision_km and place.precision_km >= VAGUE_KM:
            vague.append(clip_polygon(circle_points((x, y), place.precision_km * fit.scale), box))
    space = LabelSpace((2.0, 2.0, frame.width - 2.0, frame.height - 2.0), taken)
    labels: list[Label] = []

    def put(placed_label: Placed | None, kind: str) -> bool:
        if placed_label is None:
            return False
        labels.append(Label(number(placed_label.x), number(placed_label.y), placed_label.anchor,
                            placed_label.text, kind))  # fmt: skip
        return True

    for index, position in enumerate(placed, 1):
        x, y = badges[index - 1]
        status = _status(position.point)
        words = plain(human_date(position.point.occurred)) + (f", {status}" if status else "")
        put(space.place(x, y, words, font, font * 1.0, shortest=len(words), bold=True), "position")

    # the planned route: origin to destination, dotted, with an arrowhead
    planned = head = ""
    goal = None
    origins = located_places(names, [ref.key for ref in convoy.origins])
    if destination and destination.lat is not None and destination.lon is not None and origins:
        start = origins[0]
        assert start.lat is not None and start.lon is not None
        a, b = fit.lonlat(start.lon, start.lat), fit.lonlat(destination.lon, destination.lat)
        planned = path(clip_line([a, b], box))
        head = _arrow(b, a, font * 0.8)
        goal = Dot(number(b[0]), number(b[1]), "goal")
        space.take((b[0] - 6, b[1] - 6, b[0] + 6, b[1] + 6))
        goal_words = f"{destination.name} (destination)"
        put(space.place(b[0], b[1], goal_words, font, 9, shortest=len(destination.name), bold=True),
            "goal")  # fmt: skip

    shown = {destination.key} if destination else set()
    for place, x, y in place_dots:
        if place.key not in shown:
            shown.add(place.key)
            put(space.place(x, y, place.name, font, 6, shortest=len(place.name), bold=True),
                "place")  # fmt: skip

    # reported positions joined edge to edge, in order
    joins = []
    for one, other in itertools.pairwise(placed):
        a, b = fit.px(one.centre), fit.px(other.centre)
        outline_a = [fit.px(p) for p in one.outline]
        outline_b = [fit.px(p) for p in other.outline]
        length = math.dist(a, b)
        out_a, in_b = exit_distance(outline_a, a, b), exit_distance(outline_b, b, a)
        if length - out_a - in_b > 4:
            ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
            joins.append([(a[0] + ux * out_a, a[1] + uy * out_a),
                          (b[0] - ux * in_b, b[1] - uy * in_b)])  # fmt: skip
    travelled = path(piece for join in joins for piece in clip_line(join, box))

    # reference towns of the basemap, most prominent first, where they fit
    known = [(p.name.casefold(), x, y) for p, x, y in place_dots]
    towns: list[Dot] = []
    inner = (font, font, frame.width - font, frame.height - font)
    for town in sorted(basemap.towns, key=lambda t: t.rank):
        if len(towns) >= frame.towns:
            break
        x, y = fit.lonlat(town.lon, town.lat)
        if not (inner[0] <= x <= inner[2] and inner[1] <= y <= inner[3]):
            continue
        if any(n == town.name.casefold() or math.dist((x, y), (kx, ky)) < 8 * fit.scale + 6
               for n, kx, ky in known):  # fmt: skip
            continue
        dot_box = (x - 3, y - 3, x + 3, y + 3)
        if not space.free(dot_box):
            continue
        label = space.place(x, y, town.name, font * 0.9, 5, shortest=len(town.name))
        if label is None:
            continue
        space.take(dot_box)
        put(label, "town")
        towns.append(Dot(number(x), number(y), "town", "2.5"))
        known.append((town.name.casefold(), x, y))

    labels += _country_labels(basemap, fit, frame, box, space)
    land = path(
        (
            clip_polygon(ring, box)
            for country in basemap.countries
            for ring in _rings(basemap, country, fit, frame)
            if _visible(ring, box)
        ),
        closed=True,
    )
    return RouteMap(
        frame=frame,
        land=land,
        coasts=_lines(basemap.coasts(fit.view(frame)), fit, box),
        borders=_lines(basemap.borders(fit.view(frame)), fit, box),
        vague=path(vague, closed=True),
        planned=planned,
        planned_head=head,
        travelled=travelled,
        areas=tuple(areas),
        places=tuple(Dot(number(x), number(y), "place") for _, x, y in place_dots),
        towns=tuple(towns),
        goal=goal,
        labels=tuple(labels),
        scale=scale,
        north=(number(frame.width - font * 1.2), number(font * 1.8)),
    )
