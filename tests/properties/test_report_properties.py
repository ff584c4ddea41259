"""A report's dated updates are the changes between the reports at consecutive recorded
minutes, each new event told once.

The oracle is :func:`sitrep_core.changes` between the two minutes; what an update may
leave out of it is stated as conditions on what it kept, not worked out the way the
report works it out.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitrep_core as sr
from sitrep_core import Count, Source

BASE = datetime(2017, 9, 1, tzinfo=UTC)
CONVOYS = ("c1", "c2")
PLACES = ("qara", "sukhnah", "humayma")
ACTORS = ("isis", "coalition", "hezbollah")

NAMES: list[sr.Event] = [
    *(
        sr.ActorDefined(id=f"actor-{k}", occurred="2014", key=k, name=k.upper(), recorded=BASE)
        for k in ACTORS
    ),
    *(
        sr.PlaceDefined(
            id=f"place-{k}", occurred="2014", key=k, name=k.title(), lat=34.5, lon=38.5,
            recorded=BASE,
        )
        for k in PLACES
    ),
]  # fmt: skip
"""The actors and places, recorded in the first minute (so it has no update of its own)."""

counts = st.one_of(
    st.builds(Count.exact, st.integers(0, 500)),
    st.builds(Count.approx, st.integers(1, 500)),
    st.builds(Count.at_least, st.integers(0, 500)),
)
sources = st.lists(
    st.builds(Source, st.sampled_from(["AP", "SOHR"]), st.sampled_from("ABF"), st.integers(1, 6)),
    max_size=2,
    unique_by=lambda s: s.name,
)


@st.composite
def happening(draw: st.DrawFn, event_id: str, recorded: datetime) -> sr.Event:
    common: dict[str, Any] = {
        "id": event_id,
        "occurred": draw(st.sampled_from(["2017-08-28", "2017-08-30T16:50Z", "2017-08"])),
        "recorded": recorded,
        "sources": draw(sources),
    }
    kind = draw(st.sampled_from(["evacuation", "convoy-move", "strike", "statement", "aid"]))
    if kind == "evacuation":
        return sr.Evacuation(
            **common,
            group=draw(st.sampled_from(ACTORS)),
            origins=[draw(st.sampled_from(PLACES))],
            convoy=draw(st.sampled_from(CONVOYS)),
            fighters=draw(st.none() | counts),
        )
    if kind == "convoy-move":
        return sr.ConvoyMove(
            **common,
            convoy=draw(st.sampled_from(CONVOYS)),
            status=draw(st.sampled_from(["moving", "halted", None])),
            fighters=draw(st.none() | counts),
        )
    if kind == "strike":
        return sr.Strike(
            **common,
            actor=draw(st.sampled_from(ACTORS)),
            convoy=draw(st.none() | st.sampled_from(CONVOYS)),
            killed=draw(st.none() | counts),
        )
    if kind == "aid":
        return sr.AidDelivery(**common, items=["food"], convoy=draw(st.sampled_from(CONVOYS)))
    return sr.Statement(
        **common,
        speaker=draw(st.sampled_from(ACTORS)),
        subject=draw(st.sampled_from(["deal", *CONVOYS])),
        stances=[draw(st.sampled_from(["condemns", "supports"]))],
    )


@st.composite
def happenings(draw: st.DrawFn) -> list[sr.Event]:
    """Events recorded in minutes 1 to 5 after the names, in any order relative to the
    log: some facts are entered late."""
    size = draw(st.integers(2, 12))
    return [
        draw(happening(f"e{i}", BASE + timedelta(minutes=draw(st.integers(1, 5)))))
        for i in range(size)
    ]


def memory_log(events: list[sr.Event]) -> sr.EventLog:
    log = sr.open_log("memory:")
    log.append(events)
    return log


def left_out(update: list[sr.Change], found: list[sr.Change]) -> list[sr.Change] | None:
    """What ``found`` has that ``update`` does not, when ``update`` is ``found`` with
    some changes taken out and the rest in their order; None when it is not."""
    rest: list[sr.Change] = []
    kept = iter(update)
    wanted = next(kept, None)
    for change in found:
        if wanted is not None and change == wanted:
            wanted = next(kept, None)
        else:
            rest.append(change)
    return rest if wanted is None else None


def told(changes: list[sr.Change], *, timeline: bool | None = None) -> set[str]:
    """The events the changes tell of: all, or those of the timeline's or of the others'."""
    return {
        i
        for c in changes
        if timeline is None or (c.projection == "timeline") == timeline
        for i in c.event_ids
    }


def assert_each_event_told_once(update: list[sr.Change], found: list[sr.Change]) -> None:
    """The update is the changes found, less repeats and the timeline lines of events
    that another projection's change in the update already tells, and only those."""
    dropped = left_out(update, found)
    assert dropped is not None, "the update has changes not found between the minutes"
    elsewhere = told(update, timeline=False)
    for change in dropped:
        if change in update:
            continue  # told once already
        assert change.projection == "timeline", f"a projection's change went missing: {change}"
        assert change.event_ids and set(change.event_ids) <= elsewhere, change
    assert len(set(map(repr, update))) == len(update), "a change is listed twice"
    for change in update:
        if change.projection == "timeline" and change.kind == "event" and change.event_ids:
            assert set(change.event_ids) - elsewhere, f"told twice: {change}"
    # nothing the minutes changed goes untold
    assert told(update) == told(found)


def within(minute: datetime) -> datetime:
    """A moment inside the minute, after what was recorded at its start."""
    return minute + timedelta(seconds=30)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(happenings())
def test_updates_are_the_changes_between_consecutive_recorded_minutes(
    events: list[sr.Event],
) -> None:
    log = memory_log([*NAMES, *events])
    report = sr.build_report(log, max_updates=10)
    minutes = sorted({BASE, *(e.recorded for e in events if e.recorded is not None)})
    got = list(reversed(report.updates))
    assert [u.at for u in got] == minutes[1:]
    for update, (before, after) in zip(got, itertools.pairwise(minutes), strict=True):
        found = sr.changes(log, since=within(before), until=within(after))
        assert_each_event_told_once(list(update.changes), found)


def test_a_strike_on_a_convoy_is_told_by_the_convoy_not_again_by_the_timeline() -> None:
    common: dict[str, Any] = {"occurred": "2017-08-30", "sources": [Source("AP", "B", 2)]}
    evacuation = sr.Evacuation(
        id="evacuation", group="isis", origins=["qara"], convoy="c1",
        recorded=BASE + timedelta(minutes=1), **common,
    )  # fmt: skip
    strike = sr.Strike(
        id="strike", actor="coalition", convoy="c1", recorded=BASE + timedelta(minutes=2),
        **common,
    )  # fmt: skip
    log = memory_log([*NAMES, evacuation, strike])
    found = sr.changes(
        log, since=within(BASE + timedelta(minutes=1)), until=within(strike.recorded)
    )
    assert {c.projection for c in found if "strike" in c.event_ids} >= {"convoys", "timeline"}
    update = sr.build_report(log).updates[0]
    assert update.at == strike.recorded
    assert_each_event_told_once(list(update.changes), found)
    assert "timeline" not in [c.projection for c in update.changes if "strike" in c.event_ids]
    # the check itself refuses an update that tells the strike twice, or leaves it out
    with pytest.raises(AssertionError, match="told twice"):
        assert_each_event_told_once(found, found)
    without = [c for c in update.changes if "strike" not in c.event_ids]
    with pytest.raises(AssertionError):
        assert_each_event_told_once(without, found)
