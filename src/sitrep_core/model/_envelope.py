"""What every event carries: identity, two clocks, graded sources, revision links.

The built-in types and plugins' types all derive from :class:`Event`. A type's
``TYPE`` tag is what a stored line says (never the class name), and its ``VERSION``
lets the codec lift older lines.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

import attrs

from ..errors import ValidationError
from ._time import FuzzyTime
from ._values import Count, Source

MAX_ID_LENGTH = 200

ENVELOPE_FIELDS = frozenset(
    {
        "id",
        "occurred",
        "recorded",
        "sources",
        "corrects",
        "retracts",
        "notes",
        "tags",
        "attribution",
    }
)
"""The fields every event has; the others are its type's own."""


def new_event_id() -> str:
    """A time-ordered unique id (UUIDv7, RFC 9562), so ids sort roughly by creation."""
    make = getattr(uuid, "uuid7", None)  # stdlib from Python 3.14
    if make is not None:
        return str(make())
    ms = time.time_ns() // 1_000_000
    raw = bytearray(ms.to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def _to_fuzzy(value: FuzzyTime | str) -> FuzzyTime:
    return value if isinstance(value, FuzzyTime) else FuzzyTime.parse(value)


# Typed converters rather than ``tuple``: a type checker then takes any iterable of
# the right items for these fields (with ``tuple`` it could not tell which items).
def _sources(values: Iterable[Source]) -> tuple[Source, ...]:
    return tuple(values)


def _tags(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _to_recorded(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                f"{value!r} is not an ISO 8601 date-time such as 2017-08-30T16:50:00Z",
                field="recorded",
            ) from None
    if not isinstance(value, datetime):
        raise ValidationError(f"must be a date-time, not {value!r}", field="recorded")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        value.astimezone(UTC)  # stored in UTC: it must be a moment UTC can name
    except OverflowError:
        raise ValidationError(
            f"{value.isoformat()} is outside the years 1-9999 in UTC", field="recorded"
        ) from None
    return value


def _check_id(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None and attribute.name != "id":
        return
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH:
        raise ValidationError(
            f"an event id is a string of 1-{MAX_ID_LENGTH} characters", field=attribute.name
        )
    if not value.isprintable() or value != value.strip():
        raise ValidationError(
            "an event id may not hold control characters or surrounding spaces",
            field=attribute.name,
        )


def names(value: Any) -> tuple[str, ...]:
    """A field of names: one string, or a list of them."""
    if isinstance(value, str):
        return (value,)
    return tuple(value)


class _Empty(dict[str, Any]):
    """The empty mapping most events leave a field at (no attribution, no vehicles),
    one object for all of them: an empty dict an event is 64 bytes. Since every
    event shares it, it refuses to be changed."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("an event's fields cannot be changed")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse


_EMPTY: dict[str, Any] = _Empty()


def counts(value: Any) -> dict[str, Count]:
    if isinstance(value, dict) and not value:
        return _EMPTY
    return dict(value)


def _attribution(value: Any) -> dict[str, tuple[str, ...]]:
    if isinstance(value, dict) and not value:
        return _EMPTY
    return {key: names(sources) for key, sources in dict(value).items()}


@attrs.frozen(kw_only=True)
class Event:
    """What every event carries: identity, two clocks, sources and revision links.

    ``occurred`` is when it happened, at the precision known; ``recorded`` is when
    it was learnt (the store sets it when left empty). ``corrects`` names an earlier
    event this one replaces; ``retracts`` one it withdraws. ``attribution`` says
    which of the event's sources gave which of its values (``{"fighters":
    ["reports"], "vehicles": ["Hezbollah officials"]}``); a value it does not name
    is credited to every source of the event.
    """

    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1

    id: str = attrs.field(factory=new_event_id, validator=_check_id)
    occurred: FuzzyTime = attrs.field(converter=_to_fuzzy)
    recorded: datetime | None = attrs.field(default=None, converter=_to_recorded)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=_sources)
    corrects: str | None = attrs.field(default=None, validator=_check_id)
    retracts: str | None = attrs.field(default=None, validator=_check_id)
    notes: str | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    attribution: dict[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_attribution, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if self.corrects is not None and self.retracts is not None:
            raise ValidationError(
                "an event either corrects or retracts, not both", field="retracts"
            )
        if self.id in (self.corrects, self.retracts):
            raise ValidationError("an event cannot revise itself", field="corrects")
        if self.attribution:
            self._check_attribution()

    def _check_attribution(self) -> None:
        own = {f.name: f for f in attrs.fields(type(self)) if f.name not in ENVELOPE_FIELDS}
        cited = {source.name for source in self.sources}

        def given(name: str) -> bool:
            # a flag left at False (a strike not said to be unclaimed) is no value
            value = getattr(self, name)
            return value not in (None, (), {}) and not (
                value is False and own[name].default is False
            )

        for key, given_by in self.attribution.items():
            where = f"attribution.{key}"
            field, _, part = key.partition(".")
            if field not in own or not given(field):
                known = ", ".join(n for n in own if given(n))
                raise ValidationError(
                    f"{key!r} is not a value of this event; it has: {known or 'none'}",
                    field=where,
                )
            value = getattr(self, field)
            if part and not (isinstance(value, dict) and part in value):
                raise ValidationError(f"{field} has no {part!r}", field=where)
            if not given_by:
                raise ValidationError("name at least one of the event's sources", field=where)
            for index, name in enumerate(given_by):
                if name not in cited:
                    raise ValidationError(
                        f"{name!r} is not one of this event's sources "
                        f"({', '.join(sorted(cited)) or 'it lists none'})",
                        field=f"{where}[{index}]",
                    )

    def sources_of(self, field: str) -> tuple[Source, ...]:
        """The sources that gave the value of ``field`` (``vehicles.bus`` for one part):
        those ``attribution`` names for it, or for the field it is part of; else all."""
        given = self.attribution.get(field)
        if given is None and "." in field:
            given = self.attribution.get(field.partition(".")[0])
        if given is None:
            return self.sources
        return tuple(source for source in self.sources if source.name in given)

    @property
    def stream(self) -> str:
        """The stream the event belongs to: ``<type>:<id>`` unless the type says otherwise.

        Writers who decide from what a stream holds append with its version as
        expected (see ``EventLog.append``). An event that corrects or retracts
        another is stored in the stream of the event it revises, whatever this says.
        """
        return f"{self.TYPE}:{self.id}"

    @property
    def headline(self) -> str:
        """One plain line saying what happened, for event types that phrase themselves.

        Reports phrase the built-in types in their renderers; an event type from a
        plugin says how it reads by overriding :meth:`describe` (or this property).
        """
        return self.describe()

    def describe(self, name: Callable[[str], str] = str) -> str:
        """The headline, with actor and place references spelled by ``name``."""
        return self.TYPE.replace("-", " ").capitalize()

    def mentions(self) -> Iterable[str]:
        """Every actor, place or subject key this event names (for search and maps)."""
        return ()
