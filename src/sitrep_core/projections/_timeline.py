"""The timeline of what happened, and the sources the log cites."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import attrs

from ..model import REFERENCE_TYPES, Event
from ._base import Change, Fact, Projection, ViewContext
from ._order import timeline_key


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


class TimelineProjection(Projection[list[Fact], tuple[TimelineEntry, ...]]):
    """Every event in the order it happened.

    Retractions and reference data (actors, places, subjects) are left out: they
    change what we know or what we call things, not what happened.
    """

    name = "timeline"
    version = 2

    def initial(self) -> list[Fact]:
        return []

    def apply(self, state: list[Fact], fact: Fact) -> None:
        if fact.event.TYPE not in REFERENCE_TYPES and fact.event.TYPE != "retraction":
            state.append(fact)

    def view(self, state: list[Fact], context: ViewContext) -> tuple[TimelineEntry, ...]:
        seen = context.visible(state)
        seen.sort(key=timeline_key)
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


class SourcesProjection(Projection[list[Fact], tuple[SourceView, ...]]):
    """Every source cited, with its Admiralty grading(s) and how often it is cited."""

    name = "sources"
    version = 2

    def initial(self) -> list[Fact]:
        return []

    def apply(self, state: list[Fact], fact: Fact) -> None:
        if fact.event.sources:
            state.append(fact)

    def view(self, state: list[Fact], context: ViewContext) -> tuple[SourceView, ...]:
        gradings: dict[str, Counter[str]] = {}
        urls: dict[str, Counter[str]] = {}
        counts: Counter[str] = Counter()
        first: dict[str, datetime | None] = {}
        last: dict[str, datetime | None] = {}
        for fact in context.visible(state):
            recorded = fact.event.recorded
            for source in fact.event.sources:
                name = source.name
                gradings.setdefault(name, Counter())[source.grading] += 1
                if source.url:
                    urls.setdefault(name, Counter())[source.url] += 1
                counts[name] += 1
                if recorded is not None:
                    if first.get(name) is None or recorded < first[name]:  # type: ignore[operator]
                        first[name] = recorded
                    if last.get(name) is None or recorded > last[name]:  # type: ignore[operator]
                        last[name] = recorded
        return tuple(
            SourceView(
                name,
                tuple(sorted(gradings[name])),
                tuple(sorted(urls.get(name, ()))),
                counts[name],
                first.get(name),
                last.get(name),
            )
            for name in sorted(counts, key=str.casefold)
        )

    def diff(self, before: tuple[SourceView, ...], after: tuple[SourceView, ...]) -> list[Change]:
        old = {s.name for s in before}
        return [
            Change("sources", "source", s.name, None, None, s) for s in after if s.name not in old
        ]
