"""Every event of every built-in type survives encode -> decode unchanged.

The strategies (``tests/_event_strategies.py``) build events field by field: new
fields (locations, counts with their parts, attribution, statements of several
actors and stances, reported figures, subjects) are generated, and a test fails
when a built-in type gains a field they do not generate. Each generated line also
validates against the committed JSON Schema of the line format.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import jsonschema  # type: ignore[import-untyped]
import pytest
from _event_strategies import ENVELOPE, FIELDS, any_event, events_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep_core import Codec, Event
from sitrep_core.model import BUILTIN_EVENT_TYPES

CODEC = Codec()
OTHER_CODEC = Codec()  # a second codec, built apart, writes the same bytes
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "line-format.schema.json"

# a busy machine must not fail these: no deadline per example, no health check for speed
steady = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])

TYPES = pytest.mark.parametrize("cls", BUILTIN_EVENT_TYPES, ids=lambda cls: cls.TYPE)


def test_every_builtin_type_and_field_is_generated() -> None:
    assert set(FIELDS) == set(BUILTIN_EVENT_TYPES)
    for cls in BUILTIN_EVENT_TYPES:
        generated = set(ENVELOPE) | {"corrects", "retracts", "attribution"}
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
    decoded = CODEC.decode(line)
    assert decoded == event
    # attribution and a count's parts take no part in hashing: compare them too
    assert decoded.attribution == event.attribution
    for field in attrs.fields(cls):
        assert getattr(decoded, field.name) == getattr(event, field.name), field.name


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
@given(event=any_event)
def test_the_sources_of_a_value_are_those_attributed_or_all(event: Event) -> None:
    decoded = CODEC.decode(CODEC.encode(event))
    for field in attrs.fields(type(event)):
        given_by = event.attribution.get(field.name)
        expected = (
            event.sources
            if given_by is None
            else tuple(s for s in event.sources if s.name in given_by)
        )
        assert decoded.sources_of(field.name) == expected


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
