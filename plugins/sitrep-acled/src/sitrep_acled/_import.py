"""ACLED files read into events: ``sitrep import LOG FILE --format acled``.

Each row becomes an event whose id is ACLED's ``event_id_cnty`` (so importing a file
again appends nothing), tagged ``acled``, with ACLED's notes; each actor and location
becomes an actor or place definition named as ACLED names it. A row becomes a
built-in event (a strike, an agreement, an operation, a control change) when that
event exports to the same row; the coding values its fields cannot say (a source
scale, a geo_precision, an actor's type in this row) are kept as ``acled:COLUMN=VALUE``
tags. Any other row becomes an ``acled-event``, which keeps ACLED's coding as it is.
So exporting the imported log to ACLED gives the rows that were read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import attrs

from sitrep_core import (
    ActorDefined,
    Agreement,
    Control,
    Count,
    Event,
    FigureReported,
    Location,
    Operation,
    PlaceDefined,
    Source,
    Strike,
    ValidationError,
)
from sitrep_core.codec import InputErrors
from sitrep_core.imports import Importer, Row, cell_error, read_table
from sitrep_core.views import Actor, Directory, Fact, Place

from ._codes import COLUMNS, EVENT_TYPES, INTER, inter_from, interaction_from
from ._event import AcledEvent
from ._rows import (
    IMPORTED_TAG,
    OVERRIDABLE,
    OVERRIDE_PREFIX,
    SOURCE_SEPARATOR,
    AcledRow,
    LeftOut,
    context_of,
    row,
)

REQUIRED: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "country",
    "location",
    "latitude",
    "longitude",
)
"""The columns an ACLED file must have; the others may be missing (read as empty)."""

RELATION_OF_PRECISION = {1: "at", 2: "near", 3: "around"}
"""geo_precision as a location's relation to its place: at the town, near it, the
region around it."""

_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y")
_SPAN = {1: 0, 2: 3, 3: 15}
"""Days either side of ACLED's date that its time_precision allows (a week, a month)."""


