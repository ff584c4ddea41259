"""``sitrep add``: one event typed by hand, generic over the event class's fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from _clitools import Sitrep, snapshot

from sitrep_core import Count, Event, open_log
from sitrep_core.cli._fields import event_from_words, field_specs, parse_count, parse_source
from sitrep_core.codec._codec import Codec
from sitrep_core.errors import ValidationError
from sitrep_core.model import BUILTIN_EVENT_TYPES

MCGURK = [
    "statement",
    "--occurred", "2017-08-29",
    "--speaker", "McGurk",
    "--subject", "qalamoun-deal",
    "--stance", "condemns",
    "--quote", "ISIS fighters should be killed on the battlefield",
    "--source", "Brett McGurk|A|2",
]  # fmt: skip


def test_add_round_trips_through_log(sitrep: Sitrep, log_target: str) -> None:
    sitrep("init", log_target, ok=True)
    done = sitrep("add", log_target, *MCGURK)
    assert done.code == 0, done.err
    assert done.out.startswith("appended statement ")
    assert done.out.strip().endswith("at position 1")
    [record] = sitrep("log", log_target, "--json", ok=True).json_lines()
    event = record["event"]
    assert record["position"] == 1
    assert event["type"] == "statement"
    assert event["speaker"] == "McGurk"
    assert event["subject"] == "qalamoun-deal"
    assert event["stances"] == ["condemns"]
    assert event["quote"] == "ISIS fighters should be killed on the battlefield"
    assert event["sources"] == [{"name": "Brett McGurk", "reliability": "A", "credibility": 2}]
    assert event["occurred"] == "2017-08-29"
    assert event["id"] in done.out  # generated, and said
    assert event["recorded"].endswith("Z")  # recorded now, by the store
    listed = sitrep("log", log_target, ok=True).out
    assert "McGurk condemns" in listed


def test_add_counts_vehicles_and_lists(sitrep: Sitrep, jsonl_log: Path) -> None:
    sitrep(
        "add", jsonl_log, "evacuation",
        "--id", "evac",
        "--occurred", "2017-08-28",
        "--group", "ISIS",
        "--origin", "Western Qalamoun",
        "--destination", "Abu Kamal",
        "--fighters", "~308 around 308",
        "--civilians", ">=331",
        "--wounded", "25-40",
        "--vehicle", "buses=17",
        "--vehicle", "ambulances=~11",
        "--party", "Hezbollah",
        "--party", "ISIS",
        "--tag", "qalamoun",
        ok=True,
    )  # fmt: skip
    [record] = sitrep("log", jsonl_log, "--json", ok=True).json_lines()
    event = record["event"]
    assert event["id"] == "evac"
    assert event["fighters"] == {"value": 308, "qualifier": "approx", "text": "around 308"}
    assert event["civilians"] == {"value": 331, "qualifier": "at-least"}
    assert event["wounded"] == {"qualifier": "range", "low": 25, "high": 40}
    assert event["vehicles"] == {
        "buses": {"value": 17},
        "ambulances": {"value": 11, "qualifier": "approx"},
    }
    assert event["parties"] == ["Hezbollah", "ISIS"]
    assert event["tags"] == ["qalamoun"]


def test_add_booleans_and_dashed_names(sitrep: Sitrep, jsonl_log: Path) -> None:
    sitrep(
        "add", jsonl_log, "strike", "--occurred", "2017-08-30", "--actor", "Coalition",
        "--target", "road", "--convoy-hit", "no", "--killed", "unknown", ok=True,
    )  # fmt: skip
    sitrep(
        "add", jsonl_log, "convoy-move", "--occurred=2017-09-05", "--convoy=c1",
        "--new-convoy=c2", "--vehicle=buses=6", "--status=turned-back", ok=True,
    )  # fmt: skip
    strike, move = (r["event"] for r in sitrep("log", jsonl_log, "--json").json_lines())
    assert strike["convoy_hit"] is False
    assert strike["killed"] == {"qualifier": "unknown"}
    assert move["new_convoy"] == "c2"


def test_add_dry_run_appends_nothing(sitrep: Sitrep, jsonl_log: Path) -> None:
    done = sitrep("add", jsonl_log, *MCGURK, "--dry-run")
    assert done.code == 0
    assert '"type":"statement"' in done.out
    assert jsonl_log.read_bytes() == b""


def test_add_with_expected_position(sitrep: Sitrep, jsonl_log: Path) -> None:
    sitrep("add", jsonl_log, *MCGURK, "--expected-position", "0", ok=True)
    before = jsonl_log.read_bytes()
    stale = sitrep("add", jsonl_log, *MCGURK, "--expected-position", "0")
    assert stale.code == 1
    assert len(stale.err_lines) == 1
    assert jsonl_log.read_bytes() == before


@pytest.mark.parametrize(
    ("words", "message"),
    [
        pytest.param(
            ["statement", "--occurred", "2017-08-29", "--speakr", "McGurk"],
            "add statement: unknown field --speakr for statement; its fields: --id, --occurred",
            id="unknown-field",
        ),
        pytest.param(
            ["rumour", "--occurred", "2017-08-29"],
            "add rumour, field type: unknown event type 'rumour'; known types: ",
            id="unknown-type",
        ),
        pytest.param(
            ["statement", "--occurred", "2017-08-29", "--speaker", "A", "--stance", "condemns"],
            "add statement, field subject: required field is missing (give --subject)",
            id="missing-field",
        ),
        pytest.param(
            [*MCGURK[:-1], "Brett McGurk|A|9"],
            "add statement, field sources[0].credibility: credibility 9 is not on the Admiralty",
            id="credibility",
        ),
        pytest.param(
            ["evacuation", "--occurred", "2017-08-28", "--group", "ISIS", "--origin", "Q",
             "--fighters", "lots"],
            "add evacuation, field fighters: 'lots' is not a count",
            id="count",
        ),
        pytest.param(
            ["evacuation", "--occurred", "2017-08-32", "--group", "ISIS", "--origin", "Q"],
            "add evacuation, field occurred: '2017-08-32' is not a real date",
            id="date",
        ),
        pytest.param(
            ["strike", "--occurred", "2017-08-30", "--actor", "C", "--convoy-hit", "perhaps"],
            "add strike, field convoy_hit: 'perhaps' is not true or false",
            id="boolean",
        ),
        pytest.param(
            ["evacuation", "--occurred", "2017-08-28", "--group", "ISIS", "--origin", "Q",
             "--vehicle", "buses"],
            "add evacuation, field vehicles: 'buses' is not KEY=VALUE",
            id="vehicles",
        ),
        pytest.param(
            ["statement", "--occurred", "2017-08-29", "--speaker", "A", "--speaker", "B"],
            "--speaker was given 2 times",
            id="twice",
        ),
        pytest.param(
            ["statement", "--occurred"],
            "--occurred needs a value",
            id="no-value",
        ),
        pytest.param(
            ["statement", "McGurk"],
            "expected --FIELD VALUE, got 'McGurk'",
            id="stray-word",
        ),
    ],
)  # fmt: skip
def test_bad_fields_are_one_line_and_append_nothing(
    sitrep: Sitrep, log_target: str, words: list[str], message: str
) -> None:
    sitrep("init", log_target, ok=True)
    sitrep("add", log_target, *MCGURK, ok=True)
    before = snapshot(log_target)
    done = sitrep("add", log_target, *words)
    assert done.code == 2
    assert len(done.err_lines) == 1, done.err
    assert message in done.err_lines[0]
    assert done.out == ""
    assert snapshot(log_target) == before


def test_add_help_lists_types_and_fields(sitrep: Sitrep) -> None:
    done = sitrep("add", "--help", ok=True)
    assert "Examples:" in done.out
    assert "statement" in done.out and "--speaker" in done.out
    assert "convoy-move" in done.out and "--new-convoy?" in done.out


# -- the field words, generic over attrs fields ---------------------------------------------


@attrs.frozen(kw_only=True)
class Checkpoint(Event):
    """A plugin's type: a checkpoint manned by someone, with counts and flags."""

    TYPE: ClassVar[str] = "checkpoint"
    VERSION: ClassVar[int] = 1

    place: str
    manned_by: tuple[str, ...] = ()
    guards: Count | None = None
    open: bool = True
    width_m: float | None = None
    lanes: int = 1
    extra: dict[str, int] = attrs.field(factory=dict)


