"""The seed report, replayed: at each UPDATE date, the convoy and the stances it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

import sitrep_core as sr
from sitrep_core.views import ConvoyView, StanceView

EVENTS = Path(__file__).parents[1] / "examples" / "qalamoun-2017" / "events.jsonl"
UPDATES = {
    "30 August 16:50": "2017-08-30T16:50",
    "31 August": "2017-08-31T12:00",
    "2 September": "2017-09-02T12:00",
    "5 September": "2017-09-05T12:00",
}


@pytest.fixture(scope="module")
def log() -> sr.EventLog:
    log = sr.open_log("memory:")
    log.append(log.codec.read_input(EVENTS.read_bytes(), source=str(EVENTS)))
    return log


def at(log: sr.EventLog, moment: str) -> sr.Snapshot:
    """The report as it could have been written at that moment."""
    return sr.replay(log, as_of=moment, known_at=moment)


def convoy(snapshot: sr.Snapshot, convoy_id: str = "qalamoun-convoy") -> ConvoyView:
    return next(c for c in snapshot["convoys"] if c.id == convoy_id)


def stance(snapshot: sr.Snapshot, actor: str, subject: str) -> StanceView:
    return next(s for s in snapshot["stances"] if s.actor == actor and s.subject == subject)


def test_30_august_the_road_and_bridge_are_struck_and_the_convoy_is_halted(
    log: sr.EventLog,
) -> None:
    now = at(log, UPDATES["30 August 16:50"])
    qalamoun = convoy(now)
    assert (qalamoun.origin, qalamoun.destination) == ("Qara", "Abu Kamal")
    assert qalamoun.status == "halted"
    assert {(v.kind, str(v.total)) for v in qalamoun.vehicles} == {
        ("bus", "17"),
        ("ambulance", "11"),
    }
    people = {f.measure: f for f in qalamoun.people}
    assert str(people["fighters"].value) == "around 308"
    assert str(people["wounded"].value) == "at least 25"
    assert not people["fighters"].disputed  # "hundreds" comes only on 2 September
    assert any("bridge" in s.headline for s in qalamoun.strikes) or any(
        "bridge" in e.headline for e in now["timeline"] if e.type == "strike"
    )
    assert stance(now, "us-led-coalition", "qalamoun-convoy").stance == "threatens"
    assert stance(now, "united-states", "qalamoun-deal").stance == "condemns"  # McGurk
    assert stance(now, "iraq", "qalamoun-deal").stance == "condemns"  # Abadi
    assert "killed on the battlefield" in (
        stance(now, "united-states", "qalamoun-deal").quote or ""
    )
    assert not [c for c in now["convoys"] if c.parent]  # no split known yet


def test_31_august_the_road_is_cratered_and_the_coalition_was_no_party(log: sr.EventLog) -> None:
    now = at(log, UPDATES["31 August"])
    assert convoy(now).status == "halted"
    strikes = [e.headline for e in now["timeline"] if e.type == "strike"]
    assert any("cratered" in h for h in strikes)
    assert stance(now, "us-led-coalition", "qalamoun-deal-party").stance == "denies"
    assert stance(now, "us-led-coalition", "qalamoun-convoy-strikes").stance == "denies"


def test_2_september_the_convoy_turned_back_and_got_food_and_water(log: sr.EventLog) -> None:
    now = at(log, UPDATES["2 September"])
    qalamoun = convoy(now)
    assert qalamoun.status == "turned-back"
    assert "between Humayma and As Sukhnah" in (qalamoun.position or "")
    assert qalamoun.aid and "food" in qalamoun.aid[0].headline
    fighters = next(f for f in qalamoun.people if f.measure == "fighters")
    assert fighters.disputed
    assert {str(c.value) for c in fighters.claims} == {"around 308", "hundreds"}
    assert not [c for c in now["convoys"] if c.parent]


def test_5_september_six_buses_went_west_and_eleven_are_stalled(log: sr.EventLog) -> None:
    now = at(log, UPDATES["5 September"])
    qalamoun = convoy(now)
    assert qalamoun.status == "stalled"
    assert "east of As Sukhnah" in (qalamoun.position or "")
    buses = next(v for v in qalamoun.vehicles if v.kind == "bus")
    assert (buses.total.value, buses.current.value) == (17, 11)
    assert [(d.convoy, d.vehicles.value) for d in buses.detached] == [("qalamoun-convoy-west", 6)]
    west = convoy(now, "qalamoun-convoy-west")
    assert west.parent == "qalamoun-convoy"
    assert (west.status, west.toward) == ("turned-back", "Palmyra")
    townsend = stance(now, "us-led-coalition", "qalamoun-convoy-civilians")
    assert townsend.stance == "condemns"
    assert "completely on them" in (townsend.quote or "")


def test_the_halt_on_29_august_was_learnt_on_5_september(log: sr.EventLog) -> None:
    learnt = sr.replay(log, as_of="2017-08-29")  # the world on 29 August, from all we know now
    assert convoy(learnt).status == "halted"
    before = at(log, "2017-09-02T12:00")
    assert "qal-401-convoy-halted-aug-29" not in {p.event_id for p in convoy(before).route} | {
        e.event_id for e in before["timeline"]
    }


def test_each_update_block_reports_what_the_seed_adds(log: sr.EventLog) -> None:
    report = sr.build_report(log, as_of=UPDATES["5 September"], known_at=UPDATES["5 September"])
    assert [u.title for u in report.updates] == [
        "UPDATE 5 September 2017, 12:00 UTC",
        "UPDATE 2 September 2017, 12:00 UTC",
        "UPDATE 31 August 2017, 12:00 UTC",
        "UPDATE 30 August 2017, 16:50 UTC",
    ]
    newest = {(c.projection, c.kind, c.key) for c in report.updates[0].changes}
    assert ("convoys", "status", "qalamoun-convoy") in newest
    assert ("convoys", "split", "qalamoun-convoy") in newest
    first = {(c.projection, c.kind, c.key) for c in report.updates[-1].changes}
    assert ("convoys", "status", "qalamoun-convoy") in first


def test_an_update_tells_each_new_event_once(log: sr.EventLog) -> None:
    report = sr.build_report(log, as_of=UPDATES["2 September"], known_at=UPDATES["2 September"])
    newest = report.updates[0]
    told = [i for c in newest.changes for i in c.event_ids]
    assert told.count("qal-304-strike-tank-technicals") == 1