def slug(text: str) -> str:
    """A key from a name: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "unnamed"


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:8]


class _Reader:
    """One file's rows, read into events with the actors and places they name."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[ValidationError] = []
        self.actors: dict[str, ActorDefined] = {}
        self.places: dict[tuple[str, ...], PlaceDefined] = {}
        self.ids: dict[str, int] = {}

    def fail(self, row: Row, column: str | None, message: str) -> None:
        self.errors.append(cell_error(message, self.source, row, column))

    # -- cells ----------------------------------------------------------------------

    def integer(self, row: Row, column: str, choices: Sequence[int] = ()) -> int | None:
        text = row[column]
        if not text:
            return None
        try:
            value = int(float(text)) if re.fullmatch(r"\d+(\.0+)?", text) else int(text)
        except ValueError:
            self.fail(row, column, f"{text!r} is not a whole number")
            return None
        if choices and value not in choices:
            self.fail(row, column, f"{value} is not one of {', '.join(map(str, choices))}")
            return None
        return value

    def day(self, row: Row) -> date | None:
        text = row["event_date"]
        found = _parsed_date(text)
        if found is None:
            self.fail(row, "event_date", f"{text!r} is not a date such as 2017-08-30")
        return found

    def coordinate(self, row: Row, column: str, limit: float) -> float | None:
        text = row[column]
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            self.fail(row, column, f"{text!r} is not a number")
            return None
        if not -limit <= value <= limit:
            self.fail(row, column, f"{value} is outside -{limit:g}..{limit:g}")
            return None
        return value

    def inter(self, row: Row, column: str) -> int | None:
        text = row[column]
        code = inter_from(text) if text else None
        if text and code is None:
            self.fail(row, column, f"{text!r} is not an ACLED actor type (1-8, or its words)")
        return code

    def interaction(self, row: Row) -> int | None:
        text = row["interaction"]
        code = interaction_from(text)
        if text and code is None:
            self.fail(
                row, "interaction", f"{text!r} is not an ACLED interaction (28, or its words)"
            )
        return code

    # -- reference data --------------------------------------------------------------

    def actor(self, name: str, inter: int | None) -> str:
        """The key of the actor ACLED calls ``name`` (defined on first sight)."""
        found = self.actors.get(name)
        if found is None:
            kind = INTER.get(inter) if inter is not None else None
            key = f"acled-{slug(name)}"
            found = ActorDefined(
                id=f"acled-actor-{slug(name)}-{_digest(name, kind)}",
                occurred="1997",
                key=key,
                name=name,
                kind=kind,
                tags=(f"acled:{name}",),
            )
            self.actors[name] = found
        return found.key

    def place(self, row: Row, lat: float | None, lon: float | None) -> str:
        name = row["location"] or row["admin1"] or row["country"]
        identity = (
            name,
            row["country"],
            row["admin1"],
            row["admin2"],
            row["admin3"],
            f"{lat}",
            f"{lon}",
        )
        found = self.places.get(identity)
        if found is None:
            key = f"acled-{slug(name)}-{_digest(*identity)}"
            found = PlaceDefined(
                id=f"acled-place-{slug(name)}-{_digest(*identity)}",
                occurred="1997",
                key=key,
                name=name,
                lat=lat,
                lon=lon,
                country=row["country"] or None,
                admin1=row["admin1"] or None,
                admin2=row["admin2"] or None,
                admin3=row["admin3"] or None,
            )
            self.places[identity] = found
        return found.key

    def directory(self) -> Directory:
        return Directory(
            tuple(
                Actor(a.key, a.name, a.aliases, a.kind, country=a.country)
                for a in self.actors.values()
            ),
            tuple(
                Place(
                    p.key,
                    p.name,
                    p.aliases,
                    p.kind,
                    p.lat,
                    p.lon,
                    p.precision_km,
                    p.country,
                    p.admin1,
                    p.admin2,
                    p.admin3,
                )
                for p in self.places.values()
            ),
        )

    # -- a row -------------------------------------------------------------------------

    def read(self, row: Row) -> dict[str, Any] | None:
        """The row's values, checked; None (with errors noted) when any is bad."""
        before = len(self.errors)
        event_id = row["event_id_cnty"]
        if not event_id:
            self.fail(row, "event_id_cnty", "empty: every ACLED row has an id")
        elif event_id in self.ids:
            self.fail(row, "event_id_cnty", f"{event_id!r} is also on line {self.ids[event_id]}")
        else:
            self.ids[event_id] = row.line
        day = self.day(row)
        event_type, sub = row["event_type"], row["sub_event_type"]
        known = EVENT_TYPES.get(event_type)
        if known is None:
            self.fail(row, "event_type", f"{event_type!r} is not an ACLED event type")
        elif sub not in known[1]:
            self.fail(row, "sub_event_type", f"{sub!r} is not a sub-event type of {event_type!r}")
        values = {
            "id": event_id,
            "day": day,
            "event_type": event_type,
            "sub_event_type": sub,
            "time_precision": self.integer(row, "time_precision", (1, 2, 3)) or 1,
            "geo_precision": self.integer(row, "geo_precision", (1, 2, 3)),
            "inter1": self.inter(row, "inter1"),
            "inter2": self.inter(row, "inter2"),
            "interaction": self.interaction(row),
            "latitude": self.coordinate(row, "latitude", 90),
            "longitude": self.coordinate(row, "longitude", 180),
            "fatalities": self.integer(row, "fatalities") or 0,
            "timestamp": self.integer(row, "timestamp"),
        }
        if not row["actor1"]:
            self.fail(row, "actor1", "empty: ACLED names the actor of every event")
        if (values["latitude"] is None) != (values["longitude"] is None):
            self.fail(row, "longitude", "give both latitude and longitude, or neither")
        return values if len(self.errors) == before else None

    def events(self, row: Row, values: dict[str, Any]) -> list[Event]:
        """The row as events: one that exports to the same row, and a figure of its
        dead where its type has no field for them."""
        day: date = values["day"]
        span = _SPAN[values["time_precision"]]
        occurred = (
            day.isoformat()
            if not span
            else f"{(day - timedelta(days=span)).isoformat()}/"
            f"{(day + timedelta(days=span)).isoformat()}"
        )
        place = self.place(row, values["latitude"], values["longitude"])
        relation = RELATION_OF_PRECISION.get(values["geo_precision"] or 1, "at")
        actor1 = self.actor(row["actor1"], values["inter1"])
        actor2 = self.actor(row["actor2"], values["inter2"]) if row["actor2"] else None
        assoc1 = tuple(self.actor(a, None) for a in _split(row["assoc_actor_1"]))
        assoc2 = tuple(self.actor(a, None) for a in _split(row["assoc_actor_2"]))
        timestamp = values["timestamp"]
        common: dict[str, Any] = {
            "id": values["id"],
            "occurred": occurred,
            "recorded": datetime.fromtimestamp(timestamp, UTC) if timestamp else None,
            "sources": tuple(Source(name) for name in dict.fromkeys(_split(row["source"]))),
            "notes": row["notes"] or None,
            "tags": (IMPORTED_TAG, *_split(row["tags"])),
        }
        fatalities: int = values["fatalities"]
        coding = (values["event_type"], values["sub_event_type"])
        sides = (actor1, assoc1, actor2, assoc2)
        built = _built_in(coding, common, sides, place, relation, fatalities)
        candidates: list[list[Event]] = []
        if built is not None:
            candidates.append(built)
        candidates.append(
            [
                AcledEvent(
                    **common,
                    event_type=values["event_type"],
                    sub_event_type=values["sub_event_type"],
                    disorder_type=row["disorder_type"] or None,
                    actor1=actor1,
                    assoc_actor_1=assoc1,
                    inter1=values["inter1"],
                    actor2=actor2,
                    assoc_actor_2=assoc2,
                    inter2=values["inter2"],
                    interaction=values["interaction"],
                    civilian_targeting=bool(row["civilian_targeting"]),
                    location=Location(places=(place,), relation=relation),
                    geo_precision=values["geo_precision"],
                    fatalities=fatalities,
                )
            ]
        )
        for events in candidates:
            kept = self.faithful(row, events)
            if kept is not None:
                return kept
        return []

    def faithful(self, row: Row, events: list[Event]) -> list[Event] | None:
        """``events`` with tags keeping the coding their fields do not give, if they
        then export to the row read; None when a value of the row would be lost."""
        facts = [Fact(e, index + 1) for index, e in enumerate(events)]
        ctx = context_of(facts, self.directory(), ())
        made = row_of(facts[0], ctx)
        if made is None:
            return None
        wanted, got = _cells(row), made.cells()
        overrides = []
        for column in COLUMNS:
            if _same(column, wanted[column], got[column]):
                continue
            if column not in OVERRIDABLE:
                if isinstance(events[0], AcledEvent):
                    self.fail(row, column, f"{wanted[column]!r} cannot be kept as read")
                return None
            overrides.append(f"{OVERRIDE_PREFIX}{column}={wanted[column]}")
        if not overrides:
            return events
        first = events[0]
        return [attrs.evolve(first, tags=(*first.tags, *overrides)), *events[1:]]


