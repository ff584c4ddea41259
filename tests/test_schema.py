"""The JSON Schema of the line format: generated, committed, and in step with the codec."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar, Literal

import attrs
import jsonschema  # type: ignore[import-untyped]
import pytest

from sitrep_core import Codec, Count, Event, ValidationError
from sitrep_core.codec._schema import DRAFT, dumps, line_schema
from sitrep_core.model import BUILTIN_EVENT_TYPES, CONVOY_STATUSES, MEASURES, RELATIONS, STANCES
from sitrep_core.model._values import non_empty, one_of

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "docs" / "line-format.schema.json"
EXAMPLE_EVENTS = ROOT / "examples" / "qalamoun-2017" / "events.jsonl"
REGENERATE = "python -m sitrep_core.codec._schema > docs/line-format.schema.json"

CODEC = Codec()
SCHEMA = CODEC.json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def schema_errors(line: Any, validator: Any = VALIDATOR) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(line)]


# -- the committed file ---------------------------------------------------------------


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == dumps(SCHEMA), f"docs/ is stale; regenerate it with: {REGENERATE}"


def test_the_regeneration_command_reproduces_the_committed_file() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sitrep_core.codec._schema"],
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.decode("utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")


def test_the_docs_give_the_regeneration_command() -> None:
    assert REGENERATE in (ROOT / "docs" / "line-format.md").read_text(encoding="utf-8")


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == DRAFT
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


# -- what it says about the built-in types --------------------------------------------


@pytest.mark.parametrize("cls", BUILTIN_EVENT_TYPES, ids=lambda cls: cls.TYPE)
def test_one_branch_per_type_with_every_field(cls: type[Event]) -> None:
    branch = SCHEMA["$defs"][cls.TYPE]
    assert {"$ref": f"#/$defs/{cls.TYPE}"} in SCHEMA["oneOf"]
    assert branch["properties"]["type"] == {"const": cls.TYPE}
    assert branch["properties"]["v"]["const"] == cls.VERSION
    assert branch["additionalProperties"] is False
    fields = {a.name for a in attrs.fields(cls)}
    assert set(branch["properties"]) == fields | {"type", "v"}
    required = {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
    assert set(branch["required"]) == required | {"type"}


def test_choices_come_from_the_validators() -> None:
    defs = SCHEMA["$defs"]
    assert defs["convoy-move"]["properties"]["status"]["enum"] == [*CONVOY_STATUSES, None]
    assert defs["statement"]["properties"]["stances"]["items"]["enum"] == list(STANCES)
    assert defs["figure"]["properties"]["measure"]["enum"] == list(MEASURES)
    assert defs["Location"]["properties"]["relation"]["enum"] == [*RELATIONS, None]
    assert defs["Source"]["properties"]["reliability"]["enum"] == list("ABCDEF")
    assert defs["Source"]["properties"]["credibility"]["enum"] == [1, 2, 3, 4, 5, 6]
    assert defs["Count"]["anyOf"][1]["properties"]["qualifier"]["enum"] == [
        "exact",
        "approx",
        "at-least",
        "at-most",
        "range",
        "unknown",
    ]


def test_dates_counts_and_times_have_their_shapes() -> None:
    defs = SCHEMA["$defs"]
    strike = defs["strike"]["properties"]
    assert strike["occurred"] == {"$ref": "#/$defs/FuzzyTime"}
    assert strike["recorded"]["format"] == "date-time"
    assert "EDTF" in defs["FuzzyTime"]["description"]
    assert strike["killed"]["anyOf"] == [{"$ref": "#/$defs/Count"}, {"type": "null"}]
    assert strike["targets"] == {"type": "array", "items": {"type": "string"}, "default": []}
    vehicles = defs["evacuation"]["properties"]["vehicles"]
    assert vehicles["additionalProperties"] == {"$ref": "#/$defs/Count"}


@pytest.mark.parametrize(
    "text",
    [
        "2017",
        "2017-08",
        "2017-08-30",
        "2017-08-30T16:50",
        "2017-08-30T16:50:12Z",
        "2017-08-30T16:50+03:00",
        "2017-08~",
        "2017-08-30?",
        "2017%",
        "2017-08-28/2017-08-30",
        "2017-08-28~/2017-09",
        "../2017-08-30",
        "2017-08-30T16:50/..",
    ],
)
def test_the_date_pattern_takes_every_form_the_parser_takes(text: str) -> None:
    line = {"type": "retraction", "occurred": text, "retracts": "x"}
    CODEC.from_dict(line)
    assert schema_errors(line) == []


@pytest.mark.parametrize(
    "text",
    ["17", "2017-8", "2017-08-30 16:50", "2017-08-30T16", "~2017", "../..", "٢٠١٧", "2017//"],
)
def test_the_date_pattern_refuses_what_the_parser_refuses(text: str) -> None:
    line = {"type": "retraction", "occurred": text, "retracts": "x"}
    with pytest.raises(ValidationError):
        CODEC.from_dict(line)
    assert schema_errors(line)


# -- lines: the schema and the codec agree --------------------------------------------


def _example_lines() -> list[Any]:
    if not EXAMPLE_EVENTS.exists():
        skip = pytest.mark.skip(reason=f"{EXAMPLE_EVENTS} is not there yet")
        return [pytest.param(None, marks=skip)]
    lines = EXAMPLE_EVENTS.read_text(encoding="utf-8").splitlines()
    return [pytest.param(line, id=f"line{n}") for n, line in enumerate(lines, 1) if line.strip()]


@pytest.mark.parametrize("line", _example_lines())
def test_every_line_of_the_example_log_validates(line: str) -> None:
    data = json.loads(line)
    CODEC.from_dict(data)
    assert schema_errors(data) == []


GOOD = {"type": "strike", "id": "s1", "occurred": "2017-08-30", "actor": "US-led coalition"}

REFUSED: dict[str, dict[str, Any]] = {
    "no type": {k: v for k, v in GOOD.items() if k != "type"},
    "unknown type": {**GOOD, "type": "airstrike"},
    "unknown field": {**GOOD, "target": "road"},
    "required field missing": {
        "type": "figure",
        "occurred": "2017",
        "subject": "x",
        "measure": "killed",
    },
    "empty required string": {
        "type": "control",
        "occurred": "2017",
        "actor": " ",
        "area": "Humayma",
    },
    "version newer than known": {**GOOD, "v": 4},
    "unknown relation": {**GOOD, "location": {"relation": "beside", "places": ["Humayma"]}},
    "location with an unknown field": {**GOOD, "location": {"text": "x", "lat": 1}},
    "unknown measure": {
        "type": "figure",
        "occurred": "2017",
        "subject": "x",
        "measure": "dead",
        "count": 5,
    },
    "a part of a count that is no count": {
        **GOOD,
        "killed": {"value": 52, "including": {"children": "17"}},
    },
    "attribution as a string": {**GOOD, "attribution": {"killed": 5}},
    "a statement of no stance": {
        "type": "statement",
        "occurred": "2017-08-30",
        "speaker": "x",
        "subject": "y",
        "stances": [],
    },
    "stances as a number": {
        "type": "statement",
        "occurred": "2017-08-30",
        "speaker": "x",
        "subject": "y",
        "stances": 3,
    },
    "version not a number": {**GOOD, "v": "2"},
    "date without a day's two digits": {**GOOD, "occurred": "2017-08-3"},
    "date as a number": {**GOOD, "occurred": 2017},
    "id with surrounding spaces": {**GOOD, "id": " s1"},
    "id too long": {**GOOD, "id": "x" * 201},
    "credibility 7": {**GOOD, "sources": [{"name": "AP", "credibility": 7}]},
    "reliability G": {**GOOD, "sources": [{"name": "AP", "reliability": "G"}]},
    "source as a string": {**GOOD, "sources": ["AP"]},
    "sources as a string": {**GOOD, "sources": "AP"},
    "source without a name": {**GOOD, "sources": [{"reliability": "A"}]},
    "string where a list belongs": {**GOOD, "targets": "road"},
    "number in a list of strings": {**GOOD, "targets": [1]},
    "bool where a count belongs": {**GOOD, "killed": True},
    "string where a count belongs": {**GOOD, "killed": "5"},
    "negative count": {**GOOD, "killed": -1},
    "bool as a count value": {**GOOD, "killed": {"value": True}},
    "range without high": {**GOOD, "killed": {"qualifier": "range", "low": 2}},
    "unknown count with a value": {**GOOD, "killed": {"qualifier": "unknown", "value": 2}},
    "approx without a value": {**GOOD, "killed": {"qualifier": "approx"}},
    "unknown qualifier": {**GOOD, "killed": {"qualifier": "about", "value": 2}},
    "unknown count field": {**GOOD, "killed": {"value": 2, "words": "two"}},
    "number where a bool belongs": {**GOOD, "convoy_hit": 1},
    "recorded as a number": {**GOOD, "recorded": 1504108200},
    "unknown stance": {
        "type": "statement",
        "occurred": "2017-08-30",
        "speaker": "x",
        "subject": "y",
        "stances": ["likes"],
    },
    "latitude out of range": {
        "type": "place",
        "occurred": "2017",
        "key": "k",
        "name": "n",
        "lat": 91.0,
        "lon": 0.0,
    },
    "vehicles as a list": {
        "type": "evacuation",
        "occurred": "2017",
        "group": "g",
        "origins": ["o"],
        "vehicles": [17],
    },
}


def test_the_good_line_is_good() -> None:
    CODEC.from_dict(GOOD)
    assert schema_errors(GOOD) == []


@pytest.mark.parametrize("line", REFUSED.values(), ids=REFUSED.keys())
def test_a_bad_line_is_refused_by_the_codec_and_the_schema(line: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        CODEC.from_dict(line)
    assert schema_errors(line)


ONLY_THE_CODEC: dict[str, dict[str, Any]] = {
    "a date that does not exist": {**GOOD, "occurred": "2017-02-30"},
    "an interval ending before it starts": {**GOOD, "occurred": "2017-09/2017-08"},
    "low above high": {**GOOD, "killed": {"qualifier": "range", "low": 5, "high": 2}},
    "value outside its bounds": {**GOOD, "killed": {"value": 9, "low": 1, "high": 5}},
    "an event revising itself": {**GOOD, "corrects": "s1"},
    "corrects and retracts at once": {**GOOD, "corrects": "a", "retracts": "b"},
    "a retraction naming nothing": {"type": "retraction", "occurred": "2017"},
    "a split with no vehicles": {
        "type": "convoy-move",
        "occurred": "2017",
        "convoy": "c",
        "new_convoy": "d",
    },
    "lat without lon": {"type": "place", "occurred": "2017", "key": "k", "name": "n", "lat": 1.0},
    "a blank actor of a strike": {**GOOD, "actor": " "},
    "a location between one place": {
        **GOOD,
        "location": {"relation": "between", "places": ["Humayma"]},
    },
    "a location with neither words nor places": {**GOOD, "location": {"precision_km": 5.0}},
    "attribution naming an unlisted source": {
        **GOOD,
        "killed": 5,
        "sources": [{"name": "AP"}],
        "attribution": {"killed": ["SANA"]},
    },
    "attribution of a value the event does not have": {
        **GOOD,
        "sources": [{"name": "AP"}],
        "attribution": {"wounded": ["AP"]},
    },
    "a claimed strike said to be unclaimed": {
        **GOOD,
        "claimed_by": ["isis"],
        "unclaimed": True,
    },
}


@pytest.mark.parametrize("line", ONLY_THE_CODEC.values(), ids=ONLY_THE_CODEC.keys())
def test_rules_across_fields_are_the_codecs_alone(line: dict[str, Any]) -> None:
    # the schema states shapes; rules that compare values are checked when a line is read
    assert schema_errors(line) == []
    with pytest.raises(ValidationError):
        CODEC.from_dict(line)


# -- plugin types ---------------------------------------------------------------------


@attrs.frozen
class Casualty:
    """A plugin's value class."""

    kind: Literal["killed", "wounded"]
    count: Count
    ages: list[int] = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class Flight(Event):
    """A plugin's event type: an aircraft seen over an area."""

    TYPE: ClassVar[str] = "flight"
    VERSION: ClassVar[int] = 3

    aircraft: str = attrs.field(validator=non_empty)
    mode: str = attrs.field(default="strike", validator=one_of(("strike", "recon"), "mode"))
    altitude: float | None = None
    sorties: int = attrs.field(default=1, metadata={"choices": (1, 2, 3)})
    route: tuple[str, str] | None = None
    casualties: tuple[Casualty, ...] = ()
    by_side: dict[str, Casualty | None] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Untyped(Event):
    TYPE: ClassVar[str] = "untyped"

    payload: set[str] = attrs.field(factory=set)


