"""The event model: an envelope every event shares, and the built-in event types.

Every type has a stable ``TYPE`` tag (what a stored line says, never the class
name) and a ``VERSION`` for upcasting older lines. Instances are frozen.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

import attrs

from ..errors import ValidationError
from ._time import FuzzyTime
from ._values import Count, Source, non_empty, one_of

MAX_ID_LENGTH = 200


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


def _to_optional_fuzzy(value: FuzzyTime | str | None) -> FuzzyTime | None:
    return None if value is None else _to_fuzzy(value)


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


@attrs.frozen(kw_only=True)
class Event:
    """What every event carries: identity, two clocks, sources and revision links.

    ``occurred`` is when it happened, at the precision known; ``recorded`` is when
    it was learnt (the store sets it when left empty). ``corrects`` names an earlier
    event this one replaces; ``retracts`` one it withdraws.
    """

    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1

    id: str = attrs.field(factory=new_event_id, validator=_check_id)
    occurred: FuzzyTime = attrs.field(converter=_to_fuzzy)
    recorded: datetime | None = attrs.field(default=None, converter=_to_recorded)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=tuple)
    corrects: str | None = attrs.field(default=None, validator=_check_id)
    retracts: str | None = attrs.field(default=None, validator=_check_id)
    notes: str | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def __attrs_post_init__(self) -> None:
        if self.corrects is not None and self.retracts is not None:
            raise ValidationError(
                "an event either corrects or retracts, not both", field="retracts"
            )
        if self.id in (self.corrects, self.retracts):
            raise ValidationError("an event cannot revise itself", field="corrects")

    @property
    def headline(self) -> str:
        """One line saying what happened, for timelines and listings."""
        return self.describe()

    def describe(self, name: Callable[[str], str] = str) -> str:
        """The headline, with actor and place references spelled by ``name``.

        A report passes a resolver that turns keys and aliases into display names;
        event types from plugins override this (or ``headline``).
        """
        return f"{self.TYPE} {self.id}"


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _counts(value: Any) -> dict[str, Count]:
    return dict(value)


CONVOY_STATUSES = ("forming", "moving", "halted", "stalled", "turned-back", "arrived", "dispersed")
STANCES = (
    "supports",
    "opposes",
    "condemns",
    "threatens",
    "warns",
    "denies",
    "concerned",
    "declares",
    "demands",
    "claims",
    "neutral",
)
AGREEMENT_KINDS = ("deal", "ceasefire", "truce", "surrender", "other")
CONTROL_STATUSES = ("controls", "gained", "lost", "contested", "cleared")


def plural(kind: str, count: Count | int | None) -> str:
    """``bus`` -> ``buses`` unless the count is exactly one (vehicle kinds are singular)."""
    value = count.value if isinstance(count, Count) else count
    if value == 1 or not kind:
        return kind
    return kind + ("es" if kind.endswith(("s", "x", "z", "ch", "sh")) else "s")


def _vehicles(counts: dict[str, Count]) -> str:
    # the number alone: a source's words ("6 of the 17 buses") do not take a noun after them
    return ", ".join(
        f"{attrs.evolve(count, text=None)} {plural(kind, count)}" for kind, count in counts.items()
    )


@attrs.frozen(kw_only=True)
class Evacuation(Event):
    """People leave an area under a deal: who, from where to where, how many, in what."""

    TYPE: ClassVar[str] = "evacuation"
    VERSION: ClassVar[int] = 1

    group: str = attrs.field(validator=non_empty)
    origin: str = attrs.field(validator=non_empty)
    destination: str | None = None
    agreement: str | None = None
    parties: tuple[str, ...] = attrs.field(default=(), converter=_names)
    fighters: Count | None = None
    civilians: Count | None = None
    wounded: Count | None = None
    vehicles: dict[str, Count] = attrs.field(factory=dict, converter=_counts)
    convoy: str | None = None

    def describe(self, name: Callable[[str], str] = str) -> str:
        who = [f"{c} fighters" for c in [self.fighters] if c] + [
            f"{c} civilians" for c in [self.civilians] if c
        ]
        to = f" to {name(self.destination)}" if self.destination else ""
        people = f" ({', '.join(who)})" if who else ""
        return f"{name(self.group)} evacuated from {name(self.origin)}{to}{people}"


@attrs.frozen(kw_only=True)
class ConvoyMove(Event):
    """A convoy's new status or position; with ``new_convoy``, ``vehicles`` split off."""

    TYPE: ClassVar[str] = "convoy-move"
    VERSION: ClassVar[int] = 1

    convoy: str = attrs.field(validator=non_empty)
    status: str | None = attrs.field(
        default=None, validator=one_of(CONVOY_STATUSES, "convoy status")
    )
    position: str | None = None
    near: tuple[str, ...] = attrs.field(default=(), converter=_names)
    heading: str | None = None
    toward: str | None = None
    vehicles: dict[str, Count] = attrs.field(factory=dict, converter=_counts)
    new_convoy: str | None = None
    cause: str | None = None
    fighters: Count | None = None
    civilians: Count | None = None
    wounded: Count | None = None

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.new_convoy is not None and not self.vehicles:
            raise ValidationError(
                "a split (new_convoy) must say which vehicles leave", field="vehicles"
            )
        if self.new_convoy == self.convoy:
            raise ValidationError("a convoy cannot split into itself", field="new_convoy")

    def describe(self, name: Callable[[str], str] = str) -> str:
        parts = [
            self.convoy if not self.new_convoy else f"{_vehicles(self.vehicles)} of {self.convoy}"
        ]
        if self.status:
            parts.append(self.status.replace("-", " "))
        if self.heading:
            parts.append(f"heading {self.heading}")
        if self.toward:
            parts.append(f"toward {name(self.toward)}")
        if self.position:
            parts.append(f"({self.position})")
        return " ".join(parts)


