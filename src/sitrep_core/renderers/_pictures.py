"""The pictures of the HTML report: a timeline and each convoy's route, as inline SVG.

They are drawn here, from the report's data, with no script and no request: the
page stays one self-contained file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import attrs

from ..model import FuzzyTime
from ..model._time import MAX_TIME, MIN_TIME
from ..projections import ConvoyView, Directory, RoutePoint, TimelineEntry
from ._dates import human_date
from ._phrasing import event_phrase, location_words
from ._words import plain

# The drawing areas, in SVG user units (the pictures scale to the page width).
TIMELINE_WIDTH = 960
TIMELINE_MARGIN = 44
LANE_HEIGHT = 17
MAX_LANES = 10
CHAR_WIDTH = 6.8  # of the 12px labels, on average: enough to keep labels apart
LABEL_CHARS = 48
ROUTE_WIDTH = 640
ROUTE_HEIGHT = 380
ROUTE_MARGIN = 70


def _clip(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _words(value: str | None) -> str:
    return value.replace("-", " ") if value else ""


def _number(value: float) -> str:
    return f"{value:.1f}"


# -- timeline picture ----------------------------------------------------------------


@attrs.frozen
class Tick:
    x: str
    label: str


@attrs.frozen
class TimelineMark:
    x: str
    x_end: str | None
    """Where a span ends, when the event is known only within a span wider than a day."""
    label_x: str
    label_y: str
    anchor: str
    label: str | None
    title: str


@attrs.frozen
class TimelinePlot:
    width: int
    height: int
    axis_y: str
    left: str
    right: str
    ticks: tuple[Tick, ...]
    marks: tuple[TimelineMark, ...]
    description: str


def _span(when: FuzzyTime) -> tuple[datetime, datetime] | None:
    start = when.earliest if when.earliest != MIN_TIME else None
    end = when.latest if when.latest != MAX_TIME else None
    if start is None and end is None:
        return None
    return (start or end or when.latest, end or start or when.earliest)


def _ticks(low: datetime, high: datetime) -> list[tuple[datetime, str]]:
    days = (high - low).total_seconds() / 86400
    found: list[tuple[datetime, str]] = []
    if days <= 120:
        step = max(1, math.ceil(days / 12))
        moment = low.replace(hour=0, minute=0, second=0, microsecond=0)
        if moment < low:
            moment += timedelta(days=1)
        while moment <= high:
            found.append((moment, f"{moment.day} {moment:%b %Y}"))
            moment += timedelta(days=step)
        return found
    if days <= 366 * 4:
        step = max(1, math.ceil(days / 30 / 12))
        year, month = low.year, low.month
        while True:
            moment = low.replace(year=year, month=month, day=1, hour=0, minute=0, second=0)
            moment = moment.replace(microsecond=0)
            if moment > high:
                return found
            if moment >= low:
                found.append((moment, f"{moment:%b %Y}"))
            month += step
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    step = max(1, math.ceil(days / 365.25 / 12))
    first = low.year if (low.month, low.day, low.hour, low.minute) == (1, 1, 0, 0) else low.year + 1
    for year in range(first, high.year + 1, step):
        found.append((datetime(year, 1, 1, tzinfo=low.tzinfo), str(year)))
    return found


def timeline_plot(entries: Sequence[TimelineEntry], names: Directory) -> TimelinePlot | None:
    """Events on a time axis by when they happened, labelled without overlaps."""
    spans = [(entry, span) for entry in entries if (span := _span(entry.event.occurred))]
    headline = {e.event_id: plain(event_phrase(e.event, names)) for e, _ in spans}
    if not spans:
        return None
    low = min(span[0] for _, span in spans)
    high = max(span[1] for _, span in spans)
    if high - low < timedelta(days=1):
        middle = low + (high - low) / 2
        low, high = middle - timedelta(hours=12), middle + timedelta(hours=12)
    left, right = TIMELINE_MARGIN, TIMELINE_WIDTH - TIMELINE_MARGIN
    seconds = (high - low).total_seconds()

    def x_of(moment: datetime) -> float:
        return left + (moment - low).total_seconds() / seconds * (right - left)

    lanes: list[float] = []  # per lane, where its last label ends
    placed: list[tuple[float, float | None, int | None, str, TimelineEntry, bool]] = []
    for entry, (start, end) in sorted(spans, key=lambda item: (item[1][0], item[0].position)):
        x = x_of(start)
        x_end = x_of(end) if end - start > timedelta(days=1) else None
        label = _clip(headline[entry.event_id])
        width = len(label) * CHAR_WIDTH + 8
        flip = x + width > right
        begins, ends = (x - width, x) if flip else (x, x + width)
        lane = next((i for i, edge in enumerate(lanes) if edge < begins), None)
        if lane is None and len(lanes) < MAX_LANES:
            lanes.append(ends)
            lane = len(lanes) - 1
        elif lane is not None:
            lanes[lane] = ends
        placed.append((x, x_end, lane, label, entry, flip))
    top = 12
    axis_y = top + max(len(lanes), 1) * LANE_HEIGHT + 10
    marks = tuple(
        TimelineMark(
            _number(x),
            None if x_end is None else _number(x_end),
            _number(x + (-4 if flip else 4)),
            _number(top + (lane if lane is not None else 0) * LANE_HEIGHT + 10),
            "end" if flip else "start",
            label if lane is not None else None,
            f"{plain(human_date(entry.event.occurred))}: {headline[entry.event_id]}",
        )
        for x, x_end, lane, label, entry, flip in placed
    )
    ticks = tuple(Tick(_number(x_of(moment)), text) for moment, text in _ticks(low, high))
    first = plain(human_date(spans[0][0].event.occurred))
    last = plain(human_date(max(spans, key=lambda item: item[1][1])[0].event.occurred))
    unlabelled = sum(1 for mark in marks if mark.label is None)
    description = (
        f"{len(marks)} events from {first} to {last}, placed by when they happened"
        + (f"; {unlabelled} are too close to others to label here" if unlabelled else "")
        + ". The table below lists every one."
    )
    return TimelinePlot(
        TIMELINE_WIDTH,
        axis_y + 34,
        _number(axis_y),
        _number(left),
        _number(right),
        ticks,
        marks,
        description,
    )


# -- route picture -------------------------------------------------------------------


@attrs.frozen
class RouteStop:
    x: str
    y: str
    label: str
    title: str
    anchor: str
    label_x: str
    label_y: str


@attrs.frozen
class ScaleBar:
    x: str
    x_end: str
    y: str
    label: str


@attrs.frozen
class RoutePlot:
    width: int
    height: int
    points: str
    scale: ScaleBar
    stops: tuple[RouteStop, ...]
    current: RouteStop | None
    destination: RouteStop | None
    label: str
    description: str


def _stop_name(point: RoutePoint, names: Directory) -> str:
    return location_words(point.location, names) or "unnamed point"


Box = tuple[float, float, float, float]


def _overlap(one: Box, other: Box) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


class _Labels:
    """Places map labels beside their points, where they overlap no point and no label
    placed before (right above, left above, right below, left below...), clipped to
    the frame."""

    OFFSETS = ((1, -7), (-1, -7), (1, 17), (-1, 17), (1, -21), (-1, 31))

    def __init__(self, width: int, height: int, points: Iterable[tuple[float, float]]) -> None:
        self.width, self.height = width, height
        self.taken: list[Box] = [(x - 6, y - 6, x + 6, y + 6) for x, y in points]
        self.taken.append((0, height - 36, 170, height))  # the scale bar
        self.taken.append((width - 40, 0, width, 30))  # the north arrow

    def place(self, x: float, y: float, text: str) -> tuple[str, float, float, str]:
        """The label as it fits, its anchor point and its text-anchor: whole where it can
        be, else clipped; over another label only when nothing else fits."""
        text = _clip(text, LABEL_CHARS)
        fallback: tuple[str, float, float, str, Box] | None = None
        for whole in (True, False):
            for side, dy in self.OFFSETS:
                room = self.width - 6 - (x + 8) if side > 0 else x - 8 - 6
                chars = int(room // CHAR_WIDTH)
                label_y = y + dy
                if chars < min(len(text), 8) or label_y < 14 or label_y > self.height - 4:
                    continue
                if whole and chars < len(text):
                    continue
                label = _clip(text, chars)
                span = len(label) * CHAR_WIDTH
                left = x + 8 if side > 0 else x - 8 - span
                box = (left, label_y - 12, left + span, label_y + 3)
                anchor_x, anchor = (x + 8, "start") if side > 0 else (x - 8, "end")
                if fallback is None:
                    fallback = (label, anchor_x, label_y, anchor, box)
                if not any(_overlap(box, other) for other in self.taken):
                    self.taken.append(box)
                    return label, anchor_x, label_y, anchor
        if fallback is None:
            return _clip(text, 8), x + 8, y - 7, "start"
        self.taken.append(fallback[4])
        return fallback[:4]


KM_PER_DEGREE = 111.32
"""Of latitude, and of longitude at the equator: enough for a scale bar."""


def _scale_bar(pixels_per_degree: float, height: int) -> ScaleBar:
    pixels_per_km = pixels_per_degree / KM_PER_DEGREE
    nice = [n * 10**e for e in range(-1, 5) for n in (1, 2, 5)]
    km = max((n for n in nice if n * pixels_per_km <= 140), default=nice[0])
    left, y = 16.0, height - 16.0
    label = f"{km:g} km"
    return ScaleBar(_number(left), _number(left + km * pixels_per_km), _number(y), label)


def route_plot(convoy: ConvoyView, names: Directory) -> RoutePlot | None:
    """The convoy's route through the points whose coordinates are known, on a simple
    equirectangular projection; None when no point has coordinates."""
    known = [(p, p.lat, p.lon) for p in convoy.route if p.lat is not None and p.lon is not None]
    if not known:
        return None
    goal = names.place(convoy.destination.key) if convoy.destination else None
    goal_at = (
        (goal.lat, goal.lon) if goal and goal.lat is not None and goal.lon is not None else None
    )
    coordinates = [(lat, lon) for _, lat, lon in known] + ([goal_at] if goal_at else [])
    lats = [lat for lat, _ in coordinates]
    lons = [lon for _, lon in coordinates]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * squeeze, 0.05)
    span_y = max(max(lats) - min(lats), 0.05)
    width, height, margin = ROUTE_WIDTH, ROUTE_HEIGHT, ROUTE_MARGIN
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    mid_x = (max(lons) + min(lons)) / 2 * squeeze
    mid_y = (max(lats) + min(lats)) / 2

    def place(lat: float, lon: float) -> tuple[float, float]:
        return (width / 2 + (lon * squeeze - mid_x) * scale, height / 2 - (lat - mid_y) * scale)

    path: list[tuple[float, float]] = []
    grouped: dict[tuple[float, float], list[RoutePoint]] = {}
    for point, lat, lon in known:
        at = place(lat, lon)
        grouped.setdefault(at, []).append(point)
        if not path or path[-1] != at:
            path.append(at)
    goal_xy = place(*goal_at) if goal_at else None
    labels = _Labels(width, height, [*grouped, *([goal_xy] if goal_xy else [])])

    def stop(at: tuple[float, float], label: str, title: str) -> RouteStop:
        x, y = at
        text, label_x, label_y, anchor = labels.place(x, y, label) if label else ("", x, y, "")
        return RouteStop(
            _number(x), _number(y), text, title, anchor or "start", _number(label_x),
            _number(label_y),
        )  # fmt: skip

    stops = []
    for at, points in grouped.items():
        when = ", ".join(plain(human_date(p.occurred)) for p in points)
        title = "; ".join(
            f"{plain(human_date(p.occurred))}: {_stop_name(p, names)}"
            + (f" ({_words(p.status)})" if p.status else "")
            for p in points
        )
        stops.append(stop(at, f"{_stop_name(points[-1], names)} ({when})", title))
    current = None
    where = convoy.whereabouts
    if where is not None and where.lat is not None and where.lon is not None:
        now = _words(convoy.status.status if convoy.status else None) or "last reported"
        current = stop(
            place(where.lat, where.lon),
            "",
            f"Last reported: {location_words(where.location, names)} ({now})",
        )
    destination = None
    if goal is not None and goal_xy is not None:
        destination = stop(goal_xy, f"{goal.name} (destination)", f"Destination: {goal.name}")
    steps = "; then ".join(
        f"{_stop_name(p, names)} ({plain(human_date(p.occurred))}"
        f"{', ' + _words(p.status) if p.status else ''})"
        for p, _, _ in known
    )
    unplaced = len(convoy.route) - len(known)
    description = (
        f"From {steps}."
        + (f" Destination: {goal.name}." if goal is not None and goal_xy else "")
        + (f" {unplaced} reported positions have no known coordinates." if unplaced else "")
    )
    return RoutePlot(
        width,
        height,
        " ".join(f"{_number(x)},{_number(y)}" for x, y in path),
        _scale_bar(scale, height),
        tuple(stops),
        current,
        destination,
        f"Map of the reported route of {convoy.convoy.name or convoy.key}",
        description,
    )
