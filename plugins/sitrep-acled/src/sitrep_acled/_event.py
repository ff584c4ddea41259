"""An ACLED event kept as ACLED coded it, for rows no built-in event type can say.

A riot, an arrest or an attack on civilians has no sitrep type of its own; imported
from ACLED, it becomes an ``acled-event`` that keeps the row's coding (types,
actors with their ``inter`` codes, where, fatalities) and exports to the same row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import attrs

from sitrep_core import Event, Location, ValidationError

from ._codes import EVENT_TYPES, INTER


def _names(values: Iterable[str]) -> tuple[str, ...]:
    """Actor names as a tuple (a typed converter: a type checker knows the items)."""
    return tuple(values)


def _inter(_instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value not in INTER:
        raise ValidationError(f"{value!r} is not an ACLED actor type (1-8)", field=attribute.name)


def _location(value: Any) -> Location | None:
    if value is None or isinstance(value, Location):
        return value
    if isinstance(value, str):
        return Location(text=value)
    return Location(**value)


@attrs.frozen(kw_only=True)
class AcledEvent(Event):
    """An event as ACLED coded it: its types, the two sides and where."""

    TYPE: ClassVar[str] = "acled-event"
    VERSION: ClassVar[int] = 1

    event_type: str
    sub_event_type: str
    disorder_type: str | None = None
    actor1: str | None = None
    assoc_actor_1: tuple[str, ...] = attrs.field(default=(), converter=_names)
    inter1: int | None = attrs.field(default=None, validator=_inter)
    actor2: str | None = None
    assoc_actor_2: tuple[str, ...] = attrs.field(default=(), converter=_names)
    inter2: int | None = attrs.field(default=None, validator=_inter)
    interaction: int | None = None
    civilian_targeting: bool = False
    location: Location | None = attrs.field(default=None, converter=_location)
    geo_precision: int | None = None
    fatalities: int = 0

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        known = EVENT_TYPES.get(self.event_type)
        if known is None:
            raise ValidationError(
                f"{self.event_type!r} is not an ACLED event type; use one of: "
                f"{', '.join(EVENT_TYPES)}",
                field="event_type",
            )
        if self.sub_event_type not in known[1]:
            raise ValidationError(
                f"{self.sub_event_type!r} is not a sub-event type of {self.event_type!r}; "
                f"use one of: {', '.join(known[1])}",
                field="sub_event_type",
            )
        if self.fatalities < 0:
            raise ValidationError("fatalities cannot be negative", field="fatalities")

    def describe(self, name: Callable[[str], str] = str) -> str:
        """ "Armed clash: A and B", as the timeline shows an event ACLED coded."""
        sides = " and ".join(name(a) for a in (self.actor1, self.actor2) if a)
        return f"{self.sub_event_type}: {sides}" if sides else self.sub_event_type

    def mentions(self) -> tuple[str, ...]:
        places = self.location.places if self.location is not None else ()
        actors = (self.actor1, *self.assoc_actor_1, self.actor2, *self.assoc_actor_2)
        return tuple(a for a in actors if a) + places
