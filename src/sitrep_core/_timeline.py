"""The timeline of events, and the sources they cite."""

from __future__ import annotations

from collections import defaultdict

import attrs

from ._events import (
    Event,
)
from ._projections import EventSetProjection, Held, headline_of, in_order, recorded_iso
from ._replay import Change, ViewContext

_NOT_EVENTS = frozenset({"retraction", "actor", "place"})


@attrs.frozen
class TimelineEntry:
    occurred: str
    type: str
    headline: str
    event_id: str
    position: int
    recorded: str | None
    sources: tuple[str, ...]
    corrects: str | None = None


class TimelineProjection(EventSetProjection):
    """Every event in the order it happened, with a one-line headline.

    Retractions and reference data (actors, places) are not shown: they change
    what we know or what we call things, not what happened.
    """

    name = "timeline"
    version = 1

    def keeps(self, event: Event) -> bool:
        return event.TYPE not in _NOT_EVENTS

    def view(self, state: Held, context: ViewContext) -> tuple[TimelineEntry, ...]:
        return tuple(
            TimelineEntry(
                e.occurred.text,
                e.TYPE,
                headline_of(e, context.names),
                e.id,
                position,
                recorded_iso(e),
                tuple(s.name for s in e.sources),
                e.corrects,
            )
            for position, e in in_order(state)
        )

    def diff(
        self, before: tuple[TimelineEntry, ...], after: tuple[TimelineEntry, ...]
    ) -> list[Change]:
        old = {e.event_id for e in before}
        new = {e.event_id for e in after}
        found = [
            Change(
                "timeline",
                "event",
                e.event_id,
                f"{e.occurred}: {e.headline}",
                event_ids=(e.event_id,),
            )
            for e in after
            if e.event_id not in old
        ]
        corrected = {e.corrects: e for e in after if e.corrects and e.event_id not in old}
        for e in before:
            if e.event_id in new:
                continue
            by = corrected.get(e.event_id)
            if by is not None:
                summary = (
                    f"Corrected: {e.headline} ({e.occurred}) is now {by.headline} ({by.occurred})"
                )
                found.append(
                    Change(
                        "timeline",
                        "corrected",
                        e.event_id,
                        summary,
                        event_ids=(e.event_id, by.event_id),
                    )
                )
            else:
                summary = f"Withdrawn: {e.headline}"
                found.append(
                    Change("timeline", "retracted", e.event_id, summary, event_ids=(e.event_id,))
                )
        return found


@attrs.frozen
class SourceView:
    """A source cited in the log, its gradings and the events it supports."""

    name: str
    gradings: tuple[str, ...]
    urls: tuple[str, ...]
    events: tuple[str, ...]


class SourcesProjection(EventSetProjection):
    """Every source cited, with its Admiralty grading(s) and the events it supports."""

    name = "sources"
    version = 1

    def keeps(self, event: Event) -> bool:
        return bool(event.sources)

    def view(self, state: Held, context: ViewContext) -> tuple[SourceView, ...]:
        gradings: dict[str, set[str]] = defaultdict(set)
        urls: dict[str, set[str]] = defaultdict(set)
        events: dict[str, list[str]] = defaultdict(list)
        for _, event in in_order(state):
            for source in event.sources:
                gradings[source.name].add(source.grading)
                if source.url:
                    urls[source.name].add(source.url)
                events[source.name].append(event.id)
        return tuple(
            SourceView(
                name,
                tuple(sorted(gradings[name])),
                tuple(sorted(urls[name])),
                tuple(events[name]),
            )
            for name in sorted(events, key=str.casefold)
        )

    def diff(self, before: tuple[SourceView, ...], after: tuple[SourceView, ...]) -> list[Change]:
        old = {s.name for s in before}
        return [
            Change("sources", "source", s.name, f"New source: {s.name} ({', '.join(s.gradings)})")
            for s in after
            if s.name not in old
        ]
