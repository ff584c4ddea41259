"""What the built-in projections share: a state that is the set of events they use.

Each keeps the events it uses keyed by id (so a revision takes one back out, and
arrival order does not matter) and works out its view from them on demand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from ._codec import Codec
from ._events import (
    Event,
)
from ._replay import Projection

Held = dict[str, tuple[int, Event]]
"""A projection's state: the events it uses, by id, with their log positions."""


class EventSetProjection(Projection[Held, Any]):
    """A projection whose state is the set of events of some types; views derive from it."""

    types: ClassVar[frozenset[str] | None] = None
    """Type tags kept; None keeps every event."""

    def initial(self) -> Held:
        return {}

    def keeps(self, event: Event) -> bool:
        return self.types is None or event.TYPE in self.types

    def apply(self, state: Held, event: Event, position: int) -> None:
        if self.keeps(event):
            state[event.id] = (position, event)

    def revoke(self, state: Held, event_id: str) -> None:
        state.pop(event_id, None)

    def dump(self, state: Held, codec: Codec) -> Any:
        return [[position, codec.to_dict(event)] for position, event in state.values()]

    def load(self, data: Any, codec: Codec) -> Held:
        events = ((position, codec.from_dict(item)) for position, item in data)
        return {event.id: (position, event) for position, event in events}


def in_order(state: Held) -> list[tuple[int, Event]]:
    """Held events as a timeline lists them: by earliest possible moment, then span end."""
    return sorted(state.values(), key=lambda item: (item[1].occurred.sort_key, item[0]))


def latest_last(state: Held) -> list[tuple[int, Event]]:
    """Held events in the order that decides what holds *now*: by the middle of their span
    (the expected moment), then its end, then position. So a report spanning 28 Aug-2 Sep
    counts as newer than one of 29 Aug, and 18:00 on a day as newer than that whole day."""
    return sorted(
        state.values(), key=lambda item: (_middle(item[1]), item[1].occurred.latest, item[0])
    )


def _middle(event: Event) -> datetime:
    span = event.occurred
    return span.earliest + (span.latest - span.earliest) / 2


def recorded_iso(event: Event) -> str | None:
    if event.recorded is None:
        return None
    text = event.recorded.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def headline_of(event: Event, names: Any) -> str:
    """An event's headline with names resolved through the directory ``names``.

    Types that define only ``headline`` (not ``describe``) keep their own words.
    """
    if names is None or type(event).describe is Event.describe:
        return event.headline
    return event.describe(names.display)
