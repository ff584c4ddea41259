"""Every event of every built-in type survives encode -> decode unchanged.

The strategies build events field by field with ``st.builds``; a test fails when a
built-in type gains a field the strategies do not generate, so new fields are
round-tripped too. Each generated line also validates against the committed JSON
Schema of the line format.
"""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep_core import (
    ActorDefined,
    Agreement,
    AidDelivery,
    Codec,
    Control,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    FuzzyTime,
    Operation,
    PlaceDefined,
    Retraction,
    Source,
    Statement,
    Strike,
)
from sitrep_core.model._events import (
    AGREEMENT_KINDS,
    BUILTIN_EVENT_TYPES,
    CONTROL_STATUSES,
    CONVOY_STATUSES,
    STANCES,
    new_event_id,
)
from sitrep_core.model._values import MAX_COUNT, QUALIFIERS, Qualifier

CODEC = Codec()
OTHER_CODEC = Codec()  # a second codec, built apart, writes the same bytes
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "line-format.schema.json"

# -- text -----------------------------------------------------------------------------

AWKWARD = (
    '"quoted"',
    "back\\slash",
    "two\nlines",
    "crlf\r\nline",
    "tab\tstop",
    "emoji 🚌🚑🇸🇾",
    "«guillemets» and \u2018curly\u2019 quotes",
    "حزب الله",
    "\u200fright-to-left mark",
    "nul \x00 byte",
    '{"type": "strike"}',
)

texts = st.one_of(st.text(max_size=40), st.sampled_from(AWKWARD))
names = texts.filter(lambda s: bool(s.strip()))
optional_texts = st.none() | texts

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

# -- times ------------------------------------------------------------------------------

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

# -- values -----------------------------------------------------------------------------

numbers = st.integers(0, MAX_COUNT)


@st.composite
def counts(draw: st.DrawFn) -> Count:
    """A count of any qualifier, its bounds (where given) around its value."""
    qualifier: Qualifier = draw(st.sampled_from(QUALIFIERS))
    low, high = sorted(draw(st.lists(numbers, min_size=2, max_size=2)))
    value = draw(st.integers(low, high))
    text = draw(optional_texts)
    if qualifier == "range":
        return Count(draw(st.none() | st.just(value)), "range", low=low, high=high, text=text)
    if qualifier == "unknown":
        return Count(None, "unknown", text=text)
    bounded = draw(st.booleans())
    return Count(
        value, qualifier, low=low if bounded else None, high=high if bounded else None, text=text
    )


any_counts = st.one_of(counts(), st.builds(Count, numbers))
optional_counts = st.none() | any_counts
sources = st.builds(
    Source,
    name=names,
    reliability=st.sampled_from("ABCDEF"),
    credibility=st.integers(1, 6),
    url=st.none() | st.sampled_from(["https://example.org/a?b=c&d=é", "http://x"]),
    quote=optional_texts,
)
name_lists = st.lists(names, max_size=3).map(tuple)
vehicle_counts = st.dictionaries(texts, any_counts, max_size=3)

# -- events -----------------------------------------------------------------------------

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

_convoy = names.filter(lambda s: not s.endswith(" split"))
_move = {
    "convoy": _convoy,
    "status": st.none() | st.sampled_from(CONVOY_STATUSES),
    "position": optional_texts,
    "near": name_lists,
    "heading": optional_texts,
    "toward": optional_texts,
    "cause": optional_texts,
    "fighters": optional_counts,
    "civilians": optional_counts,
    "wounded": optional_counts,
}
_place = {
    "key": names,
    "name": names,
    "aliases": name_lists,
    "kind": optional_texts,
    "country": optional_texts,
    "admin1": optional_texts,
    "admin2": optional_texts,
}

