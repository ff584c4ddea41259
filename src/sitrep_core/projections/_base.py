"""What every projection is: a fold of events into state, and a view of that state."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from ..codec._codec import Codec
from ..model._events import Event

S = TypeVar("S")
V = TypeVar("V")


@attrs.frozen
class Change:
    """One thing that changed in a projection between two moments.

    ``kind`` says what (``added``, ``status``, ``position``, ``stance``, ``figure``,
    ``split``, ``strike``, ``aid``, ``event``, ``source``); ``key`` says about what
    (a convoy id, ``actor/subject``, a figure key, an event id).
    """

    projection: str
    kind: str
    key: str
    summary: str
    before: str | None = None
    after: str | None = None
    event_ids: tuple[str, ...] = ()


@attrs.frozen
class ViewContext:
    """What a projection may consult when it builds its view: names and moments."""

    names: Any
    """The :class:`Directory` of actors and places, for resolving aliases."""
    as_of: datetime | None = None
    known_at: datetime | None = None


class Projection(ABC, Generic[S, V]):
    """A fold of events into state, and a frozen view of that state.

    ``apply`` mutates the state in place (cheap); ``revoke`` takes an event's
    contribution back out (for corrections and retractions). The state must not
    depend on the order of events with distinct ``occurred`` times. Bump
    ``version`` whenever the state's shape or meaning changes: checkpoints of
    another version are ignored.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    follows_as_of: ClassVar[bool] = True
    """False for reference data that holds whatever the moment (actors, places)."""
    section: ClassVar[bool] = True
    """False when the view only feeds a renderer (an export), not a section a reader sees:
    it then stays out of the Markdown, HTML and JSON reports but is in ``Report.extra``."""

    @abstractmethod
    def initial(self) -> S:
        """A new, empty state."""

    @abstractmethod
    def apply(self, state: S, event: Event, position: int) -> None:
        """Fold one event into the state (ignore types this projection does not use)."""

    @abstractmethod
    def revoke(self, state: S, event_id: str) -> None:
        """Take an event's contribution out of the state (no-op when it made none)."""

    @abstractmethod
    def view(self, state: S, context: ViewContext) -> V:
        """The frozen, renderable view of the state."""

    def diff(self, before: V, after: V) -> list[Change]:
        """What changed between two views (empty by default)."""
        return []

    @abstractmethod
    def dump(self, state: S, codec: Codec) -> Any:
        """The state as JSON-compatible data, for checkpoints."""

    @abstractmethod
    def load(self, data: Any, codec: Codec) -> S:
        """The state back from :meth:`dump`'s data."""
