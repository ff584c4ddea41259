"""The timeline of what happened, and the sources the log cites."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Hashable, Iterable
from datetime import datetime
from operator import attrgetter

import attrs

from ..model import REFERENCE_TYPES, Event
from ._base import Change, Fact, KeyedProjection, ViewContext
from ._directory import Directory
from ._order import timeline_key

_LEFT_OUT = REFERENCE_TYPES | {"retraction"}
_position: Callable[[Fact], int] = attrgetter("position")
_span: Callable[[Fact], tuple[datetime, datetime]] = attrgetter(
    "event.occurred.earliest", "event.occurred.latest"
)


@attrs.frozen
class TimelineEntry:
    """An event in the order things happened; ``replaces`` is the earlier version it
    corrects, ``later_revised`` says it was corrected or retracted after the moment
    of the view."""

    event: Event
    position: int
    replaces: Event | None = None
    later_revised: bool = False

    @property
    def event_id(self) -> str:
        return self.event.id


class TimelineProjection(KeyedProjection[list[Fact], TimelineEntry]):
    """Every event in the order it happened.

    Retractions and reference data (actors, places, subjects) are left out: they
    change what we know or what we call things, not what happened. The state is the
    facts in log order, keyed by log position: a list costs a fifth of what a dict by
    event id would (about 40 bytes an event), and a position is found by bisection.
    """

    name = "timeline"
    version = 3

    def initial(self) -> list[Fact]:
        return []

    def apply(self, state: list[Fact], fact: Fact) -> None:
        if fact.event.TYPE not in _LEFT_OUT:
            state.append(fact)

    def keys(self, fact: Fact, names: Directory) -> list[int]:
        return [fact.position]

    def view(self, state: list[Fact], context: ViewContext) -> tuple[TimelineEntry, ...]:
        return self._entries(state, context, in_log_order=True)

    def items(
        self, state: list[Fact], keys: Collection[Hashable], context: ViewContext
    ) -> tuple[TimelineEntry, ...]:
        found = []
        for key in keys:
            position = int(key)  # type: ignore[call-overload]
            at = bisect_left(state, position, key=_position)
            if at < len(state) and state[at].position == position:
                found.append(state[at])
        return self._entries(found, context)

    def _entries(
        self, facts: Iterable[Fact], context: ViewContext, *, in_log_order: bool = False
    ) -> tuple[TimelineEntry, ...]:
        seen = context.visible(facts)
        # facts in log order need no position in their key: the sort keeps their order
        seen.sort(key=_span if in_log_order else timeline_key)
        return tuple(
            TimelineEntry(
                fact.event,
                fact.position,
                fact.replaced.event if fact.replaced is not None else None,
                fact.hidden_from is not None,
            )
            for fact in seen
        )

    def diff(
        self, before: tuple[TimelineEntry, ...], after: tuple[TimelineEntry, ...]
    ) -> list[Change]:
        old = {e.event_id for e in before}
        new = {e.event_id for e in after}
        found = []
        for item in after:
            if item.event_id in old:
                continue
            kind = "corrected" if item.replaces is not None else "event"
            ids = (item.event_id,) if item.replaces is None else (item.event_id, item.replaces.id)
            found.append(
                Change(
                    "timeline",
                    kind,
                    item.event_id,
                    None,
                    item.replaces,
                    item.event,
                    ids,
                    item.later_revised,
                )
            )
        replaced = {e.replaces.id for e in after if e.replaces is not None}
        for item in before:
            if item.event_id not in new and item.event_id not in replaced:
                found.append(
                    Change(
                        "timeline",
                        "retracted",
                        item.event_id,
                        None,
                        item.event,
                        None,
                        (item.event_id,),
                    )
                )
        return found


@attrs.frozen
class SourceView:
    """A source cited in the log, with its gradings and how many events it supports."""

    name: str
    gradings: tuple[str, ...]
    urls: tuple[str, ...]
    events: int
    first: datetime | None
    last: datetime | None


def _source_view(name: str, facts: list[Fact]) -> SourceView:
    events = [f.event for f in facts]
    # a heavily cited source is cited the same way again and again: the distinct
    # (grading, url) triples are few
    cited = {
        (s.reliability, s.credibility, s.url)
        for event in events
        for s in event.sources
        if s.name == name
    }
    recorded = [r for event in events if (r := event.recorded) is not None]
    return SourceView(
        name,
        tuple(sorted({f"{r}{c}" for r, c, _ in cited})),
        tuple(sorted({u for _, _, u in cited if u})),
        len(facts),
        min(recorded, default=None),
        max(recorded, default=None),
    )


class SourcesProjection(KeyedProjection[dict[str, list[Fact]], SourceView]):
    """Every source cited, with its Admiralty grading(s) and how often it is cited.

    A new source is not a change of its own in an update: the events it supports are.
    """

    name = "sources"
    version = 3

    def initial(self) -> dict[str, list[Fact]]:
        return {}

    def apply(self, state: dict[str, list[Fact]], fact: Fact) -> None:
        sources = fact.event.sources
        if len(sources) < 2:  # most events: no names to make distinct
            if sources:
                state.setdefault(sources[0].name, []).append(fact)
            return
        for name in dict.fromkeys([source.name for source in sources]):
            state.setdefault(name, []).append(fact)

    def keys(self, fact: Fact, names: Directory) -> list[str]:
        return list(dict.fromkeys(source.name for source in fact.event.sources))

    def view(self, state: dict[str, list[Fact]], context: ViewContext) -> tuple[SourceView, ...]:
        return self.items(state, state.keys(), context)

    def items(
        self, state: dict[str, list[Fact]], keys: Collection[Hashable], context: ViewContext
    ) -> tuple[SourceView, ...]:
        views = []
        for key in keys:
            facts = context.visible(state.get(key, ()))  # type: ignore[call-overload]
            if facts:
                views.append(_source_view(str(key), facts))
        views.sort(key=lambda view: view.name.casefold())
        return tuple(views)
