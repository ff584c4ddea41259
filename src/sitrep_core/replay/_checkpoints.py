"""Checkpoints: a projection's state saved at a log position, so replay can resume.

A checkpoint names the projection and its version, the position and the hash of
the record there (so a checkpoint of another log, or of a rewritten one, is never
used), the state, and the replay's revision links.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from abc import ABC, abstractmethod
from datetime import datetime
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

    def take_live(self) -> LiveStates | None:
        """The states a replay left in memory, handed over to the next (None: none kept)."""
        return None

    def keep_live(self, live: LiveStates) -> bool:
        """Keep a replay's states in memory for the next replay; False when this store
        does not (the replay then saves checkpoints)."""
        return False


@attrs.define
class LiveStates:
    """Every projection's state as a replay left it, kept in memory to resume from.

    Resuming costs nothing, however large the states: the next replay takes them over
    and applies only the records that follow ``position``. ``cache`` holds what a
    report keeps between builds (views at earlier moments).
    """

    position: int
    hash: str
    projections: dict[str, Any]
    """The projection objects, by name (their type and version must match to resume)."""
    states: dict[str, Any]
    revisions: Any
    max_recorded: datetime | None
    """The latest ``recorded`` time of any record read so far."""
    codec: Any
    cache: dict[Any, Any] = attrs.field(factory=dict)
    pending: Any = None
    """The replay's snapshot, whose views are made from these states when first read."""

    def checkpoint(self, name: str) -> Checkpoint | None:
        """The checkpoint of one projection, as :meth:`Checkpoints.load` gives it."""
        projection = self.projections.get(name)
        if projection is None:
            return None
        return Checkpoint(
            name,
            projection.version,
            self.position,
            self.hash,
            projection.dump(self.states[name], self.codec),
            self.revisions.dump(),
        )


class MemoryCheckpoints(Checkpoints):
    """Checkpoints kept in memory, for one process.

    A replay leaves its states here as they are (:class:`LiveStates`), and the next
    replay goes on from them: nothing is copied or encoded either way.
    """

    def __init__(self) -> None:
        self._saved: dict[str, Checkpoint] = {}
        self._live: LiveStates | None = None
        self._lock = threading.Lock()

    def load(self, projection: str) -> Checkpoint | None:
        with self._lock:
            live, saved = self._live, self._saved.get(projection)
        if saved is None and live is not None:
            return live.checkpoint(projection)
        return saved

    def save(self, checkpoint: Checkpoint) -> None:
        with self._lock:
            self._saved[checkpoint.projection] = checkpoint
            if self._live is not None:  # what was saved now stands: put the rest beside it
                live, self._live = self._live, None
                for name in live.projections:
                    if name != checkpoint.projection:
                        found = live.checkpoint(name)
                        if found is not None:
                            self._saved.setdefault(name, found)

    def take_live(self) -> LiveStates | None:
        with self._lock:
            live, self._live = self._live, None
        return live

    def keep_live(self, live: LiveStates) -> bool:
        with self._lock:
            self._live = live
            self._saved.clear()  # older than the live states
        return True


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
        # not writable by others whatever the umask: a planted checkpoint would be replayed
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o755)
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
