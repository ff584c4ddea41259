"""The timeline of events, and the sources they cite."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from typing import Any

import attrs

from ..model._events import (
    Event,
)
from ._base import Change, ViewContext
from ._indexed import (
    IndexedProjection,
    Ordered,
    changed_span,
    headline_of,
    order_key,
    recorded_iso,
)

_POSITION = (1 << 64) - 1

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


@attrs.frozen
class TimelineFacts:
    """What a report needs of the whole timeline without reading every entry."""

    recorded_minutes: tuple[str, ...]
    """The distinct minutes (``YYYY-MM-DDTHH:MM``) at which the entries were recorded."""
    period_start: str | None
    """The earliest known start of an entry's date, as written."""
    period_end: str | None
    """The latest known end of an entry's date, as written."""


def span_start(occurred: str) -> str:
    """The known start of a date as written (an open start falls back to the end)."""
    first, _, last = occurred.partition("/")
    return (last if first in ("", "..") else first).rstrip("~?%")


def span_end(occurred: str) -> str:
    """The known end of a date as written (an open end falls back to the start)."""
    first, _, last = occurred.partition("/")
    return (first if last in ("", "..") else last).rstrip("~?%")


class _Facts:
    """Counts of the recorded minutes and of the dates' starts and ends, so a report
    knows them without a pass over every entry."""

    __slots__ = ("ends", "minute_list", "minutes", "period", "starts")

    def __init__(self) -> None:
        self.minutes: Counter[str] = Counter()
        self.minute_list: list[str] = []
        self.starts: Counter[str] = Counter()
        self.ends: Counter[str] = Counter()
        self.period: tuple[str | None, str | None] | None = (None, None)

    def add(self, event: Event) -> None:
        recorded = recorded_iso(event)
        if recorded:
            minute = recorded[:16]
            if not self.minutes[minute]:
                insort(self.minute_list, minute)
            self.minutes[minute] += 1
        start, end = span_start(event.occurred.text), span_end(event.occurred.text)
        self.starts[start] += 1
        self.ends[end] += 1
        if self.period is not None:
            first, last = self.period
            self.period = (
                start if first is None or start < first else first,
                end if last is None or end > last else last,
            )

    def remove(self, event: Event) -> None:
        recorded = recorded_iso(event)
        if recorded:
            minute = recorded[:16]
            self.minutes[minute] -= 1
            if not self.minutes[minute]:
                del self.minutes[minute]
                del self.minute_list[bisect_left(self.minute_list, minute)]
        start, end = span_start(event.occurred.text), span_end(event.occurred.text)
        for counts, value in ((self.starts, start), (self.ends, end)):
            counts[value] -= 1
            if not counts[value]:
                del counts[value]
                if self.period is not None and value in self.period:
                    self.period = None  # the earliest start or latest end went: find the next


class _Timeline:
    """The timeline's index: entries in order; the facts once a report asked for them."""

    __slots__ = ("facts", "order", "view")

    def __init__(self) -> None:
        self.order: Ordered[TimelineEntry] = Ordered()
        self.facts: _Facts | None = None
        self.view: tuple[Any, tuple[TimelineEntry, ...]] | None = None


