"""The fold: the log's records, in log order, into every projection's state.

It is the one place where events become facts and where corrections and
retractions take effect: a revision hides the versions of the fact before it, from
the moment it was recorded on (the earliest such moment, when recorded times are
not in log order). Replays, changes between moments
and a report's dated updates all read views of the state this fold leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from ..model._time import MIN_TIME
from ..projections import Fact, Projection
from ..stores import Record
from ..stores._chain import GENESIS


class FoldState:
    """Every projection's state after folding a log up to ``position``.

    ``facts`` finds a fact by its event id (a revision names the event it revises);
    ``standing`` maps the first version of a revised fact to the version that stands
    now (None once retracted), ``versions`` to all its versions. ``recorded`` lists
    the recorded minutes seen, in order.
    """

    def __init__(self, projections: Sequence[Projection[Any, Any]]) -> None:
        names = [p.name for p in projections]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"projection name(s) used twice: {', '.join(twice)}")
        self.projections = list(projections)
        self.states: dict[str, Any] = {p.name: p.initial() for p in projections}
        self.position = 0
        self.head_hash = GENESIS
        self.facts: dict[str, Fact] = {}
        self.roots: dict[str, str] = {}
        self.standing: dict[str, Fact | None] = {}
        self.versions: dict[str, list[Fact]] = {}
        """Every version of a revised fact, by its first version's id, in log order."""
        self.latest_recorded: datetime | None = None
        self.in_recorded_order = True
        """False once a record was recorded before one that came earlier in the log."""
        self._routes: dict[str, list[tuple[Any, Any]]] = {}

    def signature(self) -> list[tuple[str, type, int]]:
        """What the state is a state of: the projections, their classes and versions."""
        return [(p.name, type(p), p.version) for p in self.projections]

    def _route(self, tag: str) -> list[tuple[Any, Any]]:
        found = self._routes.get(tag)
        if found is None:
            found = self._routes[tag] = [
                (p.apply, self.states[p.name])
                for p in self.projections
                if p.types is None or tag in p.types
            ]
        return found

    def _revise(self, fact: Fact, kept: bool) -> None:
        """Hide every earlier version of the fact ``fact`` revises; ``kept``: whether a
        projection keeps ``fact`` (a version none keeps is hidden from no one)."""
        event = fact.event
        target = event.corrects or event.retracts
        assert target is not None
        root = self.roots.get(target, target)
        standing = self.standing.get(root, self.facts.get(root))
        versions = self.versions.get(root)
        if versions is None:
            first = self.facts.get(root)
            versions = self.versions[root] = [first] if first is not None else []
        # Every earlier version is hidden from the earliest moment a revision after it
        # was recorded: with recorded times in log order that is the next revision;
        # when writers gave them out of order, a later line may have been known first.
        hidden_from = event.recorded or MIN_TIME
        for version in versions:
            if version.hidden_from is None or hidden_from < version.hidden_from:
                version.hidden_from = hidden_from
        if event.corrects is not None:
            fact.replaced = standing
            self.roots[event.id] = root
            if kept:
                self.standing[root] = fact
                versions.append(fact)
        else:
            self.standing[root] = None


def fold(records: Iterable[Record], state: FoldState) -> FoldState:
    """Fold ``records`` (which follow ``state.position``) into ``state``; return it."""
    facts = state.facts
    route, routes_by_tag = state._route, state._routes
    latest = state.latest_recorded
    in_order = state.in_recorded_order
    position, head_hash = state.position, state.head_hash
    for record in records:
        event = record.event
        position, head_hash = record.position, record.hash
        fact = Fact(event, position)
        recorded = event.recorded
        if recorded is not None:
            if latest is None or recorded >= latest:
                latest = recorded
            else:
                in_order = False
        routes = routes_by_tag.get(event.TYPE)
        if routes is None:
            routes = route(event.TYPE)
        if event.corrects is not None or event.retracts is not None:
            state._revise(fact, bool(routes))
        if routes:  # a fact no projection keeps needs no finding: it is let go
            facts[event.id] = fact
        for apply, projection_state in routes:
            apply(projection_state, fact)
    state.position, state.head_hash = position, head_hash
    state.latest_recorded, state.in_recorded_order = latest, in_order
    return state