FIELDS: dict[type[Event], list[dict[str, st.SearchStrategy[Any]]]] = {
    Evacuation: [
        {
            "group": names,
            "origin": names,
            "destination": optional_texts,
            "agreement": optional_texts,
            "parties": name_lists,
            "fighters": optional_counts,
            "civilians": optional_counts,
            "wounded": optional_counts,
            "vehicles": vehicle_counts,
            "convoy": optional_texts,
        }
    ],
    ConvoyMove: [
        {**_move, "vehicles": vehicle_counts, "new_convoy": st.none()},
        # a split: some vehicles leave under a new convoy name
        {
            **_move,
            "vehicles": st.dictionaries(texts, any_counts, min_size=1, max_size=3),
            "new_convoy": _convoy.map(lambda s: s + " split"),
        },
    ],
    Strike: [
        {
            "actor": names,
            "targets": name_lists,
            "means": optional_texts,
            "position": optional_texts,
            "near": name_lists,
            "effect": optional_texts,
            "convoy": optional_texts,
            "convoy_hit": st.none() | st.booleans(),
            "killed": optional_counts,
            "wounded": optional_counts,
        }
    ],
    Statement: [
        {
            "speaker": names,
            "actor": optional_texts,
            "subject": names,
            "stance": st.sampled_from(STANCES),
            "quote": optional_texts,
            "audience": optional_texts,
        }
    ],
    Agreement: [
        {
            "kind": st.sampled_from(AGREEMENT_KINDS),
            "parties": name_lists,
            "terms": optional_texts,
            "area": optional_texts,
            "near": name_lists,
        }
    ],
    AidDelivery: [
        {
            "items": st.lists(names, min_size=1, max_size=3).map(tuple),
            "recipient": optional_texts,
            "convoy": optional_texts,
            "provider": optional_texts,
            "position": optional_texts,
        }
    ],
    Operation: [
        {
            "kind": names,
            "actors": st.lists(names, min_size=1, max_size=3).map(tuple),
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
    Retraction: [{"reason": optional_texts}],
}


def events_of(cls: type[Event]) -> st.SearchStrategy[Event]:
    """Valid events of one type, every field generated."""
    revisions = [{"retracts": revised_ids}] if cls is Retraction else REVISIONS
    return st.one_of(
        [
            st.builds(cls, **ENVELOPE, **revision, **fields)
            for revision in revisions
            for fields in FIELDS[cls]
        ]
    )


any_event = st.one_of([events_of(cls) for cls in BUILTIN_EVENT_TYPES])

# a busy machine must not fail these: no deadline per example, no health check for speed
steady = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

TYPES = pytest.mark.parametrize("cls", BUILTIN_EVENT_TYPES, ids=lambda cls: cls.TYPE)


def test_every_builtin_type_and_field_is_generated() -> None:
    assert set(FIELDS) == set(BUILTIN_EVENT_TYPES)
    for cls in BUILTIN_EVENT_TYPES:
        generated = set(ENVELOPE) | {"corrects", "retracts"}
        for fields in FIELDS[cls]:
            generated |= set(fields)
        missing = {a.name for a in attrs.fields(cls)} - generated
        assert not missing, f"{cls.TYPE}: no strategy for {sorted(missing)}"


@TYPES
@steady
@given(data=st.data())
def test_decode_of_encode_is_the_same_event(cls: type[Event], data: st.DataObject) -> None:
    event = data.draw(events_of(cls))
    line = CODEC.encode(event)
    assert b"\n" not in line
    assert CODEC.decode(line) == event


@TYPES
@steady
@given(data=st.data())
def test_encode_is_deterministic_and_canonical(cls: type[Event], data: st.DataObject) -> None:
    event = data.draw(events_of(cls))
    line = CODEC.encode(event)
    assert CODEC.encode(event) == line
    assert CODEC.encode(CODEC.decode(line)) == line
    assert OTHER_CODEC.encode(event) == line


@steady
@given(events=st.lists(any_event, max_size=5))
def test_read_input_reads_back_what_was_written(events: list[Event]) -> None:
    text = b"".join(CODEC.encode(event) + b"\n" for event in events)
    assert CODEC.read_input(text) == events
    assert CODEC.read_input(b"\xef\xbb\xbf" + text.replace(b"\n", b"\r\n")) == events


_validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


@TYPES
@settings(steady, max_examples=50)
@given(data=st.data())
def test_every_line_validates_against_the_schema(cls: type[Event], data: st.DataObject) -> None:
    line = json.loads(CODEC.encode(data.draw(events_of(cls))))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator.iter_errors(line)]
    assert not errors, errors
