"""A report's dated updates equal the changes between the reports at consecutive minutes."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_replay_properties import fill, scenarios

import sitrep_core as sr

BASE = datetime(2017, 9, 1, tzinfo=UTC)


def _told_once(found: list[sr.Change]) -> list[sr.Change]:
    told = {i for c in found if c.projection != "timeline" for i in c.event_ids}
    return [
        c
        for c in found
        if not (c.projection == "timeline" and c.kind == "event" and set(c.event_ids) <= told)
    ]


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
    expected: list[tuple[str, list[Any]]] = []
    for before, after in itertools.pairwise(stamps):
        found = _told_once(sr.changes(log, since=before, until=after))
        expected.append((after.strftime("%Y-%m-%dT%H:%M:00Z"), found))
    got = [(u.at, list(u.changes)) for u in reversed(report.updates)]
    assert got == expected[-10:]
