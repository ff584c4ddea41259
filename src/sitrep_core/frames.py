"""The log as a flat table: one row per event, for data tools and exports.

:class:`EventRow` is one event with plain columns (no nested values, no two columns
of one name): when it happened as text and as the span it may fall in, what it says
in one line, who took part, where (the place a map can draw it at, with its
coordinates and how far the true place may lie from them), who said so.
:func:`event_rows` makes the rows of any events at a moment; :func:`events_frame`
puts them in a pandas DataFrame (``pip install sitrep-core[pandas]``).

Export plugins (TimelineJS, HXL, KML, GeoJSON) take their rows from an
:class:`EventsProjection` of their own, so every event counts, not only the
latest ones a report's timeline keeps.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs

from . import renderers
from .errors import PluginError
from .model import REFERENCE_TYPES, Event, FuzzyTime, Location
from .model._time import MAX_TIME, MIN_TIME
from .projections import Directory, Fact, Place, Projection, ViewContext
from .stores import EventLog

if TYPE_CHECKING:
    import pandas

    from .report import Report

# The renderers' phrasing is called through its package, which loads it on first use,
# and the replay is imported where used: an export plugin imports this module to
# subclass EventsProjection, and every command loads plugins.

__all__ = [
    "ACTOR_FIELDS",
    "COLUMNS",
    "PLACE_FIELDS",
    "EventRow",
    "EventsProjection",
    "Where",
    "event_rows",
    "events_frame",
    "export_view",
    "where",
]

ACTOR_FIELDS: tuple[str, ...] = (
    "actor",
    "actors",
    "group",
    "parties",
    "speaker",
    "claimed_by",
    "against",
    "provider",
    "mediators",
    "guarantors",
)
"""The fields whose values name who took part, in the order ``actors`` lists them."""

PLACE_FIELDS: tuple[str, ...] = ("location", "place", "area", "near", "origins", "origin")
"""The fields whose values say where an event happened, the most specific first (a
``location``'s places, then an area, then what it was near; an evacuation happens
where people leave)."""

EARTH_RADIUS_KM = 6371.0
DECIMALS = 6
"""Decimals kept of a coordinate: about 10 cm."""


@attrs.frozen
class Where:
    """Where an event can be drawn: the place standing for it and a point.

    ``place`` is the first named place with coordinates; ``latitude`` and
    ``longitude`` are its point, or the middle of two places for ``between``.
    ``precision_km`` is how far the true place may lie from the point: what the
    source or the place says, or half the way between two places. ``exact`` is
    False when the event was near, between or off a place rather than at it.
    """

    words: str | None
    place: Place | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision_km: float | None = None
    exact: bool = True
    named: tuple[str, ...] = ()
    """Every place name the event gives, most specific first."""


@attrs.frozen
class EventRow:
    """One event as a row of plain values; see :data:`COLUMNS` for each column.

    Several values in one cell (``actors``, ``sources``, ``grading``, ``tags``) are
    tuples here and joined with ``"; "`` in a DataFrame or CSV.
    """

    position: int
    id: str
    type: str
    occurred: str
    start: str | None
    end: str | None
    time_precision: str
    approximate: bool
    recorded: str | None
    headline: str
    actors: tuple[str, ...]
    location: str | None
    place: str | None
    latitude: float | None
    longitude: float | None
    precision_km: float | None
    exact_place: bool
    country: str | None
    admin1: str | None
    admin2: str | None
    admin3: str | None
    sources: tuple[str, ...]
    grading: tuple[str, ...]
    tags: tuple[str, ...]
    notes: str | None
    corrects: str | None
    later_revised: bool


COLUMNS: dict[str, str] = {
    "position": "the event's position in the log (1 the first)",
    "id": "the event's id",
    "type": "the event type's tag (strike, agreement, convoy-move, ...)",
    "occurred": "when it happened, as written (EDTF: 2017-08, 2017-08-30~, A/B)",
    "start": "the earliest moment it may have happened (ISO 8601, UTC); empty if open",
    "end": "the moment by which it had happened (exclusive, ISO 8601, UTC); empty if open",
    "time_precision": "year, month, day, minute, second or interval",
    "approximate": "true when the date is approximate or uncertain (~ ? %)",
    "recorded": "when it was recorded in the log (ISO 8601, UTC)",
    "headline": "what happened, in one line, as the reports say it",
    "actors": "who took part (actor, group, parties, speaker, ...), display names",
    "location": "where, in the source's words or as the places it names",
    "place": "the named place with coordinates that stands for it on a map",
    "latitude": "WGS84 latitude of that point",
    "longitude": "WGS84 longitude of that point",
    "precision_km": "how far the true place may lie from the point, in km",
    "exact_place": "false when it was near, between or off the place, not at it",
    "country": "the place's country, as the log gives it",
    "admin1": "the place's first administrative level",
    "admin2": "the place's second administrative level",
    "admin3": "the place's third administrative level",
    "sources": "who said so",
    "grading": "each source's Admiralty grading (B2), in the order of sources",
    "tags": "the event's tags",
    "notes": "the event's notes",
    "corrects": "the id of the event this one corrects",
    "later_revised": "true when a later event corrects or retracts it",
}
"""Every column of :class:`EventRow`, in order, with what it holds."""


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Location):  # words alone may be a place's name
        return list(value.places) or ([value.text] if value.text else [])
    if isinstance(value, tuple | list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _distance_km(a: Place, b: Place) -> float:
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _words(location: Location | None, named: Sequence[str], names: Directory) -> str | None:
    if location is not None and location.text:
        return location.text
    shown = [found.name if (found := names.place(n)) else n for n in named]
    if not shown:
        return None
    relation = location.relation if location is not None else None
    if relation == "between" and len(shown) >= 2:
        return f"between {shown[0]} and {shown[1]}"
    if relation is not None and relation not in ("at", "in"):
        return f"{relation.replace('-', ' ')} {' and '.join(shown)}"
    return ", ".join(dict.fromkeys(shown))


def where(event: Event, names: Directory) -> Where:
    """Where ``event`` happened, as far as its fields and the directory say."""
    location: Location | None = None
    named: list[str] = []
    for field in PLACE_FIELDS:
        value = getattr(event, field, None)
        if isinstance(value, Location) and location is None:
            location = value
        named.extend(_names(value))
    named = list(dict.fromkeys(named))
    words = _words(location, named, names)
    found = [p for p in map(names.place, named) if p is not None]
    located = [p for p in found if p.lat is not None and p.lon is not None]
    if not located:
        return Where(words, found[0] if found else None, named=tuple(named))
    place = located[0]
    assert place.lat is not None and place.lon is not None
    lat, lon, precision = place.lat, place.lon, place.precision_km
    relation = location.relation if location is not None else None
    exact = relation in (None, "at", "in") and (
        location is None or location.text is None or not location.places
    )
    if relation == "between" and len(located) >= 2:
        other = located[1]
        assert other.lat is not None and other.lon is not None
        lat, lon = (place.lat + other.lat) / 2, (place.lon + other.lon) / 2
        precision = max(precision or 0.0, _distance_km(place, other) / 2)
    if location is not None and location.precision_km is not None:
        precision = location.precision_km
    exact = exact and len({p.key for p in found}) == 1
    return Where(
        words,
        place,
        round(lat, DECIMALS),
        round(lon, DECIMALS),
        None if precision is None else round(precision, 3),
        exact,
        tuple(named),
    )


def _iso(moment: datetime, bound: datetime) -> str | None:
    if moment == bound:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _actors(event: Event, names: Directory) -> tuple[str, ...]:
    found: list[str] = []
    for field in ACTOR_FIELDS:
        for key in _names(getattr(event, field, None)):
            actor = names.actor(key)
            found.append(actor.name if actor is not None else key)
    return tuple(dict.fromkeys(found))


def event_row(fact: Fact, names: Directory) -> EventRow:
    """One fact of the log as a row (``names`` resolves actors and places)."""
    event = fact.event
    when: FuzzyTime = event.occurred
    at = where(event, names)
    place = at.place
    return EventRow(
        position=fact.position,
        id=event.id,
        type=event.TYPE,
        occurred=when.text,
        start=_iso(when.earliest, MIN_TIME),
        end=_iso(when.latest, MAX_TIME),
        time_precision=when.precision,
        approximate=when.approximate or when.uncertain,
        recorded=_iso(event.recorded, MIN_TIME) if event.recorded else None,
        headline=renderers.plain(renderers.event_phrase(event, names)),
        actors=_actors(event, names),
        location=at.words,
        place=place.name if place is not None else None,
        latitude=at.latitude,
        longitude=at.longitude,
        precision_km=at.precision_km,
        exact_place=at.exact,
        country=place.country if place is not None else None,
        admin1=place.admin1 if place is not None else None,
        admin2=place.admin2 if place is not None else None,
        admin3=place.admin3 if place is not None else None,
        sources=tuple(s.name for s in event.sources),
        grading=tuple(s.grading for s in event.sources),
        tags=event.tags,
        notes=event.notes,
        corrects=event.corrects,
        later_revised=fact.hidden_from is not None,
    )


def _happening(event: Event) -> bool:
    return event.TYPE not in REFERENCE_TYPES and event.TYPE != "retraction"


def _order(fact: Fact) -> tuple[datetime, datetime, int]:
    return (fact.event.occurred.earliest, fact.event.occurred.latest, fact.position)


class EventsProjection(Projection[list[Fact], tuple[EventRow, ...]]):
    """Every event that reports a happening, as rows in the order things happened.

    An export plugin subclasses it with a ``name`` of its own (two projections may not
    share one); the view feeds the export only (``section = False``).
    """

    section = False

    def initial(self) -> list[Fact]:
        return []

    def apply(self, state: list[Fact], fact: Fact) -> None:
        if _happening(fact.event):
            state.append(fact)

    def view(self, state: list[Fact], context: ViewContext) -> tuple[EventRow, ...]:
        seen = sorted(context.visible(state), key=_order)
        return tuple(event_row(fact, context.names) for fact in seen)


class _AllEvents(EventsProjection):
    name = "frames.events"


def event_rows(
    log: EventLog,
    *,
    as_of: str | datetime | FuzzyTime | None = None,
    known_at: str | datetime | FuzzyTime | None = None,
) -> tuple[EventRow, ...]:
    """Every event of ``log`` standing at a moment, as rows in the order things happened
    (corrected events give their correction's row; retracted ones none)."""
    from .replay import fold_log, moment, views_at

    state = fold_log(log, [_AllEvents()])
    views = views_at(state, moment(as_of), moment(known_at))
    rows: tuple[EventRow, ...] = views[_AllEvents.name]
    return rows


def export_view(report: Report, projection: str, plugin: str) -> Any:
    """The view an export plugin's projection made for ``report``; a report built
    without the plugin loaded is a :class:`PluginError` saying how to build it."""
    if projection not in report.extra:
        raise PluginError(
            f"the report has no {projection!r} view: build it with this plugin loaded, "
            "e.g. sitrep_core.Plugins.load().report(log)",
            plugin=plugin,
        )
    return report.extra[projection]


def _cell(value: Any) -> Any:
    return "; ".join(value) if isinstance(value, tuple) else value


def events_frame(
    log: EventLog,
    *,
    as_of: str | datetime | FuzzyTime | None = None,
    known_at: str | datetime | FuzzyTime | None = None,
) -> pandas.DataFrame:
    """The events of ``log`` as a pandas DataFrame, one row per event, the columns of
    :data:`COLUMNS` (several values in a cell joined with ``"; "``; ``start``, ``end``
    and ``recorded`` as UTC timestamps). Needs ``pip install sitrep-core[pandas]``."""
    try:
        import pandas
    except ImportError as exc:  # an optional dependency
        raise ImportError("events_frame needs pandas: pip install 'sitrep-core[pandas]'") from exc
    rows = event_rows(log, as_of=as_of, known_at=known_at)
    frame = pandas.DataFrame(
        [[_cell(getattr(row, column)) for column in COLUMNS] for row in rows],
        columns=list(COLUMNS),
    )
    for column in ("start", "end", "recorded"):
        frame[column] = pandas.to_datetime(frame[column], utc=True)
    return frame


def rows_of(facts: Iterable[Fact], names: Directory) -> tuple[EventRow, ...]:
    """The rows of some facts, in the order things happened."""
    return tuple(event_row(fact, names) for fact in sorted(facts, key=_order))
