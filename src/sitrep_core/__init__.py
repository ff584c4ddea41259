"""sitrep-core: situation reports kept as an append-only log of typed, sourced events.

The data path, one package or module a stage: model -> codec -> stores -> projections ->
replay -> report -> renderers, with plugins and the cli on top.

The report and the built-in projections are loaded when first used, so a program or
command that only appends does not load them.
"""

from typing import TYPE_CHECKING

from . import _exports
from .codec import Codec, Upcaster
from .errors import (
    BrokenChainError,
    ConflictError,
    CorruptLogError,
    DuplicateIdError,
    LogPermissionError,
    PluginError,
    ReadOnlyLogError,
    SitrepError,
    StoreError,
    StoreUnavailableError,
    TornTailWarning,
    ValidationError,
)
from .model import (
    ActorDefined,
    Agreement,
    AidDelivery,
    Control,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    FigureReported,
    FuzzyTime,
    Location,
    Operation,
    PlaceDefined,
    Retraction,
    Source,
    Statement,
    Strike,
    SubjectDefined,
)
from .plugins import PluginInfo, Plugins, hookimpl, render
from .renderers import Renderer, SectionRenderer
from .replay import (  # not lazy: the function replay would be hidden by its package
    Checkpoints,
    CheckpointWarning,
    FileCheckpoints,
    MemoryCheckpoints,
    Snapshot,
    changes,
    replay,
)
from .stores import (
    AppendResult,
    CopyResult,
    EventLog,
    RawRecord,
    Record,
    VerifyResult,
    copy_log,
    open_log,
)

if TYPE_CHECKING:
    from .projections import Change, Projection
    from .report import Report, build_report

__version__ = "0.1.0"

__all__ = [
    "ActorDefined",
    "Agreement",
    "AidDelivery",
    "AppendResult",
    "BrokenChainError",
    "Change",
    "CheckpointWarning",
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
    "FigureReported",
    "FileCheckpoints",
    "FuzzyTime",
    "Location",
    "LogPermissionError",
    "MemoryCheckpoints",
    "Operation",
    "PlaceDefined",
    "PluginError",
    "PluginInfo",
    "Plugins",
    "Projection",
    "RawRecord",
    "ReadOnlyLogError",
    "Record",
    "Renderer",
    "Report",
    "Retraction",
    "SectionRenderer",
    "SitrepError",
    "Snapshot",
    "Source",
    "Statement",
    "StoreError",
    "StoreUnavailableError",
    "Strike",
    "SubjectDefined",
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

__getattr__, __dir__ = _exports.lazy_exports(
    __name__,
    {
        "Change": ".projections",
        "Projection": ".projections",
        "Report": ".report",
        "build_report": ".report",
    },
    __all__,
)
