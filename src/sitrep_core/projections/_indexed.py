"""What the built-in projections share: a state that is the set of events they use.

Each keeps the events it uses keyed by id (so a revision takes one back out, and
arrival order does not matter) and works out its view from them on demand.
"""

from __future__ import annotations

from abc import abstractmethod
from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from ..codec._codec import Codec
from ..model._events import (
    Event,
)
from ..model._time import MIN_TIME, FuzzyTime
from ._base import Projection, ViewContext

V = TypeVar("V")

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


_ISO: dict[datetime, str] = {}


def recorded_iso(event: Event) -> str | None:
    recorded = event.recorded
    if recorded is None:
        return None
    text = _ISO.get(recorded)
    if text is None or recorded.tzinfo is not UTC:  # equal moments in other zones read apart
        text = recorded.isoformat()
        text = text[:-6] + "Z" if text.endswith("+00:00") else text
        if recorded.tzinfo is UTC:
            if len(_ISO) >= 1 << 14:
                _ISO.clear()
            _ISO[recorded] = text
    return text


def headline_of(event: Event, names: Any) -> str:
    """An event's headline with names resolved through the directory ``names``.

    Types that define only ``headline`` (not ``describe``) keep their own words.
    """
    if names is None or type(event).describe is Event.describe:
        return event.headline
    return event.describe(names.display)


# -- incremental state ---------------------------------------------------------------
#
# The built-in projections keep the events they use (``held``), and from their first
# view on, an index kept up to date by every apply and revoke: events in the order a
# view lists them, and the pieces of the view already built. A view after one new
# event then rebuilds only what that event touched, so re-rendering a large log is
# cheap, while a cold replay pays for the index once, at its first view.

_US = timedelta(microseconds=1)
_KEY_BASES: dict[str, tuple[int, int]] = {}


def _bases(span: FuzzyTime) -> tuple[int, int]:
    """The high bits of the two orderings' keys: (earliest, latest) and (middle, latest),
    each moment in microseconds from year 1 (60 bits), above 64 bits for the position."""
    found = _KEY_BASES.get(span.text)
    if found is None:
        if len(_KEY_BASES) >= 1 << 16:
            _KEY_BASES.clear()
        earliest = (span.earliest - MIN_TIME) // _US
        latest = (span.latest - MIN_TIME) // _US
        middle = (span.earliest + (span.latest - span.earliest) / 2 - MIN_TIME) // _US
        found = _KEY_BASES[span.text] = (
            (earliest << 60 | latest) << 64,
            (middle << 60 | latest) << 64,
        )
    return found


def order_key(event: Event, position: int) -> int:
    """An integer that sorts as :func:`in_order` does: earliest moment, span end, position."""
    return _bases(event.occurred)[0] | position


def latest_key(event: Event, position: int) -> int:
    """An integer that sorts as :func:`latest_last` does: middle of span, end, position."""
    return _bases(event.occurred)[1] | position


T = TypeVar("T")


class Ordered(Generic[T]):
    """Events kept sorted by an integer key, with a view item built for each on demand.

    Adding after the last key is an append; other additions are settled at the next
    read, one by one when few (cheap near the end), by one sort when many. Items are
    built for the names a view resolves with; other names rebuild them all.
    """

    __slots__ = ("_built", "_events", "_fresh", "_keys", "_names", "_sorted")

    _FEW = 4096

    def __init__(self) -> None:
        self._keys: list[int] = []
        self._events: list[Event] = []
        self._built: list[T | None] = []
        self._sorted = 0  # _keys[:_sorted] are in order; the rest were appended since
        self._fresh: list[int] | None = []  # keys added since items were built; None: many
        self._names: Any = None

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: int, event: Event) -> None:
        keys = self._keys
        if self._sorted == len(keys) and (not keys or keys[-1] < key):
            self._sorted += 1
        keys.append(key)
        self._events.append(event)
        self._built.append(None)
        if self._fresh is not None:
            self._fresh.append(key)
            if len(self._fresh) > self._FEW:
                self._fresh = None

    def remove(self, key: int) -> bool:
        """Take out the event of ``key``; False when it is not here."""
        self._settle()
        index = bisect_left(self._keys, key)
        if index == len(self._keys) or self._keys[index] != key:
            return False
        del self._keys[index], self._events[index], self._built[index]
        self._sorted -= 1
        return True

    def _settle(self) -> None:
        keys, count, done = self._keys, len(self._keys), self._sorted
        if done == count:
            return
        if count - done <= 64 or (count - done) * 32 <= count:
            events, built = self._events, self._built
            tail = sorted(zip(keys[done:], events[done:], built[done:], strict=True))
            del keys[done:], events[done:], built[done:]
            for key, event, item in tail:  # keys are unique: events are never compared
                index = bisect_left(keys, key)
                keys.insert(index, key)
                events.insert(index, event)
                built.insert(index, item)
        else:
            order = sorted(range(count), key=keys.__getitem__)
            self._keys = [keys[i] for i in order]
            self._events = [self._events[i] for i in order]
            self._built = [self._built[i] for i in order]
        self._sorted = count

    def keys(self) -> list[int]:
        """The keys in order (the list itself: do not change it)."""
        self._settle()
        return self._keys

    def events(self) -> list[Event]:
        """The events in key order (the list itself: do not change it)."""
        self._settle()
        return self._events

    def first_key(self) -> int | None:
        self._settle()
        return self._keys[0] if self._keys else None

    def items(self, build: Callable[[Event, int], T], names: Any = None) -> list[T]:
        """The items in key order, built by ``build(event, key)`` where not yet built
        for ``names`` (the list itself: copy it into the view)."""
        self._settle()
        keys, events, built = self._keys, self._events, self._built
        fresh = self._fresh
        if names is not self._names:
            self._names = names
            for index, event in enumerate(events):
                built[index] = build(event, keys[index])
        elif fresh is None:
            for index, item in enumerate(built):
                if item is None:
                    built[index] = build(events[index], keys[index])
        else:
            for key in fresh:
                index = bisect_left(keys, key)
                if index < len(keys) and keys[index] == key and built[index] is None:
                    built[index] = build(events[index], key)
        self._fresh = []
        return built  # type: ignore[return-value]


