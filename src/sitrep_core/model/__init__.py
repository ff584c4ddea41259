"""The model: events with two clocks and graded sources, counts, fuzzy times."""

from ._events import (
    BUILTIN_EVENT_TYPES,
    ActorDefined,
    Agreement,
    AidDelivery,
    Control,
    ConvoyMove,
    Evacuation,
    Event,
    Operation,
    PlaceDefined,
    Retraction,
    Statement,
    Strike,
    new_event_id,
)
from ._time import FuzzyTime, moment_of
from ._values import Count, Source

__all__ = [
    "BUILTIN_EVENT_TYPES",
    "ActorDefined",
    "Agreement",
    "AidDelivery",
    "Control",
    "ConvoyMove",
    "Count",
    "Evacuation",
    "Event",
    "FuzzyTime",
    "Operation",
    "PlaceDefined",
    "Retraction",
    "Source",
    "Statement",
    "Strike",
    "moment_of",
    "new_event_id",
]
