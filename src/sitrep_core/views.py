"""The typed views a :class:`~sitrep_core.Report` is made of, for renderer and plugin
authors: what each projection's view holds, and the document the built-in
renderers lay out. See docs/plugins.md for what each field means.
"""

from .projections import (
    Actor,
    Change,
    Claim,
    ConvoyView,
    Detachment,
    Directory,
    Fact,
    Figure,
    Place,
    Ref,
    RoutePoint,
    SourceView,
    StanceEntry,
    StanceView,
    StatusView,
    Subject,
    TimelineEntry,
    VehicleReport,
    VehicleTally,
    ViewContext,
    Whereabouts,
    fold_name,
)
from .report import Highlights, LogInfo, Section, Update

__all__ = [
    "Actor",
    "Change",
    "Claim",
    "ConvoyView",
    "Detachment",
    "Directory",
    "Fact",
    "Figure",
    "Highlights",
    "LogInfo",
    "Place",
    "Ref",
    "RoutePoint",
    "Section",
    "SourceView",
    "StanceEntry",
    "StanceView",
    "StatusView",
    "Subject",
    "TimelineEntry",
    "Update",
    "VehicleReport",
    "VehicleTally",
    "ViewContext",
    "Whereabouts",
    "fold_name",
]
