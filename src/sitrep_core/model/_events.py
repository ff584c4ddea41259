"""The built-in happenings: evacuations, convoy moves, strikes, statements, agreements,
aid deliveries, operations, control of areas, reported figures and retractions.

Each type's fields are data only: how an event reads in a report is the renderers'
choice. Names of actors, places and subjects are their keys (or plain names).
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ..errors import ValidationError
from ._envelope import Event, counts, names
from ._time import FuzzyTime
from ._values import Count, EachOneOf, Location, non_empty, one_of

CONVOY_STATUSES = ("forming", "moving", "halted", "stalled", "turned-back", "arrived", "dispersed")
STOPPED_STATUSES = frozenset({"halted", "stalled"})
"""Statuses of a convoy that is not moving: one stop runs on while they follow each other."""

STANCES = (
    "supports",
    "welcomes",
    "proposes",
    "demands",
    "claims",
    "claims-responsibility",
    "declares",
    "concerned",
    "warns",
    "threatens",
    "blames",
    "condemns",
    "opposes",
    "denies",
    "denies-involvement",
    "neutral",
)
AGREEMENT_KINDS = ("deal", "ceasefire", "truce", "surrender", "exchange", "corridor", "other")
CONTROL_STATUSES = ("controls", "gained", "lost", "contested", "cleared")
MEASURES = (
    "killed",
    "injured",
    "wounded",
    "missing",
    "detained",
    "released",
    "displaced",
    "returned",
    "evacuated",
    "in-need",
    "reached",
    "fighters",
    "civilians",
    "people",
    "funding-requested",
    "funding-received",
)
"""What a reported figure may measure; the people measures come first."""


def _stances(value: Any) -> tuple[str, ...]:
    return names(value)


def _optional_fuzzy(value: FuzzyTime | str | None) -> FuzzyTime | None:
    return value if value is None or isinstance(value, FuzzyTime) else FuzzyTime.parse(value)


def _optional_location(value: Any) -> Location | None:
    if value is None or isinstance(value, Location):
        return value
    if isinstance(value, str):
        return Location(text=value)
    return Location(**value)


@attrs.frozen(kw_only=True)
class Evacuation(Event):
    """People leave one or more places under a deal: who, how many, in what, to where."""

    TYPE: ClassVar[str] = "evacuation"
    VERSION: ClassVar[int] = 2

    group: str = attrs.field(validator=non_empty)
    origins: tuple[str, ...] = attrs.field(converter=names)
    destination: str | None = None
    agreement: str | None = None
    parties: tuple[str, ...] = attrs.field(default=(), converter=names)
    people: Count | None = None
    fighters: Count | None = None
    civilians: Count | None = None
    wounded: Count | None = None
    vehicles: dict[str, Count] = attrs.field(factory=dict, converter=counts)
    convoy: str | None = None

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if not self.origins:
            raise ValidationError("name the place (or places) people leave", field="origins")

    @property
    def stream(self) -> str:
        """``convoy:<convoy>`` when it forms a convoy, else ``<type>:<id>``."""
        return f"convoy:{self.convoy}" if self.convoy else f"{self.TYPE}:{self.id}"


@attrs.frozen(kw_only=True)
class ConvoyMove(Event):
    """A convoy's new status or location; with ``new_convoy``, ``vehicles`` split off.

    A split's status, heading, location and ``toward`` are those of the vehicles that
    leave (the new convoy); ``since`` is when the source says the status began.
    """

    TYPE: ClassVar[str] = "convoy-move"
    VERSION: ClassVar[int] = 2

    convoy: str = attrs.field(validator=non_empty)
    status: str | None = attrs.field(
        default=None, validator=one_of(CONVOY_STATUSES, "convoy status")
    )
    location: Location | None = attrs.field(default=None, converter=_optional_location)
    heading: str | None = None
    toward: str | None = None
    vehicles: dict[str, Count] = attrs.field(factory=dict, converter=counts)
    new_convoy: str | None = None
    cause: str | None = None
    since: FuzzyTime | None = attrs.field(default=None, converter=_optional_fuzzy)
    """When the source says the status began ("the seventh day" stalled), if it does."""
    people: Count | None = None
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

    @property
    def stream(self) -> str:
        """``convoy:<convoy>``: a split stays in its parent convoy's stream."""
        return f"convoy:{self.convoy}"