class Indexed:
    """A built-in projection's state: the events it uses by id, and its index (None
    until the first view builds it)."""

    __slots__ = ("held", "index")

    def __init__(self, held: Held | None = None) -> None:
        self.held: Held = held if held is not None else {}
        self.index: Any = None


class IndexedProjection(Projection[Indexed, V]):
    """A projection whose state is the set of events it uses, with an incremental index.

    Subclasses say which events they use (:meth:`keeps`), how an index is made, how an
    event goes in and out of it, and how a view is built from it.
    """

    types: ClassVar[frozenset[str] | None] = None
    """Type tags kept; None keeps every event."""
    routes_by_type: ClassVar[bool] = True
    """:meth:`keeps` takes no type outside ``types``: replay sends it no other."""

    def initial(self) -> Indexed:
        return Indexed()

    def keeps(self, event: Event) -> bool:
        return self.types is None or event.TYPE in self.types

    def apply(self, state: Indexed, event: Event, position: int) -> None:
        if not self.keeps(event):
            return
        if event.id in state.held:
            self.revoke(state, event.id)
        state.held[event.id] = (position, event)
        if state.index is not None:
            self.index_add(state.index, event, position)

    def revoke(self, state: Indexed, event_id: str) -> None:
        found = state.held.pop(event_id, None)
        if found is not None and state.index is not None:
            self.index_remove(state.index, found[1], found[0])

    def view(self, state: Indexed, context: ViewContext) -> V:
        if state.index is None:
            index = self.new_index()
            for position, event in state.held.values():
                self.index_add(index, event, position)
            state.index = index
        return self.index_view(state.index, context)

    @abstractmethod
    def new_index(self) -> Any:
        """An empty index."""

    @abstractmethod
    def index_add(self, index: Any, event: Event, position: int) -> None:
        """Put a kept event into the index."""

    @abstractmethod
    def index_remove(self, index: Any, event: Event, position: int) -> None:
        """Take a kept event out of the index."""

    @abstractmethod
    def index_view(self, index: Any, context: ViewContext) -> V:
        """The view, from the index (reusing what did not change)."""

    def dump(self, state: Indexed, codec: Codec) -> Any:
        return [[position, codec.to_dict(event)] for position, event in state.held.values()]

    def load(self, data: Any, codec: Codec) -> Indexed:
        events = ((position, codec.from_stored(item)) for position, item in data)
        return Indexed({event.id: (position, event) for position, event in events})


def changed_span(before: Sequence[T], after: Sequence[T]) -> tuple[int, int, int]:
    """Where two views of items with unique keys, in the same order, differ:
    ``(start, stop_before, stop_after)``, the items outside being the same.

    Views after a few new events share almost every item, often the very objects, so
    this costs a few comparisons and two C-level slice comparisons.
    """
    shortest = min(len(before), len(after))
    low, high = 0, shortest
    while low < high:
        middle = (low + high) // 2
        if before[middle] is after[middle]:
            low = middle + 1
        else:
            high = middle
    start = low if before[:low] == after[:low] else 0
    low, high = 0, shortest - start
    while low < high:
        middle = (low + high) // 2
        if before[len(before) - 1 - middle] is after[len(after) - 1 - middle]:
            low = middle + 1
        else:
            high = middle
    if low and before[len(before) - low :] != after[len(after) - low :]:
        low = 0
    return start, len(before) - low, len(after) - low