@attrs.frozen(kw_only=True)
class Strike(Event):
    """Who struck what, where, with what effect; whether a convoy was hit."""

    TYPE: ClassVar[str] = "strike"
    VERSION: ClassVar[int] = 2

    actor: str = attrs.field(validator=non_empty)
    targets: tuple[str, ...] = attrs.field(default=(), converter=_names)
    means: str | None = None
    position: str | None = None
    near: tuple[str, ...] = attrs.field(default=(), converter=_names)
    effect: str | None = None
    convoy: str | None = None
    convoy_hit: bool | None = None
    killed: Count | None = None
    wounded: Count | None = None

    def describe(self, name: Callable[[str], str] = str) -> str:
        what = ", ".join(self.targets) or "targets"
        where = f" ({self.position})" if self.position else ""
        effect = f": {self.effect}" if self.effect else ""
        return f"{name(self.actor)} struck {what}{where}{effect}"


@attrs.frozen(kw_only=True)
class Statement(Event):
    """Someone speaking for an actor takes a stance on a subject, in their own words."""

    TYPE: ClassVar[str] = "statement"
    VERSION: ClassVar[int] = 1

    speaker: str = attrs.field(validator=non_empty)
    actor: str | None = None
    subject: str = attrs.field(validator=non_empty)
    stance: str = attrs.field(validator=one_of(STANCES, "stance"))
    quote: str | None = None
    audience: str | None = None

    def describe(self, name: Callable[[str], str] = str) -> str:
        return f"{name(self.speaker)} {self.stance} {self.subject}"


@attrs.frozen(kw_only=True)
class Agreement(Event):
    """A deal, ceasefire or truce between parties."""

    TYPE: ClassVar[str] = "agreement"
    VERSION: ClassVar[int] = 1

    kind: str = attrs.field(default="deal", validator=one_of(AGREEMENT_KINDS, "agreement kind"))
    parties: tuple[str, ...] = attrs.field(default=(), converter=_names)
    terms: str | None = None
    area: str | None = None
    near: tuple[str, ...] = attrs.field(default=(), converter=_names)

    def describe(self, name: Callable[[str], str] = str) -> str:
        between = f" between {', '.join(map(name, self.parties))}" if self.parties else ""
        area = f" over {name(self.area)}" if self.area else ""
        return f"{self.kind.capitalize()}{between}{area}"


@attrs.frozen(kw_only=True)
class AidDelivery(Event):
    """Aid (food, water, medicine) reaches people or a convoy."""

    TYPE: ClassVar[str] = "aid-delivery"
    VERSION: ClassVar[int] = 1

    items: tuple[str, ...] = attrs.field(converter=_names)
    recipient: str | None = None
    convoy: str | None = None
    provider: str | None = None
    position: str | None = None

    def describe(self, name: Callable[[str], str] = str) -> str:
        to = self.convoy or self.recipient or "recipients"
        by = f" by {name(self.provider)}" if self.provider else ""
        return f"{' and '.join(self.items)} delivered to {to}{by}"


