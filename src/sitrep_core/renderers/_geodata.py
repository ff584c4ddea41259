"""The basemap under the route maps: countries, borders, coasts and towns.

It comes from Natural Earth (public domain; see ``geodata/LICENSE-NaturalEarth.md``)
and ships in the package as one small JSON file, read when a report is rendered:
no request leaves the machine. ``scripts/derive_basemap.py`` made the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files

import attrs
import orjson

BASEMAP_FILE = "naturalearth.json"

LonLat = tuple[float, float]


@attrs.frozen
class Town:
    """A populated place of the basemap; ``rank`` is Natural Earth's scale rank (0 the
    most prominent), which decides which towns a map names first."""

    name: str
    lon: float
    lat: float
    rank: int


@attrs.frozen
class Country:
    name: str
    rings: tuple[tuple[int, ...], ...]
    """Each ring as line numbers; ``~n`` is line ``n`` walked backwards."""


@attrs.frozen
class Basemap:
    """Lines (each once), countries as rings of lines, and towns."""

    lines: tuple[tuple[LonLat, ...], ...]
    countries: tuple[Country, ...]
    towns: tuple[Town, ...]
    source: str
    bounds: tuple[tuple[float, float, float, float], ...] = attrs.field(init=False)
    """Each line's west, south, east and north edge: a map skips what lies outside it."""

    def __attrs_post_init__(self) -> None:
        boxes = tuple(
            (
                min(lon for lon, _ in line),
                min(lat for _, lat in line),
                max(lon for lon, _ in line),
                max(lat for _, lat in line),
            )
            for line in self.lines
        )
        object.__setattr__(self, "bounds", boxes)

    def near(self, number: int, view: tuple[float, float, float, float]) -> bool:
        """Whether line ``number`` (or ``~number``) may cross ``view`` (west, south,
        east, north)."""
        west, south, east, north = self.bounds[number if number >= 0 else ~number]
        return east >= view[0] and west <= view[2] and north >= view[1] and south <= view[3]

    def borders(self, view: tuple[float, float, float, float]) -> Iterator[tuple[LonLat, ...]]:
        """The lines two countries share (land borders) that may cross ``view``."""
        uses = self._uses()
        return (
            line
            for number, line in enumerate(self.lines)
            if uses.get(number, 0) > 1 and self.near(number, view)
        )

    def coasts(self, view: tuple[float, float, float, float]) -> Iterator[tuple[LonLat, ...]]:
        """The lines only one country has (where land meets sea) that may cross ``view``."""
        uses = self._uses()
        return (
            line
            for number, line in enumerate(self.lines)
            if uses.get(number, 0) == 1 and self.near(number, view)
        )

    def _uses(self) -> dict[int, int]:
        uses: dict[int, int] = {}
        for country in self.countries:
            for ring in country.rings:
                for number in ring:
                    key = number if number >= 0 else ~number
                    uses[key] = uses.get(key, 0) + 1
        return uses

    def ring(self, numbers: tuple[int, ...]) -> list[LonLat]:
        """A country's ring as points, its lines joined end to end."""
        points: list[LonLat] = []
        for number in numbers:
            line = self.lines[number] if number >= 0 else self.lines[~number][::-1]
            points.extend(line if not points else line[1:])
        return points


def _decoded(encoded: list[int], scale: float) -> tuple[LonLat, ...]:
    x, y = encoded[0], encoded[1]
    points = [(x / scale, y / scale)]
    for index in range(2, len(encoded), 2):
        x, y = x + encoded[index], y + encoded[index + 1]
        points.append((x / scale, y / scale))
    return tuple(points)


def load_basemap() -> Basemap:
    """The basemap that ships with the package, read from its file."""
    data = orjson.loads((files(__package__) / "geodata" / BASEMAP_FILE).read_bytes())
    scale = float(data["scale"])
    return Basemap(
        lines=tuple(_decoded(line, scale) for line in data["arcs"]),
        countries=tuple(
            Country(country["name"], tuple(tuple(ring) for ring in country["rings"]))
            for country in data["countries"]
        ),
        towns=tuple(
            Town(name, lon / scale, lat / scale, rank) for name, lon, lat, rank in data["places"]
        ),
        source=data["source"],
    )