class TimelineProjection(IndexedProjection[tuple[TimelineEntry, ...]]):
    """Every event in the order it happened, with a one-line headline.

    Retractions and reference data (actors, places) are not shown: they change
    what we know or what we call things, not what happened.
    """

    name = "timeline"
    version = 1

    def keeps(self, event: Event) -> bool:
        return event.TYPE not in _NOT_EVENTS

    def new_index(self) -> _Timeline:
        return _Timeline()

    def index_add(self, index: _Timeline, event: Event, position: int) -> None:
        index.order.add(order_key(event, position), event)
        index.view = None
        if index.facts is not None:
            index.facts.add(event)

    def index_remove(self, index: _Timeline, event: Event, position: int) -> None:
        if index.order.remove(order_key(event, position)):
            index.view = None
            if index.facts is not None:
                index.facts.remove(event)

    def index_view(self, index: _Timeline, context: ViewContext) -> tuple[TimelineEntry, ...]:
        names = context.names
        if index.view is not None and index.view[0] is names:
            return index.view[1]

        def entry(e: Event, key: int) -> TimelineEntry:
            return TimelineEntry(
                e.occurred.text,
                e.TYPE,
                headline_of(e, names),
                e.id,
                key & _POSITION,
                recorded_iso(e),
                tuple([s.name for s in e.sources]),
                e.corrects,
            )

        view = tuple(index.order.items(entry, names))
        index.view = (names, view)
        return view

    def facts(self, state: Any, context: ViewContext) -> TimelineFacts:
        """The recorded minutes and the period of the timeline ``state`` holds."""
        self.view(state, context)  # builds the index when there is none yet
        index: _Timeline = state.index
        facts = index.facts
        if facts is None:
            facts = index.facts = _Facts()
            for event in index.order.events():
                facts.add(event)
        if facts.period is None:
            facts.period = (min(facts.starts, default=None), max(facts.ends, default=None))
        return TimelineFacts(tuple(facts.minute_list), *facts.period)

    def diff(
        self, before: tuple[TimelineEntry, ...], after: tuple[TimelineEntry, ...]
    ) -> list[Change]:
        start, stop_before, stop_after = changed_span(before, after)
        before, after = before[start:stop_before], after[start:stop_after]
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
    events_omitted: int = 0
    """Earlier events a report leaves out of ``events`` (it keeps the latest)."""


class _Source:
    __slots__ = ("gradings", "order", "urls", "view")

    def __init__(self) -> None:
        self.order: Ordered[str] = Ordered()
        self.gradings: Counter[str] = Counter()
        self.urls: Counter[str] = Counter()
        self.view: SourceView | None = None


class _Sources:
    __slots__ = ("by_name", "view")

    def __init__(self) -> None:
        self.by_name: dict[str, _Source] = {}
        self.view: tuple[SourceView, ...] | None = None


def _event_id(event: Event, _key: int) -> str:
    return event.id


class SourcesProjection(IndexedProjection[tuple[SourceView, ...]]):
    """Every source cited, with its Admiralty grading(s) and the events it supports."""

    name = "sources"
    version = 1

    def keeps(self, event: Event) -> bool:
        return bool(event.sources)

    def new_index(self) -> _Sources:
        return _Sources()

    def index_add(self, index: _Sources, event: Event, position: int) -> None:
        key = order_key(event, position) << 16
        for number, source in enumerate(event.sources):
            found = index.by_name.get(source.name)
            if found is None:
                found = index.by_name[source.name] = _Source()
            found.order.add(key | number, event)
            found.gradings[source.grading] += 1
            if source.url:
                found.urls[source.url] += 1
            found.view = None
        index.view = None

    def index_remove(self, index: _Sources, event: Event, position: int) -> None:
        key = order_key(event, position) << 16
        for number, source in enumerate(event.sources):
            found = index.by_name.get(source.name)
            if found is None or not found.order.remove(key | number):
                continue
            for counts, value in ((found.gradings, source.grading), (found.urls, source.url)):
                if value:
                    counts[value] -= 1
                    if not counts[value]:
                        del counts[value]
            if not found.order:
                del index.by_name[source.name]
            found.view = None
            index.view = None

    def index_view(self, index: _Sources, context: ViewContext) -> tuple[SourceView, ...]:
        if index.view is not None:
            return index.view
        views = []
        for name, found in index.by_name.items():
            if found.view is None:
                found.view = SourceView(
                    name,
                    tuple(sorted(found.gradings)),
                    tuple(sorted(found.urls)),
                    tuple(found.order.items(_event_id)),
                )
            views.append((name.casefold(), found.order.first_key(), found.view))
        views.sort(key=lambda item: item[:2])
        index.view = tuple(view for _, _, view in views)
        return index.view

    def diff(self, before: tuple[SourceView, ...], after: tuple[SourceView, ...]) -> list[Change]:
        old = {s.name for s in before}
        return [
            Change("sources", "source", s.name, f"New source: {s.name} ({', '.join(s.gradings)})")
            for s in after
            if s.name not in old
        ]