@attrs.frozen(kw_only=True)
class Anything(Event):
    TYPE: ClassVar[str] = "anything"

    payload: Any = None


def test_a_plugin_type_is_described_like_a_built_in_one() -> None:
    codec = Codec([*BUILTIN_EVENT_TYPES, Flight])
    schema = codec.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    flight = schema["$defs"]["flight"]
    assert flight["required"] == ["type", "occurred", "aircraft"]
    assert flight["properties"]["v"]["const"] == 3
    assert flight["properties"]["mode"]["enum"] == ["strike", "recon"]
    assert flight["properties"]["sorties"]["enum"] == [1, 2, 3]
    assert flight["properties"]["route"]["prefixItems"] == [
        {"type": "string"},
        {"type": "string"},
    ]
    assert schema["$defs"]["Casualty"]["properties"]["kind"] == {
        "enum": ["killed", "wounded"],
        "type": "string",
    }
    validator = jsonschema.Draft202012Validator(schema)
    event = Flight(
        id="f1",
        occurred="2017-08-30T10:00",
        aircraft="MQ-9",
        altitude=3000.5,
        route=("Humayma", "T2"),
        casualties=(Casualty("killed", Count.approx(4), [30, 40]),),
        by_side={"ISIS": Casualty("wounded", Count(2)), "other": None},
    )
    line = json.loads(codec.encode(event))
    assert schema_errors(line, validator) == []
    assert codec.decode(codec.encode(event)) == event
    assert schema_errors({**line, "mode": "bomb"}, validator)
    assert schema_errors({**line, "casualties": [{"kind": "killed"}]}, validator)
    # the built-in types are still there
    assert schema_errors(GOOD, validator) == []


@pytest.mark.parametrize("cls", [Untyped, Anything], ids=["set", "Any"])
def test_a_field_type_with_no_json_form_fails_loudly(cls: type[Event]) -> None:
    with pytest.raises(TypeError, match=rf"{cls.__qualname__}\.payload: no JSON Schema"):
        line_schema(Codec([cls]))
