"""Projections: folds of the log into convoys, stances, figures, a timeline, sources."""

from __future__ import annotations

from typing import Any

from ._base import Change, Projection, ViewContext
from ._convoys import ConvoysProjection
from ._directory import DirectoryProjection
from ._figures import FiguresProjection
from ._stances import StancesProjection
from ._timeline import SourcesProjection, TimelineProjection


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


__all__ = [
    "Change",
    "ConvoysProjection",
    "DirectoryProjection",
    "FiguresProjection",
    "Projection",
    "SourcesProjection",
    "StancesProjection",
    "TimelineProjection",
    "ViewContext",
    "builtin_projections",
]
