"""The typed views a :class:`~sitrep_core.Report` is made of, for renderer authors."""

from ._convoys import ConvoyView, Detachment, EventRef, RoutePoint, VehicleTally
from ._directory import Actor, Directory, Place, fold_name
from ._figures import Claim, Figure
from ._projections import EventSetProjection
from ._replay import Change, ViewContext
from ._report import LogInfo, Update
from ._stances import StanceEntry, StanceView
from ._timeline import SourceView, TimelineEntry

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
