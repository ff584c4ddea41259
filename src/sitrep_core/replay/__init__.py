"""Replay: the log folded into projections once, and their views at any moment."""

from ._checkpoints import Checkpoints, CheckpointWarning, FileCheckpoints, MemoryCheckpoints
from ._fold import FoldState, fold
from ._replay import (
    Moment,
    Snapshot,
    changes,
    collector_paused,
    context_at,
    diff_views,
    fold_log,
    moment,
    replay,
    snapshot_at,
    views_at,
    with_directory,
)

__all__ = [
    "CheckpointWarning",
    "Checkpoints",
    "FileCheckpoints",
    "FoldState",
    "MemoryCheckpoints",
    "Moment",
    "Snapshot",
    "changes",
    "collector_paused",
    "context_at",
    "diff_views",
    "fold",
    "fold_log",
    "moment",
    "replay",
    "snapshot_at",
    "views_at",
    "with_directory",
]
