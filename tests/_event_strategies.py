"""Hypothesis strategies of valid events of every built-in type, every field generated.

Shared by the codec round trip, the schema and the hardening tests. ``FIELDS`` lists
a strategy for each field of each type; a test fails when a type gains a field that
is not generated here, so new fields are round-tripped too. ``with_attribution``
credits some of an event's values to some of its sources.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import strategies as st

from sitrep_core import (
    ActorDefined,
    Agreement,
    AidDelivery,
    Control,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    FigureReported,
    FuzzyTime,
    Location,
    Operation,
    PlaceDefined,
    Retraction,
    Source,
    Statement,
    Strike,
    SubjectDefined,
)
from sitrep_core.model import (
    AGREEMENT_KINDS,
    CONTROL_STATUSES,
    CONVOY_STATUSES,
    ENVELOPE_FIELDS,
    MEASURES,
    RELATIONS,
    STANCES,
    SUBJECT_KINDS,
    new_event_id,
)

# what docs/line-format.md says a count may be
QUALIFIERS = ("exact", "approx", "at-least", "at-most", "range", "unknown")
MAX_COUNT = 10**15

# -- text -----------------------------------------------------------------------------

AWKWARD = (
    '"quoted"',
    "back\\slash",
    "two\nlines",
    "crlf\r\nline",
    "tab\tstop",
    "emoji \U0001f68c\U0001f691\U0001f1f8\U0001f1fe",
    "\u00abguillemets\u00bb and \u2018curly\u2019 quotes",
    "\u062d\u0632\u0628 \u0627\u0644\u0644\u0647",
    "\u200fright-to-left mark",
    "nul \x00 byte",
    '{"type": "strike"}',
)

texts = st.one_of(st.text(max_size=30), st.sampled_from(AWKWARD))
names = texts.filter(lambda s: bool(s.strip()))
optional_texts = st.none() | texts
name_lists = st.lists(names, max_size=3).map(tuple)
some_names = st.lists(names, min_size=1, max_size=3).map(tuple)

_REVISED = "#earlier"
ids = st.one_of(
    st.builds(new_event_id),
    st.text(
        st.characters(exclude_categories=("C", "Z"), include_characters=" "),
        min_size=1,
        max_size=60,
    ).filter(lambda s: s == s.strip() and s.isprintable() and not s.endswith(_REVISED)),
)
revised_ids = ids.map(lambda s: (s + _REVISED)[-200:])
"""Ids of earlier events: never equal to the id of the event naming them."""

# -- times ----------------------------------------------------------------------------

ZONES = st.sampled_from(["", "Z", "+03:00", "-05:30", "+14:00", "-00:00"])


@st.composite
def edtf_points(draw: st.DrawFn) -> str:
    """A date at any precision the grammar has, with or without a qualifier."""
    year = draw(st.integers(2, 9998))
    text = f"{year:04d}"
    precision = draw(st.sampled_from(["year", "month", "day", "minute", "second"]))
    if precision != "year":
        month = draw(st.integers(1, 12))
        text += f"-{month:02d}"
        if precision != "month":
            day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
            text += f"-{day:02d}"
            if precision != "day":
                text += f"T{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
                if precision == "second":
                    text += f":{draw(st.integers(0, 59)):02d}"
                text += draw(ZONES)
    return text + draw(st.sampled_from(["", "", "~", "?", "%"]))


@st.composite
def edtf_intervals(draw: st.DrawFn) -> str:
    """``A/B`` with A starting before B ends, or an end left open (``..``)."""
    left, right = draw(edtf_points()), draw(edtf_points())
    if FuzzyTime.parse(left).earliest >= FuzzyTime.parse(right).latest:
        left, right = right, left
    openness = draw(st.sampled_from(["none", "none", "left", "right"]))
    if openness == "left":
        left = ".."
    elif openness == "right":
        right = ".."
    return f"{left}/{right}"


fuzzy_times = st.one_of(edtf_points(), edtf_intervals())

recorded_times = st.none() | st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=3)), timezone(-timedelta(hours=5, minutes=30))]
    ),
)

# -- values ---------------------------------------------------------------------------

numbers = st.integers(0, MAX_COUNT)


@st.composite
def plain_counts(draw: st.DrawFn) -> Count:
    """A count of any qualifier, its bounds (where given) around its value."""
    qualifier = draw(st.sampled_from(QUALIFIERS))
    low, high = sorted(draw(st.lists(numbers, min_size=2, max_size=2)))
    value = draw(st.integers(low, high))
    text = draw(optional_texts)
    if qualifier == "range":
        return Count(draw(st.none() | st.just(value)), "range", low=low, high=high, text=text)
    if qualifier == "unknown":
        return Count(None, "unknown", text=text)
    bounded = draw(st.booleans())
    return Count(
        value,
        qualifier,  # type: ignore[arg-type]
        low=low if bounded else None,
        high=high if bounded else None,
        text=text,
    )


@st.composite
def counts(draw: st.DrawFn) -> Count:
    """A count, sometimes naming parts of it ("including 17 children")."""
    count = draw(st.one_of(plain_counts(), st.builds(Count, numbers)))
    parts = draw(st.dictionaries(names, plain_counts(), max_size=2))
    return attrs.evolve(count, including=parts) if parts else count


optional_counts = st.none() | counts()
vehicle_counts = st.dictionaries(names, counts(), max_size=3)

sources = st.builds(
    Source,
    name=names,
    reliability=st.sampled_from("ABCDEF"),
    credibility=st.integers(1, 6),
    url=st.none() | st.sampled_from(["https://example.org/a?b=c&d=\u00e9", "http://x"]),
    quote=optional_texts,
)


@st.composite
def locations(draw: st.DrawFn) -> Location:
    """A location as a source put it: words, places, or both, related as data."""
    places = draw(st.lists(names, max_size=3).map(tuple))
    text = draw(texts if not places else optional_texts)
    relation = None
    if places:
        allowed = [r for r in RELATIONS if r != "between" or len(places) >= 2]
        relation = draw(st.none() | st.sampled_from(allowed))
    precision = draw(st.none() | st.floats(0.1, 500, allow_nan=False))
    return Location(text=text, relation=relation, places=places, precision_km=precision)


optional_locations = st.none() | locations()

# -- events ---------------------------------------------------------------------------

ENVELOPE: dict[str, st.SearchStrategy[Any]] = {
    "id": ids,
    "occurred": fuzzy_times,
    "recorded": recorded_times,
    "sources": st.lists(sources, max_size=3).map(tuple),
    "notes": optional_texts,
    "tags": st.lists(texts, max_size=3).map(tuple),
}
REVISIONS: list[dict[str, st.SearchStrategy[Any]]] = [
    {},
    {"corrects": revised_ids},
    {"retracts": revised_ids},
]

_people = {
    "people": optional_counts,
    "fighters": optional_counts,
    "civilians": optional_counts,
    "wounded": optional_counts,
}
_convoy = names.filter(lambda s: not s.endswith(" split"))
_move = {
    "convoy": _convoy,
    "status": st.none() | st.sampled_from(CONVOY_STATUSES),
    "location": optional_locations,
    "heading": optional_texts,
    "toward": optional_texts,
    "cause": optional_texts,
    "since": st.none() | fuzzy_times,
    **_people,
}
_strike = {
    "actor": st.none() | names,
    "targets": name_lists,
    "means": optional_texts,
    "location": optional_locations,
    "effect": optional_texts,
    "incident": optional_texts,
    "convoy": optional_texts,
    "convoy_hit": st.none() | st.booleans(),
    "killed": optional_counts,
    "wounded": optional_counts,
}
_place = {
    "key": names,
    "name": names,
    "aliases": name_lists,
    "kind": optional_texts,
    "precision_km": st.none() | st.floats(0.01, 1000, allow_nan=False),
    "country": optional_texts,
    "admin1": optional_texts,
    "admin2": optional_texts,
    "admin3": optional_texts,
}

FIELDS: dict[type[Event], list[dict[str, st.SearchStrategy[Any]]]] = {
    Evacuation: [
        {
            "group": names,
            "origins": some_names,
            "destination": optional_texts,
            "agreement": optional_texts,
            "parties": name_lists,
            **_people,
            "vehicles": vehicle_counts,
            "convoy": optional_texts,
        }
    ],
    ConvoyMove: [
        {**_move, "vehicles": vehicle_counts, "new_convoy": st.none()},
        # a split: some vehicles leave under a new convoy name
        {
            **_move,
            "vehicles": st.dictionaries(names, counts(), min_size=1, max_size=3),
            "new_convoy": _convoy.map(lambda s: s + " split"),
        },
    ],
    Strike: [
        {**_strike, "claimed_by": name_lists, "unclaimed": st.just(False)},
        {**_strike, "claimed_by": st.just(()), "unclaimed": st.booleans()},
    ],
    Statement: [
        {
            "speaker": names,
            "actors": name_lists,
            "subject": names,
            "stances": st.lists(st.sampled_from(STANCES), min_size=1, max_size=3).map(tuple),
            "quote": optional_texts,
            "target": name_lists,
            "audience": optional_texts,
            "via": optional_texts,
        }
    ],
    Agreement: [
        {
            "kind": st.sampled_from(AGREEMENT_KINDS),
            "parties": name_lists,
            "mediators": name_lists,
            "guarantors": name_lists,
            "terms": optional_texts,
            "area": optional_texts,
            "near": name_lists,
        }
    ],
    AidDelivery: [
        {
            "items": some_names,
            "recipient": optional_texts,
            "convoy": optional_texts,
            "provider": optional_texts,
            "location": optional_locations,
        }
    ],
    Operation: [
        {
            "kind": names,
            "actors": some_names,
            "against": name_lists,
            "area": optional_texts,
            "near": name_lists,
            "outcome": optional_texts,
        }
    ],
    Control: [
        {
            "actor": names,
            "area": names,
            "status": st.sampled_from(CONTROL_STATUSES),
            "via": name_lists,
            "near": name_lists,
        }
    ],
    FigureReported: [
        {
            "subject": names,
            "measure": st.sampled_from(MEASURES),
            "count": counts(),
            "unit": optional_texts,
            "location": optional_locations,
        }
    ],
    ActorDefined: [
        {
            "key": names,
            "name": names,
            "aliases": name_lists,
            "kind": optional_texts,
            "role": optional_texts,
            "speaks_for": optional_texts,
            "affiliated_with": name_lists,
            "country": optional_texts,
        }
    ],
    PlaceDefined: [
        {**_place, "lat": st.none(), "lon": st.none()},
        {
            **_place,
            "lat": st.floats(-90, 90, allow_nan=False),
            "lon": st.floats(-180, 180, allow_nan=False),
        },
    ],
    SubjectDefined: [
        {
            "key": names,
            "name": names,
            "kind": st.sampled_from(SUBJECT_KINDS) | names,
            "aliases": name_lists,
        }
    ],
    Retraction: [{"reason": optional_texts}],
}


def _empty(value: Any, default: Any) -> bool:
    """No value to credit: nothing given, or a flag left at False."""
    return value is None or value in ((), {}) or (value is False and default is False)


@st.composite
def with_attribution(draw: st.DrawFn, events: st.SearchStrategy[Event]) -> Event:
    """An event whose ``attribution`` credits some of its values (or parts of them) to
    some of its sources."""
    event = draw(events)
    cited = sorted({source.name for source in event.sources})
    if not cited:
        return event
    values: list[str] = []
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if field.name in ENVELOPE_FIELDS or _empty(value, field.default):
            continue
        values.append(field.name)
        if isinstance(value, dict):
            values.extend(f"{field.name}.{part}" for part in value)
    chosen = draw(st.lists(st.sampled_from(values), unique=True, max_size=3)) if values else []
    attribution = {
        key: tuple(draw(st.lists(st.sampled_from(cited), min_size=1, max_size=2, unique=True)))
        for key in chosen
    }
    return attrs.evolve(event, attribution=attribution) if attribution else event


def events_of(cls: type[Event]) -> st.SearchStrategy[Event]:
    """Valid events of one type, every field generated, values attributed at times."""
    revisions = [{"retracts": revised_ids}] if cls is Retraction else REVISIONS
    built = st.one_of(
        [
            st.builds(cls, **ENVELOPE, **revision, **fields)
            for revision in revisions
            for fields in FIELDS[cls]
        ]
    )
    return with_attribution(built)


BUILTIN_TYPES: tuple[type[Event], ...] = tuple(FIELDS)
any_event = st.one_of([events_of(cls) for cls in BUILTIN_TYPES])
