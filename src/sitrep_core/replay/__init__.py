"""Replay: the log folded into projections on two clocks, with corrections applied."""

from ._checkpoints import Checkpoint, Checkpoints, FileCheckpoints, MemoryCheckpoints
from ._replay import Moment, Snapshot, changes, replay

__all__ = [
    "Checkpoint",
    "Checkpoints",
    "FileCheckpoints",
    "MemoryCheckpoints",
    "Moment",
    "Snapshot",
    "changes",
    "replay",
]
