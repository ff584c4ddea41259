"""Projections: folds of the log into convoys, stances, figures, a timeline, sources.

A projection takes facts (events with their log position and revision marks) and
builds views at any moment; the views are data for renderers, never sentences.
"""

from __future__ import annotations

from typing import Any

from ._base import Change, Fact, KeyedProjection, Projection, Ref, ViewContext, happened_by
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
from ._directory import Actor, Directory, DirectoryProjection, Place, Subject, fold_name
from ._figures import Claim, Figure, FiguresProjection, Measured, measured
from ._stances import StanceEntry, StancesProjection, StanceView
from ._timeline import SourcesProjection, SourceView, TimelineEntry, TimelineProjection


def builtin_projections() -> list[Projection[Any, Any]]:
    """A fresh instance of every built-in projection, directory first."""
    return [
        DirectoryProjection(),
        ConvoysProjection(),
        StancesProjection(),
        TimelineProjection(),
        FiguresProjection(),
        SourcesProjection(),
    ]


BUILTIN_VIEWS = frozenset(p.name for p in builtin_projections())

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
