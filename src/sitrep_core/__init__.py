"""sitrep-core: situation reports kept as an append-only log of typed, sourced events.

The data path: codec -> log -> replay -> projections -> report -> renderer.
"""

from ._checkpoints import Checkpoint, Checkpoints, FileCheckpoints, MemoryCheckpoints
from ._codec import Codec, Upcaster
from ._copy import CopyResult, copy_log
from ._errors import (
    ConflictError,
    CorruptLogError,
    DuplicateIdError,
    PluginError,
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
from ._hookspecs import Renderer, hookimpl
from ._log import AppendResult, EventLog, Record, VerifyResult, open_log
from ._plugins import PluginInfo, Plugins, render
from ._replay import Change, Projection, Snapshot, changes, replay
from ._report import Report, build_report
from ._sqlite import StoreUnavailableError
from ._time import FuzzyTime
from ._values import Count, Source

__version__ = "0.1.0"

__all__ = [
    "ActorDefined",
    "Agreement",
    "AidDelivery",
    "AppendResult",
    "Change",
    "Checkpoint",
    "Checkpoints",
    "Codec",
    "ConflictError",
    "Control",
    "ConvoyMove",
    "CopyResult",
    "CorruptLogError",
    "Count",
    "DuplicateIdError",
    "Evacuation",
    "Event",
    "EventLog",
    "FileCheckpoints",
    "FuzzyTime",
    "MemoryCheckpoints",
    "Operation",
    "PlaceDefined",
    "PluginError",
    "PluginInfo",
    "Plugins",
    "Projection",
    "Record",
    "Renderer",
    "Report",
    "Retraction",
    "SitrepError",
    "Snapshot",
    "Source",
    "Statement",
    "StoreUnavailableError",
    "Strike",
    "TornTailWarning",
    "Upcaster",
    "ValidationError",
    "VerifyResult",
    "build_report",
    "changes",
    "copy_log",
    "hookimpl",
    "open_log",
    "render",
    "replay",
]
