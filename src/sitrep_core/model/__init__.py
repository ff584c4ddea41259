"""The model: events with two clocks and graded sources; counts, locations, fuzzy times."""

from ._envelope import ENVELOPE_FIELDS, MAX_ID_LENGTH, Event, new_event_id
from ._events import (
    AGREEMENT_KINDS,
    CONTROL_STATUSES,
    CONVOY_STATUSES,
    MEASURES,
    STANCES,
    STOPPED_STATUSES,
    Agreement,
    AidDelivery,
    Control,
    ConvoyMove,
    Evacuation,
    FigureReported,
    Operation,
    Retraction,
    Statement,
    Strike,
)
from ._reference import SUBJECT_KINDS, ActorDefined, PlaceDefined, SubjectDefined
from ._time import FuzzyTime, moment_of
from ._values import CREDIBILITY, RELATIONS, RELIABILITY, Count, Location, Source

BUILTIN_EVENT_TYPES: tuple[type[Event], ...] = (
    Evacuation,
    ConvoyMove,
    Strike,
    Statement,
    Agreement,
    AidDelivery,
    Operation,
    Control,
    FigureReported,
    ActorDefined,
    PlaceDefined,
    SubjectDefined,
    Retraction,
)
REFERENCE_TYPES = frozenset({"actor", "place", "subject"})
"""Types that define names rather than report a happening."""

__all__ = [
    "AGREEMENT_KINDS",
    "BUILTIN_EVENT_TYPES",
    "CONTROL_STATUSES",
    "CONVOY_STATUSES",
    "CREDIBILITY",
    "ENVELOPE_FIELDS",
    "MAX_ID_LENGTH",
    "MEASURES",
    "REFERENCE_TYPES",
    "RELATIONS",
    "RELIABILITY",
    "STANCES",
    "STOPPED_STATUSES",
    "SUBJECT_KINDS",
    "ActorDefined",
    "Agreement",
    "AidDelivery",
    "Control",
    "ConvoyMove",
    "Count",
    "Evacuation",
    "Event",
    "FigureReported",
    "FuzzyTime",
    "Location",
    "Operation",
    "PlaceDefined",
    "Retraction",
    "Source",
    "Statement",
    "Strike",
    "SubjectDefined",
    "moment_of",
    "new_event_id",
]