@attrs.frozen(kw_only=True)
class Strike(Event):
    """Who struck what, where, how and with what effect; whether a convoy was hit.

    ``actor`` is left out when the perpetrator is unknown; ``claimed_by`` names who
    claimed it and ``unclaimed`` says that no group did. ``incident`` names the
    attack when several events report on it, so their figures gather as one.
    """

    TYPE: ClassVar[str] = "strike"
    VERSION: ClassVar[int] = 3

    actor: str | None = None
    claimed_by: tuple[str, ...] = attrs.field(default=(), converter=names)
    unclaimed: bool = False
    targets: tuple[str, ...] = attrs.field(default=(), converter=names)
    means: str | None = None
    location: Location | None = attrs.field(default=None, converter=_optional_location)
    effect: str | None = None
    incident: str | None = None
    convoy: str | None = None
    convoy_hit: bool | None = None
    killed: Count | None = None
    wounded: Count | None = None

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.unclaimed and self.claimed_by:
            raise ValidationError("a strike claimed by someone is not unclaimed", field="unclaimed")
        if self.actor is not None and not self.actor.strip():
            raise ValidationError("must be a non-empty string (or left out)", field="actor")

    @property
    def stream(self) -> str:
        """``convoy:<convoy>`` when it names a convoy, else ``<type>:<id>``."""
        return f"convoy:{self.convoy}" if self.convoy else f"{self.TYPE}:{self.id}"


@attrs.frozen(kw_only=True)
class Statement(Event):
    """Someone speaking for one or more actors takes stances on a subject, in their words.

    ``target`` names who the statement blames, accuses or is aimed at; ``audience``
    who it is addressed to; ``via`` a go-between that passes it on.
    """

    TYPE: ClassVar[str] = "statement"
    VERSION: ClassVar[int] = 2

    speaker: str = attrs.field(validator=non_empty)
    actors: tuple[str, ...] = attrs.field(default=(), converter=names)
    subject: str = attrs.field(validator=non_empty)
    stances: tuple[str, ...] = attrs.field(
        converter=_stances, validator=EachOneOf(STANCES, "stance")
    )
    quote: str | None = None
    target: tuple[str, ...] = attrs.field(default=(), converter=names)
    audience: str | None = None
    via: str | None = None

    @property
    def stream(self) -> str:
        """``subject:<subject>``: every statement on one subject."""
        return f"subject:{self.subject}"


@attrs.frozen(kw_only=True)
class Agreement(Event):
    """A deal, ceasefire, truce or exchange between parties, with its go-betweens."""

    TYPE: ClassVar[str] = "agreement"
    VERSION: ClassVar[int] = 1

    kind: str = attrs.field(default="deal", validator=one_of(AGREEMENT_KINDS, "agreement kind"))
    parties: tuple[str, ...] = attrs.field(default=(), converter=names)
    mediators: tuple[str, ...] = attrs.field(default=(), converter=names)
    guarantors: tuple[str, ...] = attrs.field(default=(), converter=names)
    terms: str | None = None
    area: str | None = None
    near: tuple[str, ...] = attrs.field(default=(), converter=names)


@attrs.frozen(kw_only=True)
class AidDelivery(Event):
    """Aid (food, water, medicine) reaches people or a convoy."""

    TYPE: ClassVar[str] = "aid-delivery"
    VERSION: ClassVar[int] = 2

    items: tuple[str, ...] = attrs.field(converter=names)
    recipient: str | None = None
    convoy: str | None = None
    provider: str | None = None
    location: Location | None = attrs.field(default=None, converter=_optional_location)

    @property
    def stream(self) -> str:
        """``convoy:<convoy>`` when it names a convoy, else ``<type>:<id>``."""
        return f"convoy:{self.convoy}" if self.convoy else f"{self.TYPE}:{self.id}"


@attrs.frozen(kw_only=True)
class Operation(Event):
    """A military operation over time: an offensive, a bombardment, a siege."""

    TYPE: ClassVar[str] = "operation"
    VERSION: ClassVar[int] = 1

    kind: str = attrs.field(validator=non_empty)
    actors: tuple[str, ...] = attrs.field(converter=names)
    against: tuple[str, ...] = attrs.field(default=(), converter=names)
    area: str | None = None
    near: tuple[str, ...] = attrs.field(default=(), converter=names)
    outcome: str | None = None


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
    via: tuple[str, ...] = attrs.field(default=(), converter=names)
    near: tuple[str, ...] = attrs.field(default=(), converter=names)

    @property
    def stream(self) -> str:
        """``area:<area>``: who holds one area."""
        return f"area:{self.area}"


@attrs.frozen(kw_only=True)
class FigureReported(Event):
    """A source's count of one measure of a subject: "the health ministry: 2,000 missing".

    ``subject`` is what is counted about (a convoy, an attack's ``incident``, an area,
    a crisis); ``unit`` is left out for people and says the currency for funding.
    """

    TYPE: ClassVar[str] = "figure"
    VERSION: ClassVar[int] = 1

    subject: str = attrs.field(validator=non_empty)
    measure: str = attrs.field(validator=one_of(MEASURES, "measure"))
    count: Count
    unit: str | None = None
    location: Location | None = attrs.field(default=None, converter=_optional_location)

    @property
    def stream(self) -> str:
        """``subject:<subject>``: beside the statements on what it counts."""
        return f"subject:{self.subject}"


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
