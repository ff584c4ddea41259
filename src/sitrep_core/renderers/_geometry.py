"""Plane geometry for the SVG pictures: clipping to a frame, hulls, path data.

Everything here works in the picture's own units (x to the right, y down).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

XY = tuple[float, float]
Box = tuple[float, float, float, float]
"""left, top, right, bottom"""


def number(value: float) -> str:
    """A coordinate as SVG prints it: one decimal, no ``-0.0``."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def overlaps(one: Box, other: Box) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def inside(box: Box, outer: Box) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


def _clip_edge(points: list[XY], keep: int, limit: float, upper: bool) -> list[XY]:
    """Sutherland-Hodgman: the polygon on the kept side of one edge of the frame."""

    def kept(p: XY) -> bool:
        return p[keep] <= limit if upper else p[keep] >= limit

    def crossing(a: XY, b: XY) -> XY:
        t = (limit - a[keep]) / (b[keep] - a[keep])
        return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))

    out: list[XY] = []
    for index, current in enumerate(points):
        previous = points[index - 1]
        if kept(current):
            if not kept(previous):
                out.append(crossing(previous, current))
            out.append(current)
        elif kept(previous):
            out.append(crossing(previous, current))
    return out


def clip_polygon(points: Sequence[XY], box: Box) -> list[XY]:
    """The part of a polygon inside ``box`` (empty when none is)."""
    out = list(points)
    for keep, limit, upper in ((0, box[0], False), (0, box[2], True), (1, box[1], False)):
        out = _clip_edge(out, keep, limit, upper) if out else out
    return _clip_edge(out, 1, box[3], True) if out else out


def _clip_segment(a: XY, b: XY, box: Box) -> tuple[XY, XY] | None:
    """Liang-Barsky: the part of segment a-b inside ``box``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    low, high = 0.0, 1.0
    for p, q in (
        (-dx, a[0] - box[0]),
        (dx, box[2] - a[0]),
        (-dy, a[1] - box[1]),
        (dy, box[3] - a[1]),
    ):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return None
    return (a[0] + low * dx, a[1] + low * dy), (a[0] + high * dx, a[1] + high * dy)


def clip_line(points: Sequence[XY], box: Box) -> list[list[XY]]:
    """The pieces of a polyline inside ``box``."""
    pieces: list[list[XY]] = []
    current: list[XY] = []
    for a, b in itertools.pairwise(points):
        part = _clip_segment(a, b, box)
        if part is None:
            if current:
                pieces.append(current)
                current = []
            continue
        start, end = part
        if current and current[-1] == start:
            current.append(end)
        else:
            if current:
                pieces.append(current)
            current = [start, end]
        if end != b:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return [piece for piece in pieces if len(piece) > 1]


def path(pieces: Iterable[Sequence[XY]], closed: bool = False) -> str:
    """SVG path data of polylines (or rings, when ``closed``)."""
    parts = []
    for piece in pieces:
        if len(piece) < 2:
            continue
        head, *rest = piece
        parts.append(
            f"M{number(head[0])} {number(head[1])}"
            + "".join(f"L{number(x)} {number(y)}" for x, y in rest)
            + ("Z" if closed else "")
        )
    return "".join(parts)


def circle_points(centre: XY, radius: float, count: int = 32) -> list[XY]:
    return [
        (
            centre[0] + radius * math.cos(2 * math.pi * k / count),
            centre[1] + radius * math.sin(2 * math.pi * k / count),
        )
        for k in range(count)
    ]


def hull(points: Iterable[XY]) -> list[XY]:
    """The convex hull (Andrew's monotone chain), counter-clockwise."""
    ordered = sorted(set(points))
    if len(ordered) < 3:
        return ordered

    def cross(o: XY, a: XY, b: XY) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[XY] = []
    for p in ordered:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[XY] = []
    for p in reversed(ordered):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def exit_distance(polygon: Sequence[XY], origin: XY, toward: XY) -> float:
    """How far from ``origin`` (inside the convex ``polygon``) a ray toward ``toward``
    leaves it; 0 when the directions coincide or nothing is crossed."""
    dx, dy = toward[0] - origin[0], toward[1] - origin[1]
    length = math.hypot(dx, dy)
    if length == 0 or len(polygon) < 3:
        return 0.0
    dx, dy = dx / length, dy / length
    best = 0.0
    for a, b in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        ex, ey = b[0] - a[0], b[1] - a[1]
        denominator = dx * ey - dy * ex
        if denominator == 0:
            continue
        t = ((a[0] - origin[0]) * ey - (a[1] - origin[1]) * ex) / denominator
        s = ((a[0] - origin[0]) * dy - (a[1] - origin[1]) * dx) / denominator
        if t > 0 and 0 <= s <= 1:
            best = max(best, t)
    return best


def contains(polygon: Sequence[XY], point: XY) -> bool:
    """Whether ``point`` lies inside ``polygon`` (even-odd rule)."""
    x, y = point
    found = False
    for (x1, y1), (x2, y2) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            found = not found
    return found