def row_of(fact: Fact, ctx: Any) -> AcledRow | None:
    made = row(fact.event, fact, ctx)
    return None if isinstance(made, LeftOut) else made


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _cells(found: Row) -> dict[str, str]:
    return {column: found[column] for column in COLUMNS}


def _same(column: str, wanted: str, got: str) -> bool:
    if wanted == got:
        return True
    if column in ("latitude", "longitude"):
        try:
            return abs(float(wanted) - float(got)) < 5e-5
        except ValueError:
            return False
    if column in ("source", "tags", "assoc_actor_1", "assoc_actor_2"):
        return SOURCE_SEPARATOR.join(dict.fromkeys(_split(wanted))) == got
    if column in ("inter1", "inter2"):
        return inter_from(wanted) == inter_from(got)
    if column == "interaction":
        return interaction_from(wanted) == interaction_from(got)
    if column == "event_date":
        return _parsed_date(wanted) == _parsed_date(got)
    if column in ("year", "iso"):
        return False if not wanted or not got else _loose_equal(wanted, got)
    if column == "fatalities":
        return (wanted or "0") == got
    return False


def _parsed_date(text: str) -> date | None:
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _loose_equal(wanted: str, got: str) -> bool:
    try:
        return float(wanted) == float(got)
    except ValueError:
        return False


def _built_in(
    coding: tuple[str, str],
    common: dict[str, Any],
    sides: tuple[str, tuple[str, ...], str | None, tuple[str, ...]],
    place: str,
    relation: str,
    fatalities: int,
) -> list[Event] | None:
    """The row as a built-in event where one fits its type, else None."""
    event_type, sub = coding
    actor1, assoc1, actor2, assoc2 = sides
    killed = Count.exact(fatalities) if fatalities else None
    event: Event
    if event_type == "Explosions/Remote violence":
        targets = (actor2, *assoc2) if actor2 else ()
        return [
            Strike(
                **common,
                actor=actor1,
                targets=targets,
                means=sub.casefold(),
                location=Location(places=(place,), relation=relation),
                killed=killed,
            )
        ]
    if event_type == "Strategic developments" and sub == "Agreement":
        parties = (actor1, actor2, *assoc1) if actor2 else (actor1, *assoc1)
        event = Agreement(**common, parties=parties, area=place)
    elif event_type == "Strategic developments" and sub == "Non-violent transfer of territory":
        event = Control(**common, actor=actor1, area=place, status="gained", via=assoc1)
    elif event_type == "Battles" or sub == "Headquarters or base established":
        event = Operation(
            **common,
            kind=sub.casefold(),
            actors=(actor1, *assoc1),
            against=(actor2, *assoc2) if actor2 else (),
            area=place,
        )
    else:
        return None
    if not fatalities:
        return [event]
    figure = FigureReported(
        id=f"{event.id}-fatalities",
        occurred=event.occurred,
        recorded=event.recorded,
        sources=event.sources,
        tags=(IMPORTED_TAG,),
        subject=event.id,
        measure="killed",
        count=Count.exact(fatalities),
    )
    return [event, figure]


def read_acled(data: bytes, source: str) -> list[Event]:
    """The events of an ACLED file (CSV with ACLED's columns, as ACLED's export tool or
    API writes it), all or nothing: every bad row is named, by line and column."""
    table = read_table(data, source, REQUIRED)
    reader = _Reader(source)
    found: list[Event] = []
    for item in table:
        values = reader.read(item)
        if values is None:
            continue
        found.extend(reader.events(item, values))
    if reader.errors:
        raise InputErrors(reader.errors)
    return [*reader.actors.values(), *reader.places.values(), *found]


IMPORTER = Importer(
    format="acled",
    read=read_acled,
    description="ACLED CSV (its export tool's or API's columns and codes)",
    extension=".csv",
)
