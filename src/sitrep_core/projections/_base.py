"""What every projection is: a fold of facts into state, and views of that state.

The fold hands each projection every event it takes as a :class:`Fact`: the event,
its log position, the moment by which it had certainly happened, and, once a later
event corrects or retracts it, the recorded moment from which it is hidden. A
projection keeps the facts it needs; its view shows those a :class:`ViewContext`
sees. So one fold of the log serves a report at any moment on either clock, and a
projection never has to take anything back out.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Hashable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import attrs

from ..model import Event
from ..model._time import LAST_INSTANT

if TYPE_CHECKING:
    from ._directory import Directory

S = TypeVar("S")
V = TypeVar("V")


def happened_by(event: Event) -> datetime:
    """The instant by which an event had certainly happened: the last instant of its
    span, or when it was recorded if that is earlier (what was reported had happened)."""
    latest = event.occurred.latest - LAST_INSTANT
    recorded = event.recorded
    return recorded if recorded is not None and recorded < latest else latest


class Fact:
    """One event as the fold saw it.

    ``hidden_from`` is the recorded moment of the first later event that corrects or
    retracts this one (None while none has); ``replaced`` is the fact this one
    corrects.
    """

    __slots__ = ("event", "hidden_from", "position", "replaced")

    def __init__(self, event: Event, position: int, replaced: Fact | None = None) -> None:
        self.event = event
        self.position = position
        self.hidden_from: datetime | None = None
        self.replaced = replaced

    @property
    def happened(self) -> datetime:
        """The instant by which the event had certainly happened (see :func:`happened_by`).

        Worked out when asked, as only a view of a past moment asks: kept, it would
        be a date-time an event."""
        return happened_by(self.event)

    @property
    def recorded(self) -> datetime | None:
        return self.event.recorded

    def __repr__(self) -> str:
        return f"Fact({self.event.TYPE} {self.event.id!r} at {self.position})"


@attrs.frozen
class ViewContext:
    """The moment a view is taken at, and the names it resolves keys with.

    ``as_of``: only what had certainly happened by then; ``known_at``: only what had
    been recorded by then (corrections and retractions count from when they were
    recorded). Either may be None: no limit.
    """

    names: Directory
    as_of: datetime | None = None
    known_at: datetime | None = None

    def sees(self, fact: Fact, *, world: bool = True) -> bool:
        """Whether ``fact`` stands at this moment (``world=False``: whatever ``as_of``
        says, for reference data such as names)."""
        known = self.known_at
        if known is None:
            if fact.hidden_from is not None:
                return False
        else:
            recorded = fact.event.recorded
            if recorded is not None and recorded > known:
                return False
            if fact.hidden_from is not None and fact.hidden_from <= known:
                return False
        return not world or self.as_of is None or fact.happened <= self.as_of

    def visible(self, facts: Iterable[Fact], *, world: bool = True) -> list[Fact]:
        """The facts that stand at this moment, in the order given."""
        if self.known_at is None and (self.as_of is None or not world):
            return [fact for fact in facts if fact.hidden_from is None]
        sees = self.sees
        return [fact for fact in facts if sees(fact, world=world)]

    def hidden_later(self, fact: Fact) -> bool:
        """Whether ``fact``, seen at this moment, was corrected or retracted afterwards."""
        return fact.hidden_from is not None


@attrs.frozen
class Ref:
    """Something a view refers to: its key, and the name readers see.

    ``name`` is None when nothing names the key (no actor, place or subject event
    defines it); renderers then describe it from ``kind`` and what they know.
    """

    key: str
    kind: str
    name: str | None = None


@attrs.frozen
class Change:
    """One thing that changed in a projection between two moments, as data.

    ``kind`` says what (``added``, ``status``, ``location``, ``split``, ``vehicles``,
    ``figure``, ``disputed``, ``stance``, ``event``, ``corrected``, ``retracted``,
    ``source``, ...); ``key`` which item (a convoy, a figure, an actor's stance on a
    subject, an event); ``subject`` a :class:`Ref` to it; ``before`` and ``after``
    the values (counts, statuses, locations, events: whatever the kind compares).
    Renderers choose the words.
    """

    projection: str
    kind: str
    key: str
    subject: Ref | None = None
    before: Any = None
    after: Any = None
    event_ids: tuple[str, ...] = ()
    later_revised: bool = False
    """The change came from an event that was corrected or retracted later."""


class Projection(ABC, Generic[S, V]):
    """A fold of facts into state, and views of that state at any moment.

    ``apply`` adds a fact to the state (cheap; called once per event of ``types``,
    in log order, whatever the report's moment). ``view`` builds the frozen,
    renderable view of the facts ``context`` sees. Bump ``version`` whenever the
    state's shape or meaning changes: saved states of another version are not used.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    types: ClassVar[frozenset[str] | None] = None
    """The event type tags this projection takes (None: every event)."""
    section: ClassVar[bool] = True
    """False when the view only feeds an export, not a section readers see."""

    @abstractmethod
    def initial(self) -> S:
        """A new, empty state."""

    @abstractmethod
    def apply(self, state: S, fact: Fact) -> None:
        """Fold one fact into the state."""

    @abstractmethod
    def view(self, state: S, context: ViewContext) -> V:
        """The frozen view of the facts ``context`` sees."""

    def diff(self, before: V, after: V) -> list[Change]:
        """What changed between two views (none by default)."""
        return []


class KeyedProjection(Projection[S, tuple[V, ...]]):
    """A projection whose view is a tuple of items, each about one key (a convoy, a
    figure, an actor's stance on a subject, an event), and which can build the items
    of a few keys without the rest.

    A dated update then costs what the minute's facts touched, not the whole view: the
    report asks which keys those facts touch (:meth:`keys`) and compares the items of
    those keys (:meth:`items`) before and after the minute.
    """

    @abstractmethod
    def keys(self, fact: Fact, names: Directory) -> Iterable[Hashable]:
        """The keys of the items ``fact`` is part of."""

    @abstractmethod
    def items(self, state: S, keys: Collection[Hashable], context: ViewContext) -> tuple[V, ...]:
        """The view's items of ``keys`` (those that exist at the moment), in view order."""
