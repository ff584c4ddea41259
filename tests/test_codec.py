"""The codec: lines in and out, upcasting, and errors that say where the problem is."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar

import attrs
import orjson
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sitrep_core import Codec, Count, Event, Source, Strike, Upcaster, ValidationError
from sitrep_core.codec import MAX_LINE_BYTES, InputErrors
from sitrep_core.codec._shared import SharedValues
from sitrep_core.model import BUILTIN_EVENT_TYPES

CODEC = Codec()

STRIKE = {"type": "strike", "id": "s1", "occurred": "2017-08-30", "actor": "US-led coalition"}


def line(**changes: Any) -> str:
    """The strike line above with some fields changed (None removes one)."""
    data = {**STRIKE, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)


def refusal(text: str | bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        CODEC.decode(text, source="events.jsonl", line_number=7)
    return caught.value


# -- errors name the source, the line and the field -----------------------------------

MESSAGES = {
    "unknown field": (
        line(target="bridge"),
        "target",
        "unknown field: target",
    ),
    "unknown type": (
        line(type="airstrike"),
        "type",
        "unknown event type 'airstrike'; known types: actor, agreement, aid-delivery, "
        "control, convoy-move, evacuation, figure, operation, place, retraction, statement, "
        "strike, subject",
    ),
    "no type": (line(type=None), "type", "every line needs a type"),
    "credibility 7": (
        line(sources=[{"name": "AP", "reliability": "B", "credibility": 7}]),
        "sources[0].credibility",
        "credibility 7 is not on the Admiralty scale 1-6 (1 confirmed ... 6 cannot be judged)",
    ),
    "reliability G": (
        line(sources=[{"name": "AP"}, {"name": "AFP", "reliability": "G"}]),
        "sources[1].reliability",
        "'G' is not a known reliability (A-F); use one of: A, B, C, D, E, F",
    ),
    "a low above a high": (
        line(killed={"qualifier": "range", "low": 5, "high": 2}),
        "killed.low",
        "low 5 is above high 2",
    ),
    "a count in a map": (
        json.dumps(
            {
                "type": "evacuation",
                "occurred": "2017-08-28",
                "group": "isis",
                "origins": ["qara"],
                "vehicles": {"buses": 17, "ambulances": {"value": -1}},
            }
        ),
        "vehicles.ambulances.value",
        "-1 is negative; a count cannot be",
    ),
    "a number where a string belongs": (
        line(actor=5),
        "actor",
        "expected a string, got a number 5",
    ),
    "an object where a string belongs": (
        line(notes={"text": "x"}),
        "notes",
        "expected a string, got an object {'text': 'x'}",
    ),
    "a string where a number belongs": (
        line(killed={"value": "5"}),
        "killed.value",
        "expected a whole number, got a string '5'",
    ),
    "a bool where an int is expected (count)": (
        line(killed=True),
        "killed",
        "a count is a whole number or an object, got a boolean",
    ),
    "a bool where an int is expected (count value)": (
        line(killed={"value": True}),
        "killed.value",
        "expected a whole number, got a boolean True",
    ),
    "a bool where an int is expected (credibility)": (
        line(sources=[{"name": "AP", "credibility": True}]),
        "sources[0].credibility",
        "expected a whole number, got a boolean True",
    ),
    "a number where a bool is expected": (
        line(convoy_hit=1),
        "convoy_hit",
        "expected true or false, got a number 1",
    ),
    "a string where a list is expected": (
        line(targets="bridge"),
        "targets",
        "expected an array of strings, got a string",
    ),
    "a string where a list of sources is expected": (
        line(sources="AP"),
        "sources",
        "expected an array, got a string",
    ),
    "a string where a source is expected": (
        line(sources=["AP"]),
        "sources[0]",
        "expected an object, got a string",
    ),
    "a number in a list of strings": (
        line(targets=["road", 2]),
        "targets[1]",
        "expected a string, got a number 2",
    ),
    "null where a list is expected": (
        json.dumps({**STRIKE, "tags": None}),
        "tags",
        "expected an array of strings, got null",
    ),
    "a list where a map is expected": (
        json.dumps(
            {
                "type": "evacuation",
                "occurred": "2017",
                "group": "g",
                "origins": ["o"],
                "vehicles": [17],
            }
        ),
        "vehicles",
        "expected an object, got an array",
    ),
    "a required field missing": (
        json.dumps({"type": "figure", "occurred": "2017", "subject": "x", "measure": "killed"}),
        "count",
        "required field is missing",
    ),
    "a source the event does not list": (
        line(
            killed=5,
            sources=[{"name": "AP"}],
            attribution={"killed": ["AP", "SANA"]},
        ),
        "attribution.killed[1]",
        "'SANA' is not one of this event's sources (AP)",
    ),
    "attribution of a value the event does not have": (
        line(sources=[{"name": "AP"}], attribution={"wounded": ["AP"]}),
        "attribution.wounded",
        "'wounded' is not a value of this event; it has: actor",
    ),
    "a location between one place": (
        line(location={"relation": "between", "places": ["Humayma"]}),
        "location.places",
        "'between' names two places",
    ),
    "a part of a count that is no count": (
        line(killed={"value": 52, "qualifier": "at-least", "including": {"children": "17"}}),
        "killed.including.children",
        "a count is a whole number or an object, got a string",
    ),
    "a figure of an unknown measure": (
        json.dumps(
            {"type": "figure", "occurred": "2017", "subject": "x", "measure": "dead", "count": 5}
        ),
        "measure",
        "'dead' is not a known measure; use one of: "
        "civilians, detained, displaced, evacuated, fighters, funding-received, "
        "funding-requested, in-need, injured, killed, missing, people, reached, released, "
        "returned, wounded",
    ),
    "a bad date": (
        line(occurred="2017-02-30"),
        "occurred",
        "'2017-02-30' is not a real date: day is out of range for month",
    ),
    "a date in another form": (
        line(occurred="30.08.2017"),
        "occurred",
        "'30.08.2017' is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], optionally ending in ~, ? or %, or an interval A/B",
    ),
    "a bad recorded time": (
        line(recorded="yesterday"),
        "recorded",
        "'yesterday' is not an ISO 8601 date-time",
    ),
    "a version newer than known": (
        line(v=4),
        "v",
        "version 4 of 'strike' is newer than this library knows (3)",
    ),
    "a version that is not a number": (
        line(v="2"),
        "v",
        "a version is a whole number from 1, not '2'",
    ),
    "a bool version": (line(v=True), "v", "a version is a whole number from 1, not True"),
    "an id with spaces around it": (
        line(id=" s1"),
        "id",
        "an event id may not hold control characters or surrounding spaces",
    ),
    "an event revising itself": (line(corrects="s1"), "corrects", "an event cannot revise itself"),
}


@pytest.mark.parametrize(("text", "field", "message"), MESSAGES.values(), ids=MESSAGES.keys())
def test_an_error_names_source_line_and_field_path(text: str, field: str, message: str) -> None:
    error = refusal(text)
    assert (error.source, error.line, error.field, error.message) == (
        "events.jsonl",
        7,
        field,
        message,
    )
    assert str(error) == f"events.jsonl, line 7, field {field}: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "a line must be a JSON object, not an array"),
        ('"strike"', "a line must be a JSON object, not a string"),
        (
            '{"type": "strike",',
            "not valid JSON: unexpected end of data: line 1 column 19 (char 18)",
        ),
        ("[" * 2000 + "]" * 2000, "not valid JSON: depth limit exceeded"),
    ],
    ids=["array", "string", "cut short", "nested too deeply"],
)
def test_a_line_that_is_no_event_says_so_without_a_field(text: str, message: str) -> None:
    error = refusal(text)
    assert error.field is None
    assert error.line == 7
    assert error.message.startswith(message)


def test_a_line_longer_than_the_limit_is_refused_before_it_is_parsed() -> None:
    notes = "x" * (MAX_LINE_BYTES - len(line(notes="")))
    assert CODEC.decode(line(notes=notes)).notes == notes
    assert refusal(line(notes=notes + "x")).message == f"line is longer than {MAX_LINE_BYTES} bytes"


def test_the_limit_counts_bytes_of_utf8_not_characters() -> None:
    text = line(notes="ب" * (MAX_LINE_BYTES // 2))  # two bytes each
    assert len(text) < MAX_LINE_BYTES < len(text.encode())
    assert refusal(text).message == f"line is longer than {MAX_LINE_BYTES} bytes"
    assert refusal(text.encode()).message == f"line is longer than {MAX_LINE_BYTES} bytes"


# -- upcasting ------------------------------------------------------------------------

STRIKE_V1 = (
    '{"type": "strike", "v": 1, "id": "qal-101", "occurred": "2017-08-30", '
    '"actor": "us-led-coalition", "target": "bridge", "hit_convoy": false}'
)


def test_a_strike_v1_line_is_upcast_to_the_current_version() -> None:
    event = CODEC.decode(STRIKE_V1)
    assert isinstance(event, Strike)
    assert event.targets == ("bridge",)
    assert event.convoy_hit is False
    assert json.loads(CODEC.encode(event)) == {
        "type": "strike",
        "v": 3,
        "id": "qal-101",
        "occurred": "2017-08-30",
        "actor": "us-led-coalition",
        "targets": ["bridge"],
        "convoy_hit": False,
    }


def test_a_strike_v1_with_a_list_of_targets_keeps_the_list() -> None:
    event = CODEC.decode(STRIKE_V1.replace('"bridge"', '["road", "bridge"]'))
    assert isinstance(event, Strike)
    assert event.targets == ("road", "bridge")


def test_a_v1_line_with_a_v2_field_is_refused_at_its_v2_name() -> None:
    error = refusal(STRIKE_V1.replace('"hit_convoy": false', '"convoy_hit": "yes"'))
    assert (error.field, error.message) == (
        "convoy_hit",
        "expected true or false, got a string 'yes'",
    )


def test_a_line_without_v_is_at_the_current_version() -> None:
    assert CODEC.decode(line(targets=["road"])) == CODEC.decode(line(v=3, targets=["road"]))
    assert refusal(line(target="road")).field == "target"


def test_an_old_version_with_no_upcaster_is_refused() -> None:
    codec = Codec(upcasters=())
    with pytest.raises(ValidationError) as caught:
        codec.decode(STRIKE_V1, line_number=3)
    assert str(caught.value) == "line 3, field v: no upcaster from version 1 of 'strike'"


@attrs.frozen(kw_only=True)
class Sighting(Event):
    """A plugin type at version 3 (v1 said ``where``, v2 said ``place``)."""

    TYPE: ClassVar[str] = "sighting"
    VERSION: ClassVar[int] = 3

    location: str


def test_upcasters_chain_from_any_older_version() -> None:
    codec = Codec(
        [Sighting],
        [
            Upcaster(
                "sighting",
                1,
                lambda d: {**{k: v for k, v in d.items() if k != "where"}, "place": d["where"]},
            ),
            Upcaster(
                "sighting",
                2,
                lambda d: {**{k: v for k, v in d.items() if k != "place"}, "location": d["place"]},
            ),
        ],
    )
    old = '{"type": "sighting", "v": 1, "id": "x", "occurred": "2017", "where": "Humayma"}'
    assert codec.decode(old) == Sighting(id="x", occurred="2017", location="Humayma")


# -- reading whole inputs -------------------------------------------------------------

GOOD_1 = line(id="a")
GOOD_2 = line(id="b", killed=17)
BAD_A = line(id="c", sources=[{"name": "AP", "credibility": 7}])
BAD_B = line(id="d", type="strik")


def test_read_input_reports_every_bad_line_at_once() -> None:
    text = "\n".join([GOOD_1, BAD_A, "", GOOD_2, BAD_B, "{oops"]) + "\n"
    with pytest.raises(InputErrors) as caught:
        CODEC.read_input(text, source="events.jsonl")
    errors = caught.value.errors
    assert [(e.line, e.field) for e in errors] == [
        (2, "sources[0].credibility"),
        (5, "type"),
        (6, None),
    ]
    assert all(e.source == "events.jsonl" for e in errors)
    assert str(caught.value).splitlines() == [str(e) for e in errors]
    assert (
        str(caught.value)
        .splitlines()[0]
        .startswith("events.jsonl, line 2, field sources[0].credibility: credibility 7")
    )
    assert isinstance(caught.value, ValidationError)  # one type to catch


def test_read_input_reads_jsonl_with_a_bom_and_crlf() -> None:
    text = "\ufeff" + "\r\n".join([GOOD_1, "", GOOD_2]) + "\r\n"
    events = CODEC.read_input(text)
    assert [e.id for e in events] == ["a", "b"]
    assert CODEC.read_input(text.encode("utf-8")) == events


def test_read_input_counts_lines_as_a_text_editor_does_with_crlf() -> None:
    text = "\r\n".join([GOOD_1, "", BAD_B]).encode()
    with pytest.raises(ValidationError) as caught:
        CODEC.read_input(b"\xef\xbb\xbf" + text, source="in.jsonl")
    assert (caught.value.line, caught.value.field) == (3, "type")


def test_read_input_reads_one_json_array_or_one_object() -> None:
    array = f"[{GOOD_1},\n {GOOD_2}]"
    assert [e.id for e in CODEC.read_input(array)] == ["a", "b"]
    pretty = json.dumps(json.loads(GOOD_1), indent=2)
    assert [e.id for e in CODEC.read_input(pretty)] == ["a"]


def test_read_input_names_the_item_of_an_array() -> None:
    with pytest.raises(ValidationError) as caught:
        CODEC.read_input(f"[{GOOD_1}, {BAD_A}]", source="batch.json")
    assert str(caught.value) == (
        "batch.json, field [1].sources[0].credibility: credibility 7 is not on the "
        "Admiralty scale 1-6 (1 confirmed ... 6 cannot be judged)"
    )


def test_decode_lines_stops_at_the_first_bad_line() -> None:
    events = CODEC.decode_lines([GOOD_1, "  ", BAD_A, GOOD_2], source="in.jsonl")
    assert next(events).id == "a"
    with pytest.raises(ValidationError) as caught:
        next(events)
    assert (caught.value.line, caught.value.field) == (3, "sources[0].credibility")


# -- writing lines --------------------------------------------------------------------


def test_a_line_starts_with_type_and_v_and_leaves_out_defaults() -> None:
    event = Strike(id="s1", occurred="2017-08-30", actor="x", killed=Count(17))
    assert CODEC.encode(event) == (
        b'{"type":"strike","v":3,"id":"s1","occurred":"2017-08-30","actor":"x",'
        b'"killed":{"value":17}}'
    )


def test_recorded_is_written_in_utc() -> None:
    event = CODEC.decode(line(recorded="2017-08-30T19:50:00+03:00"))
    assert event.recorded == datetime(2017, 8, 30, 16, 50, tzinfo=UTC)
    assert json.loads(CODEC.encode(event))["recorded"] == "2017-08-30T16:50:00Z"
    naive = CODEC.decode(line(recorded="2017-08-30T16:50:00"))
    assert naive.recorded == event.recorded


def test_shorthands_and_nulls_are_read_as_their_full_forms() -> None:
    short = CODEC.decode(line(killed=17, notes=None, convoy=None))
    full = CODEC.decode(
        json.dumps({**STRIKE, "killed": {"value": 17, "qualifier": "exact"}, "convoy": None})
    )
    assert short == full
    assert isinstance(short, Strike)
    assert short.killed == Count(17)


def test_a_line_without_an_id_gets_a_new_one_each_time_it_is_read() -> None:
    first, second = CODEC.decode(line(id=None)), CODEC.decode(line(id=None))
    assert first.id != second.id
    assert len(first.id) == 36


def test_sources_keep_their_grading() -> None:
    event = CODEC.decode(line(sources=[{"name": "AP", "reliability": "B", "credibility": 2}]))
    assert event.sources == (Source("AP", "B", 2),)
    assert event.sources[0].grading == "B2"


def test_an_unregistered_type_cannot_be_encoded() -> None:
    codec = Codec([Strike])
    with pytest.raises(ValidationError, match="not a registered event type"):
        codec.encode(Sighting(occurred="2017", location="x"))


def test_a_type_tag_is_claimed_once() -> None:
    @attrs.frozen(kw_only=True)
    class OtherStrike(Event):
        TYPE: ClassVar[str] = "strike"

    with pytest.raises(ValueError, match="claimed by both"):
        Codec([*BUILTIN_EVENT_TYPES, OtherStrike])
    with pytest.raises(ValueError, match="has no TYPE tag"):
        Codec([Event])


# -- attribution ----------------------------------------------------------------------

EVACUATION = {
    "type": "evacuation",
    "id": "evacuation",
    "occurred": "2017-08-28",
    "group": "isis",
    "origins": ["western-qalamoun"],
    "fighters": {"value": 308, "qualifier": "approx"},
    "vehicles": {"buses": 17, "ambulances": 11},
    "sources": [
        {"name": "reports", "reliability": "F", "credibility": 3},
        {"name": "Hezbollah officials", "reliability": "D", "credibility": 3},
    ],
}


def test_attribution_naming_an_unlisted_source_is_located_in_file_line_and_field() -> None:
    bad = {**EVACUATION, "id": "bad", "attribution": {"fighters": ["Reuters"]}}
    text = "\n".join(json.dumps(e) for e in (EVACUATION, bad)) + "\n"
    with pytest.raises(ValidationError) as caught:
        CODEC.read_input(text, source="events.jsonl")
    error = caught.value
    assert (error.source, error.line, error.field) == (
        "events.jsonl",
        2,
        "attribution.fighters[0]",
    )
    assert str(error) == (
        "events.jsonl, line 2, field attribution.fighters[0]: 'Reuters' is not one of "
        "this event's sources (Hezbollah officials, reports)"
    )


def test_attribution_credits_a_value_or_a_part_of_one_to_its_sources() -> None:
    event = CODEC.from_dict(
        {
            **EVACUATION,
            "attribution": {"fighters": ["reports"], "vehicles.buses": ["Hezbollah officials"]},
        }
    )
    reports, officials = event.sources
    assert event.sources_of("fighters") == (reports,)
    assert event.sources_of("vehicles.buses") == (officials,)
    # what attribution does not name is credited to every source of the event
    assert event.sources_of("vehicles.ambulances") == (reports, officials)
    assert event.sources_of("group") == (reports, officials)


@pytest.mark.parametrize(
    ("attribution", "field"),
    [
        ({"vehicles.trucks": ["reports"]}, "attribution.vehicles.trucks"),
        ({"fighters": []}, "attribution.fighters"),
        ({"civilians": ["reports"]}, "attribution.civilians"),
        ({"notes": ["reports"]}, "attribution.notes"),
    ],
)
def test_attribution_of_what_the_event_does_not_say_is_refused(
    attribution: dict[str, list[str]], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        CODEC.from_dict({**EVACUATION, "attribution": attribution})
    assert caught.value.field == field


# -- equal values decoded once ------------------------------------------------------------

_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.5, 1.0, 2.0, 1e300])
    | st.sampled_from(["", "1", "a", "true", "null"])
)
JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "1"]), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(JSON_VALUES, JSON_VALUES)
@example(1, True)
@example(1, 1.0)
@example(0, False)
@example([1], [1.0])
@example({"a": 1}, {"a": True})
@example({"a": 1, "b": 2}, {"b": 2, "a": 1})
@example({"a": {"b": 1}}, {"a": {"b": 1}})
@example("1", 1)
@example(None, "null")
def test_decoded_values_are_shared_exactly_when_their_json_is_the_same(a: Any, b: Any) -> None:
    """1, true and 1.0 differ in JSON though Python finds them equal; objects whose keys
    come in another order are built again (not wrong, only not shared)."""
    shared = SharedValues()
    first = shared.get("kind", a, lambda data: object())
    second = shared.get("kind", b, lambda data: object())
    assert (first is second) == (orjson.dumps(a) == orjson.dumps(b))
    assert shared.get("other kind", a, lambda data: object()) is not first
