"""A report's dated updates are the changes between the reports at consecutive minutes,
each new event told once.

The oracle is :func:`sitrep_core.changes` between the two minutes; what an update may
leave out of it is stated as conditions on what it kept, not worked out the way the
report works it out.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_replay_properties import fill, scenarios

import sitrep_core as sr

BASE = datetime(2017, 9, 1, tzinfo=UTC)


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
    """The update is the changes found, less the timeline lines of events that another
    projection's change in the update already tells, and only those."""
    dropped = left_out(update, found)
    assert dropped is not None, "the update has changes not found between the minutes"
    elsewhere = told(update, timeline=False)
    for change in dropped:
        assert change.projection == "timeline", f"a projection's change went missing: {change}"
        assert change.event_ids and set(change.event_ids) <= elsewhere, change
    for change in update:
        if change.projection == "timeline" and change.kind == "event":
            assert set(change.event_ids) - elsewhere, f"told twice: {change}"
    # nothing the minutes changed goes untold
    assert told(update) == told(found)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(min_size=2, max_size=15), st.data())
def test_updates_are_the_changes_between_consecutive_recorded_minutes(
    events: list[sr.Event], data: st.DataObject
) -> None:
    # recorded minutes in any order relative to the log: some facts are entered late
    minutes = data.draw(
        st.lists(st.integers(0, 5), min_size=len(events), max_size=len(events)), label="minutes"
    )
    dated = [attrs.evolve(e, recorded=BASE + timedelta(minutes=m)) for e, m in zip(events, minutes)]
    log = fill(dated)
    report = sr.build_report(log, max_updates=10)
    # the dated minutes are those of the events on the timeline (not the reference data)
    stamps = sorted({BASE + timedelta(minutes=m) for m in minutes})
    got = list(reversed(report.updates))
    assert [u.at for u in got] == [s.strftime("%Y-%m-%dT%H:%M:00Z") for s in stamps[1:]][-10:]
    pairs = list(itertools.pairwise(stamps))[-10:]
    for update, (before, after) in zip(got, pairs, strict=True):
        assert_each_event_told_once(
            list(update.changes), sr.changes(log, since=before, until=after)
        )


def test_a_strike_on_a_convoy_is_told_by_the_convoy_not_again_by_the_timeline() -> None:
    common = {"occurred": "2017-08-30", "sources": [sr.Source("AP", "B", 2)]}
    evacuation = sr.Evacuation(
        id="evacuation", group="isis", origin="qara", destination="abu-kamal", convoy="c1",
        recorded=BASE, **common,
    )  # fmt: skip
    strike = sr.Strike(
        id="strike", actor="coalition", targets=["road"], convoy="c1",
        recorded=BASE + timedelta(minutes=1), **common,
    )  # fmt: skip
    log = fill([evacuation, strike])
    found = sr.changes(log, since=BASE, until=BASE + timedelta(minutes=1))
    assert {c.projection for c in found if "strike" in c.event_ids} >= {"convoys", "timeline"}
    (update,) = sr.build_report(log).updates
    assert_each_event_told_once(list(update.changes), found)
    assert [c.projection for c in update.changes if "strike" in c.event_ids].count("timeline") == 0
    # the check itself refuses an update that tells the strike twice, or drops it
    with pytest.raises(AssertionError, match="told twice"):
        assert_each_event_told_once(found, found)
    without = [c for c in update.changes if "strike" not in c.event_ids]
    with pytest.raises(AssertionError):
        assert_each_event_told_once(without, found)
