"""The typed views a :class:`~sitrep_core.Report` is made of, for renderer and plugin
authors: what each projection's view holds, and the document the built-in
renderers lay out. See docs/plugins.md for what each field means.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
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

# loaded when first used: a plugin importing a view class for its annotations does
# not load the report
__getattr__, __dir__ = _exports.lazy_exports(
    __name__,
    {
        "Actor": ".projections",
        "Change": ".projections",
        "Claim": ".projections",
        "ConvoyView": ".projections",
        "Detachment": ".projections",
        "Directory": ".projections",
        "Fact": ".projections",
        "Figure": ".projections",
        "Place": ".projections",
        "Ref": ".projections",
        "RoutePoint": ".projections",
        "SourceView": ".projections",
        "StanceEntry": ".projections",
        "StanceView": ".projections",
        "StatusView": ".projections",
        "Subject": ".projections",
        "TimelineEntry": ".projections",
        "VehicleReport": ".projections",
        "VehicleTally": ".projections",
        "ViewContext": ".projections",
        "Whereabouts": ".projections",
        "fold_name": ".projections",
        "Highlights": ".report",
        "LogInfo": ".report",
        "Section": ".report",
        "Update": ".report",
    },
    __all__,
)
