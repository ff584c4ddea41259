"""Equal values decoded once and shared: the one speed-up of reading a log.

A log repeats itself: the same sources, counts, locations, recorded moments and
names recur on line after line. Frozen values can be shared safely, so each distinct
one is built (and checked, like any input) the first time its JSON is seen, and the
same object is handed out after that. It costs a dictionary lookup instead of a
construction, and a log's events hold one copy of each repeated value.

The table belongs to one :class:`~sitrep_core.Codec` (an explicit object, not module
state) and is bounded: past its limit it starts over. A replay empties it once it has
read the log (:meth:`SharedValues.clear`): the values live on in the events that hold
them, and the keys, each value's JSON, would only take memory the views can use.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

SHORT = 80
"""Strings up to this long are interned: keys, names, statuses, tags recur."""


def shared_string(value: str) -> str:
    """The one copy of a short string that recurs (a key, a status, a name)."""
    return sys.intern(value) if len(value) <= SHORT else value


def _frozen(data: Any) -> Any:
    """JSON data as a hashable key (an object's keys in order: equal objects as JSON
    writes them compare equal; a reordered one is only a second entry). A string or
    null stands for itself (nothing else equals it); a number is tagged with its type:
    1 and True and 1.0 are equal in Python, not in JSON."""
    kind = type(data)
    if kind is str or data is None:
        return data
    if kind is dict:
        return tuple(
            [(key, value if type(value) is str else _frozen(value)) for key, value in data.items()]
        )
    if kind is list:
        return (list, *map(_frozen, data))
    return (kind, data)


class SharedValues:
    """Values built from JSON, by their JSON, so that equal ones are one object."""

    def __init__(self, limit: int = 1 << 15) -> None:
        self.limit = limit
        self._values: dict[tuple[Any, Any], Any] = {}

    def __len__(self) -> int:
        """How many values the table holds."""
        return len(self._values)

    def clear(self) -> None:
        """Forget every value (those already handed out are not changed): the next
        read builds its own again."""
        self._values.clear()

    def get(self, kind: Any, data: Any, build: Callable[[Any], T]) -> T:
        """The value ``build(data)`` makes, built once for each distinct ``data``."""
        key = (kind, _frozen(data))
        found: T | None = self._values.get(key)
        if found is None:
            found = build(data)
            if len(self._values) >= self.limit:
                self._values.clear()
            self._values[key] = found
        return found
