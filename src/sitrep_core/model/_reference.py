"""Reference data, kept as events too: actors, places and subjects, with their names.

They hold whatever the moment of a report (what a thing is called does not depend
on when it happened), and later definitions of a key replace earlier ones.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ..errors import ValidationError
from ._envelope import Event, names
from ._values import non_empty

SUBJECT_KINDS = ("convoy", "agreement", "incident", "topic", "area", "group", "crisis", "other")


@attrs.frozen(kw_only=True)
class ActorDefined(Event):
    """An actor (group, state, person) and the other names it goes by."""

    TYPE: ClassVar[str] = "actor"
    VERSION: ClassVar[int] = 1

    key: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=names)
    kind: str | None = None
    role: str | None = None
    speaks_for: str | None = None
    affiliated_with: tuple[str, ...] = attrs.field(default=(), converter=names)
    country: str | None = None

    @property
    def stream(self) -> str:
        """``actor:<key>``: one actor's definition and its revisions."""
        return f"actor:{self.key}"


def _latitude(_i: Any, a: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not -90 <= value <= 90:
        raise ValidationError(f"latitude {value} is outside -90..90", field=a.name)


def _longitude(_i: Any, a: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not -180 <= value <= 180:
        raise ValidationError(f"longitude {value} is outside -180..180", field=a.name)


@attrs.frozen(kw_only=True)
class PlaceDefined(Event):
    """A place, its other spellings and, where known, its coordinates (WGS84).

    ``precision_km`` is how far the true place may lie from the coordinates (a
    town's centre: a few km; a desert area: tens).
    """

    TYPE: ClassVar[str] = "place"
    VERSION: ClassVar[int] = 1

    key: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=names)
    kind: str | None = None
    lat: float | None = attrs.field(default=None, validator=_latitude)
    lon: float | None = attrs.field(default=None, validator=_longitude)
    precision_km: float | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if (self.lat is None) != (self.lon is None):
            raise ValidationError("give both lat and lon, or neither", field="lon")
        if self.precision_km is not None and not self.precision_km > 0:
            raise ValidationError("a precision is a positive distance in km", field="precision_km")

    @property
    def stream(self) -> str:
        """``place:<key>``: one place's definition and its revisions."""
        return f"place:{self.key}"


@attrs.frozen(kw_only=True)
class SubjectDefined(Event):
    """A display name for a key that is neither an actor nor a place: a convoy, a deal,
    an incident, a topic of statements. Reports show the name, never the key."""

    TYPE: ClassVar[str] = "subject"
    VERSION: ClassVar[int] = 1

    key: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    kind: str = attrs.field(default="topic", validator=non_empty)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=names)

    @property
    def stream(self) -> str:
        """``subject:<key>``: beside the statements and figures on it."""
        return f"subject:{self.key}"
