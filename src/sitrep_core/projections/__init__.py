"""Projections: folds of the log into convoys, stances, figures, a timeline, sources.

A projection takes facts (events with their log position and revision marks) and
builds views at any moment; the views are data for renderers, never sentences.

What a projection is (:mod:`._base`) and the names directory are loaded with the
package; the built-in projections and their views when first used (a plugin that
subclasses :class:`Projection` does not load them).
"""

from typing import TYPE_CHECKING

from .. import _exports
from ._base import Change, Fact, KeyedProjection, Projection, Ref, ViewContext, happened_by
from ._directory import Actor, Directory, DirectoryProjection, Place, Subject, fold_name

if TYPE_CHECKING:
    from ._builtin import BUILTIN_VIEWS, builtin_projections
    from ._convoys import (
        ConvoysProjection,
        ConvoyView,
        Detachment,
        RoutePoint,
        StatusView,
        VehicleReport,
        VehicleTally,
        Whereabouts,
    )
    from ._figures import Claim, Figure, FiguresProjection, Measured, measured
    from ._stances import StanceEntry, StancesProjection, StanceView
    from ._timeline import SourcesProjection, SourceView, TimelineEntry, TimelineProjection

__all__ = [
    "BUILTIN_VIEWS",
    "Actor",
    "Change",
    "Claim",
    "ConvoyView",
    "ConvoysProjection",
    "Detachment",
    "Directory",
    "DirectoryProjection",
    "Fact",
    "Figure",
    "FiguresProjection",
    "KeyedProjection",
    "Measured",
    "Place",
    "Projection",
    "Ref",
    "RoutePoint",
    "SourceView",
    "SourcesProjection",
    "StanceEntry",
    "StanceView",
    "StancesProjection",
    "StatusView",
    "Subject",
    "TimelineEntry",
    "TimelineProjection",
    "VehicleReport",
    "VehicleTally",
    "ViewContext",
    "Whereabouts",
    "builtin_projections",
    "fold_name",
    "happened_by",
    "measured",
]

__getattr__, __dir__ = _exports.lazy_exports(
    __name__,
    {
        "BUILTIN_VIEWS": "._builtin",
        "builtin_projections": "._builtin",
        "ConvoysProjection": "._convoys",
        "ConvoyView": "._convoys",
        "Detachment": "._convoys",
        "RoutePoint": "._convoys",
        "StatusView": "._convoys",
        "VehicleReport": "._convoys",
        "VehicleTally": "._convoys",
        "Whereabouts": "._convoys",
        "Claim": "._figures",
        "Figure": "._figures",
        "FiguresProjection": "._figures",
        "Measured": "._figures",
        "measured": "._figures",
        "StanceEntry": "._stances",
        "StancesProjection": "._stances",
        "StanceView": "._stances",
        "SourcesProjection": "._timeline",
        "SourceView": "._timeline",
        "TimelineEntry": "._timeline",
        "TimelineProjection": "._timeline",
    },
    __all__,
)
