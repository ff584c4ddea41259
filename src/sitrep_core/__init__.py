"""sitrep-core: situation reports kept as an append-only log of typed, sourced events.

The data path: codec -> log -> replay -> projections -> report -> renderer.
"""

from ._codec import Codec, Upcaster
from ._errors import (
    ConflictError,
    CorruptLogError,
    DuplicateIdError,
    SitrepError,
    TornTailWarning,
    ValidationError,
)
from ._events import (
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
)
from ._log import AppendResult, EventLog, Record, VerifyResult, open_log
from ._time import FuzzyTime
from ._values import Count, Source

__version__ = "0.1.0"

__all__ = [
    "ActorDefined",
    "Agreement",
    "AidDelivery",
    "AppendResult",
    "Codec",
    "ConflictError",
    "Control",
    "ConvoyMove",
    "CorruptLogError",
    "Count",
    "DuplicateIdError",
    "Evacuation",
    "Event",
    "EventLog",
    "FuzzyTime",
    "Operation",
    "PlaceDefined",
    "Record",
    "Retraction",
    "SitrepError",
    "Source",
    "Statement",
    "Strike",
    "TornTailWarning",
    "Upcaster",
    "ValidationError",
    "VerifyResult",
    "open_log",
]
