"""A report's dated updates: what changed at each recorded minute, like the UPDATE
blocks of a hand-kept situation report.

Each block compares the report as it could have been written at the end of one
recorded minute with the one at the end of the minute before, both from the one
fold of the log (see :mod:`sitrep_core.replay`). A block whose news was later
corrected or retracted keeps its minute, and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import pairwise

import attrs

from ..model import REFERENCE_TYPES
from ..projections import Change, Fact, KeyedProjection, Projection, ViewContext
from ..replay import FoldState, context_at


@attrs.frozen
class Update:
    """What changed when new facts were recorded in the minute starting at ``at``."""

    at: datetime
    changes: tuple[Change, ...]
    later_revised: bool = False
    """Some of this minute's news was corrected or retracted afterwards."""
    omitted: int = 0
    """Changes a report leaves out (it keeps the first ``CHANGES_LIMIT``)."""


MINUTE = timedelta(minutes=1)
_LAST_INSTANT = timedelta(microseconds=1)


def recorded_minutes(state: FoldState, until: datetime | None) -> list[datetime]:
    """The distinct minutes in which the log's events were recorded, up to ``until``."""
    minutes = {
        recorded.replace(second=0, microsecond=0)
        for fact in state.facts.values()
        if (recorded := fact.event.recorded) is not None and (until is None or recorded <= until)
    }
    return sorted(minutes)


def told_once(found: Sequence[Change]) -> list[Change]:
    """Changes with each event told once: a timeline line is left out when another
    projection's change already tells that event (a strike on a convoy, a split, a
    stance), and no change is listed twice."""
    told = {i for c in found if c.projection != "timeline" for i in c.event_ids}
    kept: list[Change] = []
    for change in found:
        retold = change.projection == "timeline" and change.kind == "event"
        if retold and change.event_ids and set(change.event_ids) <= told:
            continue
        if change not in kept:
            kept.append(change)
    return kept


def dated_updates(
    state: FoldState,
    as_of: datetime | None,
    until: datetime | None,
    count: int,
) -> list[Update]:
    """The latest ``count`` dated updates up to ``until``, newest first.

    Each compares the views at the ends of two consecutive recorded minutes. A keyed
    projection compares only the items the minute's facts touched (recorded in it,
    or hidden by a revision recorded in it); any other compares its whole views.
    """
    minutes = recorded_minutes(state, until)[-(count + 1) :]
    if len(minutes) < 2 or count <= 0:
        return []
    ends = {m: m + MINUTE - _LAST_INSTANT for m in minutes}
    touched = _touched(state, minutes[1:])
    contexts = {m: context_at(state, as_of, ends[m]) for m in minutes}
    updates = []
    for before, after in pairwise(minutes):
        found = told_once(
            _changes(state, contexts[before], contexts[after], touched.get(after, []))
        )
        marked = tuple(
            attrs.evolve(c, later_revised=True)
            if _revised_later(state, c, ends[after], until)
            else c
            for c in found
        )
        updates.append(Update(after, marked, any(c.later_revised for c in marked)))
    return list(reversed(updates))


def _touched(state: FoldState, minutes: Sequence[datetime]) -> dict[datetime, list[Fact]]:
    """The facts each minute changes: those recorded in it, and those a revision
    recorded in it hid."""
    wanted = set(minutes)
    found: dict[datetime, list[Fact]] = {}
    for fact in state.facts.values():
        for moment in (fact.event.recorded, fact.hidden_from):
            if moment is not None:
                minute = moment.replace(second=0, microsecond=0)
                if minute in wanted:
                    found.setdefault(minute, []).append(fact)
    return found


def _changes(
    state: FoldState, before: ViewContext, after: ViewContext, facts: Sequence[Fact]
) -> list[Change]:
    renamed = any(fact.event.TYPE in REFERENCE_TYPES for fact in facts)
    found: list[Change] = []
    for projection in state.projections[1:]:
        if type(projection).diff is Projection.diff:
            continue  # it tells of no change
        projected = state.states[projection.name]
        if isinstance(projection, KeyedProjection) and not renamed:
            keys = {
                key
                for fact in facts
                if projection.types is None or fact.event.TYPE in projection.types
                for names in (before.names, after.names)
                for key in projection.keys(fact, names)
            }
            if not keys:
                continue
            earlier = projection.items(projected, keys, before)
            later = projection.items(projected, keys, after)
        else:  # names changed, or a projection that only has whole views
            earlier = projection.view(projected, before)
            later = projection.view(projected, after)
        found.extend(projection.diff(earlier, later))
    return found


def _revised_later(state: FoldState, change: Change, end: datetime, until: datetime | None) -> bool:
    """Whether an event the change tells of was corrected or retracted after the
    change's minute ``end`` (and, in a report of a moment, by that moment)."""
    for event_id in change.event_ids:
        fact = state.facts.get(event_id)
        hidden = None if fact is None else fact.hidden_from
        if hidden is not None and hidden > end and (until is None or hidden <= until):
            return True
    return False
