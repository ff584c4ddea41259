"""A log written by sitrep-core 0.1 still verifies, loads and replays.

The fixture is written here line by line as 0.1 wrote it: JSON Lines records
``{"position", "prev", "hash", "event"}`` whose events are at the versions 0.1
knew (convoy moves with ``position`` and ``near``, statements of one ``actor`` and
one ``stance``, evacuations from one ``origin``, strikes v1 and v2, aid deliveries
with a ``position``), chained with the hash docs/log-records.md gives.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from sitrep_core import (
    AidDelivery,
    ConvoyMove,
    Count,
    Evacuation,
    Location,
    Statement,
    Strike,
    open_log,
    replay,
)

GENESIS = "0" * 64

OLD_EVENTS: list[dict[str, Any]] = [
    {
        "type": "evacuation",
        "v": 1,
        "id": "evacuation",
        "occurred": "2017-08-28",
        "recorded": "2017-08-28T18:00:00Z",
        "group": "isis",
        "origin": "western-qalamoun",
        "destination": "abu-kamal",
        "fighters": {"value": 308, "qualifier": "approx"},
        "vehicles": {"buses": 17},
        "convoy": "convoy",
        "sources": [{"name": "Hezbollah officials", "reliability": "D", "credibility": 3}],
    },
    {
        "type": "statement",
        "v": 1,
        "id": "mcgurk",
        "occurred": "2017-08-29",
        "recorded": "2017-08-29T09:00:00Z",
        "speaker": "Brett McGurk",
        "actor": "us-led-coalition",
        "subject": "qalamoun-deal",
        "stance": "condemns",
        "quote": "ISIS terrorists should be killed on the battlefield",
    },
    {
        "type": "strike",
        "v": 1,
        "id": "crater",
        "occurred": "2017-08-30",
        "recorded": "2017-08-30T16:00:00Z",
        "actor": "us-led-coalition",
        "target": "road",
        "hit_convoy": False,
        "convoy": "convoy",
    },
    {
        "type": "convoy-move",
        "v": 1,
        "id": "halt",
        "occurred": "2017-08-30T16:50",
        "recorded": "2017-08-30T16:50:00Z",
        "convoy": "convoy",
        "status": "halted",
        "position": "east of As Sukhnah",
        "near": ["as-sukhnah"],
    },
    {
        "type": "convoy-move",
        "v": 1,
        "id": "near-only",
        "occurred": "2017-08-31",
        "recorded": "2017-08-31T10:00:00Z",
        "convoy": "convoy",
        "near": ["humayma"],
    },
    {
        "type": "strike",
        "v": 2,
        "id": "vehicles",
        "occurred": "2017-08-31",
        "recorded": "2017-08-31T11:00:00Z",
        "actor": "us-led-coalition",
        "targets": ["vehicles"],
        "position": "near the convoy",
        "near": ["humayma"],
        "convoy_hit": False,
    },
    {
        "type": "aid-delivery",
        "v": 1,
        "id": "aid",
        "occurred": "2017-09-01",
        "recorded": "2017-09-01T12:00:00Z",
        "items": ["food", "water"],
        "convoy": "convoy",
        "position": "Humayma",
    },
]


def chain_hash(position: int, prev: str, event_bytes: bytes) -> str:
    """The chain hash as docs/log-records.md defines it."""
    head = b"sitrep-chain-v1\n%d\n%s\n" % (position, prev.encode("ascii"))
    return hashlib.sha256(head + event_bytes).hexdigest()


def write_old_log(path: Path, events: list[dict[str, Any]]) -> Path:
    """A JSON Lines log as 0.1 wrote it, one record a line, each batch of one event."""
    prev, lines = GENESIS, []
    for position, event in enumerate(events, start=1):
        event_bytes = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
        digest = chain_hash(position, prev, event_bytes)
        lines.append(
            b'{"position":%d,"prev":"%s","hash":"%s","event":%s}\n'
            % (position, prev.encode(), digest.encode(), event_bytes)
        )
        prev = digest
    path.write_bytes(b"".join(lines))
    return path


@pytest.fixture
def old_log(tmp_path: Path) -> Path:
    return write_old_log(tmp_path / "old.jsonl", OLD_EVENTS)


def test_an_old_log_verifies(old_log: Path) -> None:
    with open_log(old_log, create=False) as log:
        result = log.verify()
    assert result.ok, str(result)
    assert result.checked == len(OLD_EVENTS)


def test_a_broken_link_in_the_fixture_would_be_found(tmp_path: Path) -> None:
    # the fixture's hashes are what make it verify: change one event, and it does not
    edited = [dict(OLD_EVENTS[0], group="someone else"), *OLD_EVENTS[1:]]
    path = write_old_log(tmp_path / "old.jsonl", edited)
    lines = path.read_bytes().splitlines(keepends=True)
    original = write_old_log(tmp_path / "original.jsonl", OLD_EVENTS).read_bytes()
    path.write_bytes(b"".join([original.splitlines(keepends=True)[0], *lines[1:]]))
    with open_log(path, create=False) as log:
        assert not log.verify().ok


def test_old_events_load_as_the_current_types(old_log: Path) -> None:
    with open_log(old_log, create=False) as log:
        events = {e.id: e for e in log.events()}
    evacuation = events["evacuation"]
    assert isinstance(evacuation, Evacuation)
    assert evacuation.origins == ("western-qalamoun",)
    assert evacuation.fighters == Count(308, "approx")

    statement = events["mcgurk"]
    assert isinstance(statement, Statement)
    assert (statement.actors, statement.stances) == (("us-led-coalition",), ("condemns",))

    crater = events["crater"]
    assert isinstance(crater, Strike)
    assert (crater.targets, crater.convoy_hit, crater.location) == (("road",), False, None)

    halt = events["halt"]
    assert isinstance(halt, ConvoyMove)
    assert halt.location == Location(text="east of As Sukhnah", places=("as-sukhnah",))

    near_only = events["near-only"]
    assert isinstance(near_only, ConvoyMove)
    assert near_only.location == Location(relation="near", places=("humayma",))

    struck = events["vehicles"]
    assert isinstance(struck, Strike)
    assert struck.location == Location(text="near the convoy", places=("humayma",))

    aid = events["aid"]
    assert isinstance(aid, AidDelivery)
    assert aid.location == Location(text="Humayma")


def test_an_old_log_replays(old_log: Path) -> None:
    with open_log(old_log, create=False) as log:
        at_halt = replay(log, as_of="2017-08-30T16:50")
        now = replay(log)
    convoy = at_halt["convoys"][0]
    assert convoy.status.status == "halted"
    assert convoy.whereabouts.location.text == "east of As Sukhnah"
    assert [s.id for s in convoy.strikes] == ["crater"]
    (stance,) = now["stances"]
    assert (stance.actor.key, stance.subject.key, stance.stances) == (
        "us-led-coalition",
        "qalamoun-deal",
        ("condemns",),
    )
    latest = now["convoys"][0]
    assert latest.whereabouts.location == Location(relation="near", places=("humayma",))
    assert [a.id for a in latest.aid] == ["aid"]


def test_appending_to_an_old_log_writes_current_versions(old_log: Path) -> None:
    with open_log(old_log, create=False) as log:
        log.append(
            [ConvoyMove(id="moving", occurred="2017-09-02", convoy="convoy", status="moving")]
        )
        assert log.verify().ok
    last = json.loads(old_log.read_bytes().splitlines()[-1])
    assert (last["position"], last["event"]["v"]) == (len(OLD_EVENTS) + 1, ConvoyMove.VERSION)
    assert [json.loads(line)["event"]["v"] for line in old_log.read_bytes().splitlines()][:3] == [
        1,
        1,
        1,
    ]  # the old lines are left as they were written