def test_plugin_types_are_typed_the_same_way() -> None:
    codec = Codec([*BUILTIN_EVENT_TYPES, Checkpoint])
    words = [
        "--occurred", "2017-09-01", "--place", "Humayma", "--manned-by", "SAA",
        "--manned-by", "Hezbollah", "--guards", "~40", "--open", "--width-m", "7.5",
        "--lanes", "2", "--extra", "towers=2",
    ]  # fmt: skip
    event = event_from_words(codec, "checkpoint", words)
    assert isinstance(event, Checkpoint)
    assert event.manned_by == ("SAA", "Hezbollah")
    assert event.guards == Count.approx(40)
    assert event.open is True
    assert event.width_m == 7.5
    assert event.lanes == 2
    assert event.extra == {"towers": 2}
    with pytest.raises(ValidationError, match="'two' is not a whole number") as caught:
        event_from_words(codec, "checkpoint", [*words[:4], "--lanes", "two"])
    assert caught.value.field == "lanes"


def test_field_specs_follow_the_attrs_fields() -> None:
    specs = field_specs(Checkpoint)
    assert specs["place"].required and not specs["lanes"].required
    assert specs["manned_by"].shape == "list" and specs["extra"].shape == "map"
    assert specs["occurred"].required and not specs["id"].required


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("308", {"value": 308, "qualifier": "exact"}),
        ("~308", {"value": 308, "qualifier": "approx"}),
        (">=25", {"value": 25, "qualifier": "at-least"}),
        ("<=10", {"value": 10, "qualifier": "at-most"}),
        ("200-999", {"qualifier": "range", "low": 200, "high": 999}),
        ("8,000", {"value": 8000, "qualifier": "exact"}),
        ("~308 around 308 men", {"value": 308, "qualifier": "approx", "text": "around 308 men"}),
        ("unknown", {"qualifier": "unknown"}),
        ('{"value": 5, "qualifier": "approx"}', {"value": 5, "qualifier": "approx"}),
    ],
)  # fmt: skip
def test_count_words(text: str, data: dict[str, Any]) -> None:
    assert parse_count(text) == data


@pytest.mark.parametrize("text", ["lots", "~10-20", "-5", ">= ", "[1]"])
def test_bad_count_words(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_count(text)


def test_source_words() -> None:
    assert parse_source("SOHR|c|3|https://www.syriahr.com/en/|the convoy left") == {
        "name": "SOHR",
        "reliability": "C",
        "credibility": 3,
        "url": "https://www.syriahr.com/en/",
        "quote": "the convoy left",
    }
    assert parse_source("Ruptly") == {"name": "Ruptly"}
    assert parse_source("AP||2") == {"name": "AP", "credibility": 2}


def test_added_events_are_read_back_by_the_library(sitrep: Sitrep, jsonl_log: Path) -> None:
    sitrep("add", jsonl_log, *MCGURK, "--id", "m1", ok=True)
    with open_log(jsonl_log) as log:
        record = log.get("m1")
    assert record is not None
    assert (record.event.speaker, record.event.stances) == ("McGurk", ("condemns",))


@pytest.mark.parametrize("text", ["1,2,3", "\u0663\u0660\u0668", "12_000", "3e2"])
def test_counts_are_ascii_numbers(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_count(text)
