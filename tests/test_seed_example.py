"""The Qalamoun 2017 example (examples/qalamoun-2017): its events decode, refer only to
what they define, keep the seed report's facts, and build a verified log."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

import sitrep_core
from sitrep_core import (
    ActorDefined,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    PlaceDefined,
    Statement,
    SubjectDefined,
)
from sitrep_core.views import fold_name

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "qalamoun-2017"
EVENTS = EXAMPLE / "events.jsonl"
RUN = EXAMPLE / "run.py"

ORIGINAL = "2017-08-30T09:00:00+00:00"
RECORDED_BY_BLOCK = {
    "0": ORIGINAL,  # qal-0NN: the report as first published, and the reference data
    "s": ORIGINAL,  # qal-sNN: the names of convoys, deals and topics (reference data)
    "1": "2017-08-30T16:50:00+00:00",  # qal-1NN: UPDATE August 30, 16:50
    "2": "2017-08-31T12:00:00+00:00",  # qal-2NN: UPDATE August 31
    "3": "2017-09-02T12:00:00+00:00",  # qal-3NN: UPDATE September 2
    "4": "2017-09-05T12:00:00+00:00",  # qal-4NN: UPDATE September 5
}

# Fields that name an actor, a place or a subject (by key or alias). Causes,
# recipients, targets of strikes and the words of locations are free text.
ACTOR_FIELDS: dict[str, tuple[str, ...]] = {
    "actor": ("speaks_for", "affiliated_with"),
    "evacuation": ("group", "parties"),
    "agreement": ("parties", "mediators", "guarantors"),
    "operation": ("actors", "against"),
    "control": ("actor", "via"),
    "strike": ("actor", "claimed_by"),
    "statement": ("speaker", "actors", "target", "audience", "via"),
    "aid-delivery": ("provider",),
}
PLACE_FIELDS: dict[str, tuple[str, ...]] = {
    "evacuation": ("origins", "destination"),
    "agreement": ("area", "near"),
    "operation": ("area", "near"),
    "control": ("area", "near"),
    "strike": ("location.places",),
    "convoy-move": ("location.places", "toward"),
    "aid-delivery": ("location.places",),
}
SUBJECT_FIELDS: dict[str, tuple[str, ...]] = {
    "evacuation": ("convoy", "agreement"),
    "convoy-move": ("convoy", "new_convoy"),
    "strike": ("convoy",),
    "aid-delivery": ("convoy",),
    "statement": ("subject",),
}


@pytest.fixture(scope="module")
def codec() -> sitrep_core.Codec:
    return sitrep_core.Codec()


@pytest.fixture(scope="module")
def lines() -> list[bytes]:
    return [line for line in EVENTS.read_bytes().split(b"\n") if line.strip()]


@pytest.fixture(scope="module")
def events(codec: sitrep_core.Codec) -> list[Event]:
    return codec.read_input(EVENTS.read_bytes(), source=str(EVENTS))


@pytest.fixture(scope="module")
def by_id(events: list[Event]) -> dict[str, Event]:
    return {event.id: event for event in events}


def _names(event: Event, field: str) -> list[str]:
    value: object = event
    for step in field.split("."):
        value = getattr(value, step, None)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]


def _index(
    events: list[Event], kind: type[ActorDefined | PlaceDefined | SubjectDefined]
) -> dict[str, str]:
    """Folded name -> key, for every key and alias of one kind of reference data."""
    index: dict[str, str] = {}
    for event in events:
        if isinstance(event, kind):
            for name in (event.key, event.name, *event.aliases):
                index.setdefault(fold_name(name), event.key)
    return index


# -- the file -----------------------------------------------------------------------


def test_every_line_decodes_at_the_current_version(
    codec: sitrep_core.Codec, lines: list[bytes], events: list[Event]
) -> None:
    assert len(lines) == len(events) > 80
    for number, line in enumerate(lines, start=1):
        data = orjson.loads(line)
        assert list(data)[:5] == ["type", "v", "id", "occurred", "recorded"], number
        event = codec.decode(line, source=EVENTS.name, line_number=number)
        assert data["v"] == type(event).VERSION, (number, event.id)
        assert codec.decode(codec.encode(event)) == event, (number, event.id)


def test_ids_are_unique_readable_and_in_file_order(events: list[Event]) -> None:
    ids = [event.id for event in events]
    assert len(set(ids)) == len(ids), [i for i, n in Counter(ids).items() if n > 1]
    for event_id in ids:
        assert re.fullmatch(r"qal-(\d{3}|s\d\d)-[a-z0-9]+(-[a-z0-9]+)*", event_id), event_id
    numbers = [int(event_id[4:7]) for event_id in ids if event_id[4] != "s"]
    assert numbers == sorted(numbers)


def test_revisions_name_earlier_events(events: list[Event]) -> None:
    seen: set[str] = set()
    revisions = 0
    for event in events:
        for target in (event.corrects, event.retracts):
            if target is not None:
                assert target in seen, f"{event.id} revises {target}, not an earlier event"
                revisions += 1
        seen.add(event.id)
    assert revisions >= 1


def test_every_event_is_sourced_and_recorded_with_its_update(events: list[Event]) -> None:
    for event in events:
        assert event.sources, event.id
        assert event.recorded is not None, event.id
        assert event.recorded.isoformat() == RECORDED_BY_BLOCK[event.id[4]], event.id


def test_reference_data_comes_first_with_slug_keys_and_unambiguous_names(
    events: list[Event],
) -> None:
    kinds = [isinstance(event, ActorDefined | PlaceDefined | SubjectDefined) for event in events]
    first_other = kinds.index(False)
    assert not any(kinds[first_other:]), "reference data after the report's events"
    for kind in (ActorDefined, PlaceDefined, SubjectDefined):
        defined = [event for event in events if isinstance(event, kind)]
        keys = [event.key for event in defined]
        assert len(set(keys)) == len(keys)
        owners: dict[str, set[str]] = {}
        for event in defined:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", event.key), event.key
            for name in (event.key, event.name, *event.aliases):
                owners.setdefault(fold_name(name), set()).add(event.key)
        shared = {name: keys for name, keys in owners.items() if len(keys) > 1}
        assert not shared, shared
    for place in (event for event in events if isinstance(event, PlaceDefined)):
        assert place.lat is not None and place.lon is not None, place.key
        assert 29 < place.lat < 38 and 35 < place.lon < 42, place.key  # Syria and Lebanon
        assert "approximate" in (place.notes or "") or "rough" in (place.notes or "")


def test_every_actor_place_and_subject_reference_resolves(events: list[Event]) -> None:
    actors, places = _index(events, ActorDefined), _index(events, PlaceDefined)
    subjects = _index(events, SubjectDefined)
    unresolved = []
    for event in events:
        for fields, index in (
            (ACTOR_FIELDS.get(event.TYPE, ()), actors),
            (PLACE_FIELDS.get(event.TYPE, ()), places),
            (SUBJECT_FIELDS.get(event.TYPE, ()), subjects),
        ):
            for field in fields:
                for name in _names(event, field):
                    if fold_name(name) not in index:
                        unresolved.append((event.id, field, name))
    assert not unresolved


def test_convoys_are_formed_before_they_are_named_in_a_move(events: list[Event]) -> None:
    formed = {e.convoy for e in events if isinstance(e, Evacuation) and e.convoy}
    formed |= {e.new_convoy for e in events if isinstance(e, ConvoyMove) and e.new_convoy}
    assert formed == {"qalamoun-convoy", "qalamoun-convoy-west"}
    for event in events:
        convoy = getattr(event, "convoy", None)
        assert convoy is None or convoy in formed, event.id


def test_statements_take_a_stance_on_a_known_subject(events: list[Event]) -> None:
    subjects = Counter(e.subject for e in events if isinstance(e, Statement))
    assert set(subjects) == {
        "qalamoun-deal",
        "qalamoun-deal-party",
        "qalamoun-convoy",
        "qalamoun-convoy-strikes",
        "qalamoun-convoy-civilians",
        "isis-in-lebanon",
    }


# -- facts of the seed report ------------------------------------------------------


def test_the_evacuation_keeps_its_figures_as_given(by_id: dict[str, Event]) -> None:
    evacuation = by_id["qal-040-evacuation"]
    assert isinstance(evacuation, Evacuation)
    assert evacuation.occurred.text == "2017-08-28"
    assert evacuation.occurred.precision == "day"
    assert (evacuation.group, evacuation.origins, evacuation.destination) == (
        "isis",
        ("qara",),
        "abu-kamal",
    )
    assert evacuation.fighters == Count(308, "approx", text="around 308")
    assert evacuation.civilians == Count(331)
    assert evacuation.wounded == Count(25, "at-least", text="at least 25")
    assert evacuation.vehicles == {"bus": Count(17), "ambulance": Count(11)}
    assert evacuation.convoy == "qalamoun-convoy"
    assert evacuation.agreement == "qalamoun-deal"
    assert {s.name for s in evacuation.sources} == {"reports", "Hezbollah officials", "Ruptly (RT)"}
    # which source gave which figure: Ruptly gave a video, no figure
    assert [s.name for s in evacuation.sources_of("fighters")] == ["reports"]
    assert [s.name for s in evacuation.sources_of("civilians")] == ["reports"]
    assert [s.name for s in evacuation.sources_of("wounded")] == ["Hezbollah officials"]
    assert [s.name for s in evacuation.sources_of("vehicles.bus")] == ["Hezbollah officials"]


def test_dates_keep_the_precision_the_seed_gives(by_id: dict[str, Event]) -> None:
    assert by_id["qal-042-agreement-ceasefire"].occurred.text == "2017-08-25/2017-08-26"
    drive = by_id["qal-043-operation-lebanese-army"].occurred
    assert drive.precision == "interval" and drive.approximate
    assert by_id["qal-050-evacuation-arsal"].occurred.text == "2017-07-31"
    assert by_id["qal-012-actor-khalid-ibn-al-walid"].occurred.text == "2016"
    assert by_id["qal-402-convoy-split-west"].occurred.text == "2017-08-29/2017-09-05"


def test_six_of_seventeen_buses_turn_west(by_id: dict[str, Event]) -> None:
    split = by_id["qal-402-convoy-split-west"]
    assert isinstance(split, ConvoyMove)
    assert (split.convoy, split.new_convoy) == ("qalamoun-convoy", "qalamoun-convoy-west")
    assert split.vehicles == {"bus": Count(6)}
    assert (split.heading, split.toward) == ("west", "palmyra")
    stalled = by_id["qal-403-convoy-stalled"]
    assert isinstance(stalled, ConvoyMove)
    assert stalled.status == "stalled" and stalled.vehicles == {"bus": Count(11)}
    evacuation = by_id["qal-040-evacuation"]
    assert isinstance(evacuation, Evacuation)
    formed = evacuation.vehicles["bus"].value
    assert formed is not None and formed - 6 == stalled.vehicles["bus"].value


def test_the_halt_on_august_29_was_learnt_on_september_5(by_id: dict[str, Event]) -> None:
    first = by_id["qal-102-convoy-halted"]
    later = by_id["qal-401-convoy-halted-aug-29"]
    assert isinstance(first, ConvoyMove) and isinstance(later, ConvoyMove)
    assert later.corrects == first.id
    assert first.occurred.text == "2017-08-28/2017-08-30"
    assert later.occurred.text == "2017-08-29"
    assert later.status == first.status == "halted"
    assert later.recorded is not None and first.recorded is not None
    assert later.recorded.isoformat() == "2017-09-05T12:00:00+00:00"
    assert first.recorded.isoformat() == "2017-08-30T16:50:00+00:00"


def test_mcgurk_condemns_the_deal_in_his_words(by_id: dict[str, Event]) -> None:
    statement = by_id["qal-055-statement-mcgurk"]
    assert isinstance(statement, Statement)
    assert (statement.speaker, statement.stances, statement.subject) == (
        "mcgurk",
        ("condemns",),
        "qalamoun-deal",
    )
    assert statement.quote == "ISIS fighters should be killed on the battlefield"


def test_the_coalition_figure_stands_beside_the_reported_one(by_id: dict[str, Event]) -> None:
    claim = by_id["qal-302-convoy-position"]
    assert isinstance(claim, ConvoyMove)
    assert claim.convoy == "qalamoun-convoy" and claim.new_convoy is None
    assert claim.fighters is not None and claim.fighters.text == "hundreds"
    assert claim.corrects is None  # a second claim, not a revision
    log = sitrep_core.open_log("memory:")
    log.append(log.codec.read_input(EVENTS.read_bytes()))
    figures = {f.key: f for f in sitrep_core.replay(log)["figures"]}
    fighters = figures["qalamoun-convoy/fighters"]
    assert not fighters.disputed  # around 308 is among "hundreds": the claims agree
    assert fighters.value.text == "around 308"  # the more specific leads
    assert {c.event_id for c in fighters.claims} == {
        "qal-040-evacuation",
        "qal-302-convoy-position",
    }


# -- the log and the script --------------------------------------------------------


def test_the_events_build_a_verified_log(tmp_path: Path, events: list[Event]) -> None:
    with sitrep_core.open_log(tmp_path / "qalamoun.jsonl") as log:
        first = log.append(events)
        assert len(first.records) == len(events) and first.head == len(events)
        check = log.verify()
        assert check.ok and check.checked == len(events)
        again = log.append(events)
        assert again.records == () and len(again.skipped) == len(events)
        assert log.verify().head_hash == check.head_hash
        assert [e.id for e in log.events()] == [e.id for e in events]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN), *args], capture_output=True, text=True, timeout=120
    )


def test_run_py_builds_the_log_once_and_notices_tampering(
    tmp_path: Path, events: list[Event]
) -> None:
    target = tmp_path / "out" / "qalamoun.jsonl"
    first = _run(str(target))
    assert first.returncode == 0, first.stderr
    total = len(events)
    assert f"records: {total} ({total} new, 0 already stored)" in first.stdout
    head = re.search(r"^head: (\d+) ([0-9a-f]{64})$", first.stdout, re.MULTILINE)
    assert head is not None and int(head.group(1)) == total
    per_type = Counter(e.TYPE for e in events)
    for tag, count in per_type.items():
        assert re.search(rf"^\s+{re.escape(tag)}\s+{count}$", first.stdout, re.MULTILINE), tag

    second = _run(str(target))
    assert second.returncode == 0, second.stderr
    assert f"records: {total} (0 new, {total} already stored)" in second.stdout
    assert head.group(0) in second.stdout

    stored = target.read_bytes()
    target.write_bytes(stored.replace(b"around 308", b"around 380", 1))
    tampered = _run(str(target))
    assert tampered.returncode == 1
    assert "qal-040-evacuation" in tampered.stderr
