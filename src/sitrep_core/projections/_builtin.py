"""The built-in projections, in the order a replay folds them."""

from __future__ import annotations

from typing import Any

from ._base import Projection
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


BUILTIN_VIEWS = frozenset(p.name for p in builtin_projections())
