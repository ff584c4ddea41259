"""The typed views a :class:`~sitrep_core.Report` is made of, for renderer authors."""

from .projections import Change, ViewContext
from .projections._convoys import ConvoyView, Detachment, EventRef, RoutePoint, VehicleTally
from .projections._directory import Actor, Directory, Place, fold_name
from .projections._figures import Claim, Figure
from .projections._indexed import EventSetProjection
from .projections._stances import StanceEntry, StanceView
from .projections._timeline import SourceView, TimelineEntry
from .report._report import LogInfo, Update

__all__ = [
    "Actor",
    "Change",
    "Claim",
    "ConvoyView",
    "Detachment",
    "Directory",
    "EventRef",
    "EventSetProjection",
    "Figure",
    "LogInfo",
    "Place",
    "RoutePoint",
    "SourceView",
    "StanceEntry",
    "StanceView",
    "TimelineEntry",
    "Update",
    "VehicleTally",
    "ViewContext",
    "fold_name",
]