@attrs.frozen(kw_only=True)
class Operation(Event):
    """A military operation over time: an offensive, a bombardment, a siege."""

    TYPE: ClassVar[str] = "operation"
    VERSION: ClassVar[int] = 1

    kind: str = attrs.field(validator=non_empty)
    actors: tuple[str, ...] = attrs.field(converter=_names)
    against: tuple[str, ...] = attrs.field(default=(), converter=_names)
    area: str | None = None
    near: tuple[str, ...] = attrs.field(default=(), converter=_names)
    outcome: str | None = None

    def describe(self, name: Callable[[str], str] = str) -> str:
        against = f" against {', '.join(map(name, self.against))}" if self.against else ""
        area = f" in {name(self.area)}" if self.area else ""
        return f"{', '.join(map(name, self.actors))}: {self.kind}{against}{area}"


@attrs.frozen(kw_only=True)
class Control(Event):
    """Who holds an area, directly or through affiliated groups (``via``)."""

    TYPE: ClassVar[str] = "control"
    VERSION: ClassVar[int] = 1

    actor: str = attrs.field(validator=non_empty)
    area: str = attrs.field(validator=non_empty)
    status: str = attrs.field(
        default="controls", validator=one_of(CONTROL_STATUSES, "control status")
    )
    via: tuple[str, ...] = attrs.field(default=(), converter=_names)
    near: tuple[str, ...] = attrs.field(default=(), converter=_names)

    def describe(self, name: Callable[[str], str] = str) -> str:
        via = f" (through {', '.join(map(name, self.via))})" if self.via else ""
        return f"{name(self.actor)} {self.status} {name(self.area)}{via}"


@attrs.frozen(kw_only=True)
class ActorDefined(Event):
    """Reference data: an actor (group, state, person) and the other names it goes by."""

    TYPE: ClassVar[str] = "actor"
    VERSION: ClassVar[int] = 1

    key: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_names)
    kind: str | None = None
    role: str | None = None
    speaks_for: str | None = None
    affiliated_with: tuple[str, ...] = attrs.field(default=(), converter=_names)
    country: str | None = None

    def describe(self, name: Callable[[str], str] = str) -> str:
        role = f", {self.role}" if self.role else ""
        return f"Actor {self.name}{role}"


def _latitude(_i: Any, a: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not -90 <= value <= 90:
        raise ValidationError(f"latitude {value} is outside -90..90", field=a.name)


def _longitude(_i: Any, a: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not -180 <= value <= 180:
        raise ValidationError(f"longitude {value} is outside -180..180", field=a.name)


@attrs.frozen(kw_only=True)
class PlaceDefined(Event):
    """Reference data: a place, its other spellings and, where known, its coordinates (WGS84)."""

    TYPE: ClassVar[str] = "place"
    VERSION: ClassVar[int] = 1

    key: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_names)
    kind: str | None = None
    lat: float | None = attrs.field(default=None, validator=_latitude)
    lon: float | None = attrs.field(default=None, validator=_longitude)
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if (self.lat is None) != (self.lon is None):
            raise ValidationError("give both lat and lon, or neither", field="lon")

    def describe(self, name: Callable[[str], str] = str) -> str:
        return f"Place {self.name}"


@attrs.frozen(kw_only=True)
class Retraction(Event):
    """Withdraws an earlier event (named in ``retracts``): it stops counting from now on."""

    TYPE: ClassVar[str] = "retraction"
    VERSION: ClassVar[int] = 1

    reason: str | None = None

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.retracts is None:
            raise ValidationError("a retraction must name the event it retracts", field="retracts")

    def describe(self, name: Callable[[str], str] = str) -> str:
        why = f": {self.reason}" if self.reason else ""
        return f"Retracted {self.retracts}{why}"


BUILTIN_EVENT_TYPES: tuple[type[Event], ...] = (
    Evacuation,
    ConvoyMove,
    Strike,
    Statement,
    Agreement,
    AidDelivery,
    Operation,
    Control,
    ActorDefined,
    PlaceDefined,
    Retraction,
)
