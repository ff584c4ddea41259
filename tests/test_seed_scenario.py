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


def convoy(snapshot: sr.Snapshot, key: str = "qalamoun-convoy") -> ConvoyView:
    return next(c for c in snapshot["convoys"] if c.key == key)


def stance(snapshot: sr.Snapshot, actor: str, subject: str) -> StanceView:
    return next(s for s in snapshot["stances"] if (s.actor.key, s.subject.key) == (actor, subject))


def strikes(snapshot: sr.Snapshot) -> list[sr.Strike]:
    return [e.event for e in snapshot["timeline"] if isinstance(e.event, sr.Strike)]


def test_30_august_the_road_and_bridge_are_struck_and_the_convoy_is_halted(
    log: sr.EventLog,
) -> None:
    now = at(log, UPDATES["30 August 16:50"])
    qalamoun = convoy(now)
    assert ([o.name for o in qalamoun.origins], qalamoun.destination.name) == (  # type: ignore[union-attr]
        ["Qara"],
        "Abu Kamal",
    )
    assert qalamoun.status is not None and qalamoun.status.status == "halted"
    assert qalamoun.whereabouts is None  # where it halted is not said
    assert {(v.kind, v.at_formation.count.value) for v in qalamoun.vehicles} == {  # type: ignore[union-attr]
        ("bus", 17),
        ("ambulance", 11),
    }
    people = {f.measure: f for f in qalamoun.people}
    assert people["fighters"].value == sr.Count(308, "approx", text="around 308")
    assert people["wounded"].value == sr.Count(25, "at-least", text="at least 25")
    assert [s.name for c in people["wounded"].claims for s in c.sources] == ["Hezbollah officials"]
    assert any("bridge" in s.targets for s in strikes(now))
    assert stance(now, "us-led-coalition", "qalamoun-convoy").stances == ("threatens",)
    mcgurk = stance(now, "united-states", "qalamoun-deal")
    assert mcgurk.stances == ("condemns",)
    assert "killed on the battlefield" in (mcgurk.latest.quote or "")
    assert stance(now, "iraq", "qalamoun-deal").stances == ("condemns",)  # Abadi
    assert not [c for c in now["convoys"] if c.parent]  # no split known yet


def test_31_august_the_road_is_cratered_and_the_coalition_was_no_party(log: sr.EventLog) -> None:
    now = at(log, UPDATES["31 August"])
    assert convoy(now).status.status == "halted"  # type: ignore[union-attr]
    assert any(s.effect == "road cratered" for s in strikes(now))
    assert stance(now, "us-led-coalition", "qalamoun-deal-party").stances == ("denies",)
    assert stance(now, "us-led-coalition", "qalamoun-convoy-strikes").stances == ("denies",)


def test_2_september_the_convoy_turned_back_and_got_food_and_water(log: sr.EventLog) -> None:
    now = at(log, UPDATES["2 September"])
    qalamoun = convoy(now)
    assert qalamoun.status is not None and qalamoun.status.status == "turned-back"
    # it cannot have turned back before the halt known then (28-30 August)
    assert qalamoun.status.since.text == "2017-08-28/2017-09-02"
    where = qalamoun.whereabouts
    assert where is not None and (where.location.relation, where.location.places) == (
        "between",
        ("humayma", "as-sukhnah"),
    )
    assert qalamoun.aid and "food" in qalamoun.aid[0].items  # type: ignore[attr-defined]
    fighters = next(f for f in qalamoun.people if f.measure == "fighters")
    assert not fighters.disputed  # "hundreds" and "around 308" can both be true
    assert {c.value.text for c in fighters.claims} == {"around 308", "hundreds"}
    assert not [c for c in now["convoys"] if c.parent]


def test_5_september_six_buses_went_west_and_eleven_are_stalled(log: sr.EventLog) -> None:
    now = at(log, UPDATES["5 September"])
    qalamoun = convoy(now)
    assert qalamoun.status is not None and qalamoun.status.status == "stalled"
    assert qalamoun.status.since.text == "2017-08-29"  # "the seventh day"
    assert qalamoun.whereabouts is not None
    assert qalamoun.whereabouts.location.relation == "east-of"
    buses = next(v for v in qalamoun.vehicles if v.kind == "bus")
    assert buses.at_formation is not None and buses.latest is not None
    assert (buses.at_formation.count.value, buses.latest.count.value) == (17, 11)
    assert [(d.convoy.key, d.count.value) for d in buses.detached] == [("qalamoun-convoy-west", 6)]
    ambulances = next(v for v in qalamoun.vehicles if v.kind == "ambulance")
    assert ambulances.latest is None  # no source says where the ambulances are
    west = convoy(now, "qalamoun-convoy-west")
    assert west.parent is not None and west.parent.key == "qalamoun-convoy"
    assert west.status is not None and west.status.status == "turned-back"
    assert west.toward is not None and west.toward.name == "Palmyra"
    townsend = stance(now, "us-led-coalition", "qalamoun-convoy-civilians")
    assert townsend.stances == ("blames",)
    assert [t.key for t in townsend.latest.target] == ["syrian-regime"]
    assert "completely on them" in (townsend.latest.quote or "")


def test_the_halt_on_29_august_was_learnt_on_5_september(log: sr.EventLog) -> None:
    learnt = sr.replay(log, as_of="2017-08-29")  # the world on 29 August, from all we know now
    assert convoy(learnt).status.status == "halted"  # type: ignore[union-attr]
    assert convoy(learnt).status.since.text == "2017-08-29"  # type: ignore[union-attr]
    before = at(log, "2017-09-02T12:00")
    assert "qal-401-convoy-halted-aug-29" not in {e.event_id for e in before["timeline"]}


def test_each_update_block_reports_what_the_seed_adds(log: sr.EventLog) -> None:
    report = sr.build_report(log, as_of=UPDATES["5 September"], known_at=UPDATES["5 September"])
    assert [u.at.isoformat() for u in report.updates] == [
        "2017-09-05T12:00:00+00:00",
        "2017-09-02T12:00:00+00:00",
        "2017-08-31T12:00:00+00:00",
        "2017-08-30T16:50:00+00:00",
    ]
    newest = {(c.projection, c.kind, c.key) for c in report.updates[0].changes}
    assert ("convoys", "status", "qalamoun-convoy") in newest
    assert ("convoys", "split", "qalamoun-convoy") in newest
    assert ("timeline", "corrected", "qal-401-convoy-halted-aug-29") in newest
    first = report.updates[-1]
    assert first.later_revised  # the halt of 28-30 August was corrected on 5 September
    status = next(c for c in first.changes if c.kind == "status")
    assert status.later_revised


def test_an_update_tells_each_new_event_once(log: sr.EventLog) -> None:
    report = sr.build_report(log, as_of=UPDATES["2 September"], known_at=UPDATES["2 September"])
    newest = report.updates[0]
    # the strike is told once, as a strike on the convoy (not again as a timeline line)
    told = [c for c in newest.changes if "qal-304-strike-tank-technicals" in c.event_ids]
    assert [(c.projection, c.kind) for c in told] == [("convoys", "strike")]
    # each statement is told once
    statements = [i for c in newest.changes for i in c.event_ids if "statement" in i]
    assert len(statements) == len(set(statements))
