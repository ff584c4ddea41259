"""Checkpoints: a projection's state saved at a log position, so replay can resume.

A checkpoint names the projection and its version, the position and the hash of
the record there (so a checkpoint of another log, or of a rewritten one, is never
used), the state, and the replay's revision links.
"""

from __future__ import annotations

import os
import re
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import attrs
import orjson


@attrs.frozen
class Checkpoint:
    """One projection's state at ``position`` (whose record hash is ``hash``)."""

    projection: str
    version: int
    position: int
    hash: str
    state: Any
    revisions: dict[str, Any] | None = None


class Checkpoints(ABC):
    """Where checkpoints are kept: one per projection name, the newest wins."""

    @abstractmethod
    def load(self, projection: str) -> Checkpoint | None:
        """The saved checkpoint of a projection, or None."""

    @abstractmethod
    def save(self, checkpoint: Checkpoint) -> None:
        """Keep a checkpoint, replacing the projection's previous one."""


class MemoryCheckpoints(Checkpoints):
    """Checkpoints kept in memory, for one process."""

    def __init__(self) -> None:
        self._saved: dict[str, Checkpoint] = {}

    def load(self, projection: str) -> Checkpoint | None:
        return self._saved.get(projection)

    def save(self, checkpoint: Checkpoint) -> None:
        self._saved[checkpoint.projection] = checkpoint


class FileCheckpoints(Checkpoints):
    """Checkpoints as JSON files in a directory, each replaced atomically."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _path(self, projection: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", projection)
        return self.directory / f"{safe}.json"

    def load(self, projection: str) -> Checkpoint | None:
        try:
            data = orjson.loads(self._path(projection).read_bytes())
            return Checkpoint(
                data["projection"],
                data["version"],
                data["position"],
                data["hash"],
                data["state"],
                data.get("revisions"),
            )
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            return None  # a missing or damaged checkpoint only costs a full replay

    def save(self, checkpoint: Checkpoint) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = orjson.dumps(attrs.asdict(checkpoint, recurse=False))
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".checkpoint-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._path(checkpoint.projection))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
