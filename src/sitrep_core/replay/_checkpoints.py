"""Checkpoints: a fold's state kept between replays, so a replay goes on from it.

A checkpoint is data, never trusted: it says which log position and record hash
it reflects and which projections (and versions) it holds, and a replay uses it
only when the log still has that record there. A file checkpoint is checked like
any input (a digest over its bytes, every event decoded and validated by the
codec); anything wrong with it costs a full replay and a warning, never a report
built from damaged state.
"""

from __future__ import annotations

import hashlib
import os
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from ..codec import Codec
from ..errors import SitrepError, ValidationError
from ..projections import Projection
from ..stores import Record
from ..stores._files import replace_whole
from ._fold import FoldState, fold

FORMAT = "sitrep-checkpoint/2"


class CheckpointWarning(UserWarning):
    """A checkpoint could not be used (damaged, edited, stale or of other projections);
    the replay started from the beginning of the log instead."""


class Checkpoints(ABC):
    """Where a replay keeps its fold state for the next replay."""

    @abstractmethod
    def resume(self, projections: Sequence[Projection[Any, Any]], codec: Codec) -> FoldState | None:
        """A state of these projections to go on from (None: start from the beginning).

        The replay still checks that the log has the state's record at its position.
        """

    @abstractmethod
    def keep(self, state: FoldState, codec: Codec) -> None:
        """Keep the state a replay left, for the next replay."""


class MemoryCheckpoints(Checkpoints):
    """The fold state kept in memory, for replays in one process.

    The next replay takes the state over as it is and folds only the records that
    follow it; nothing is copied or encoded either way. A state is handed to one
    replay at a time.
    """

    def __init__(self) -> None:
        self._state: FoldState | None = None
        self._lock = threading.Lock()

    def resume(self, projections: Sequence[Projection[Any, Any]], codec: Codec) -> FoldState | None:
        with self._lock:
            state, self._state = self._state, None
        wanted = [(p.name, type(p), p.version) for p in projections]
        if state is None or state.signature() != wanted:
            return None
        return state

    def keep(self, state: FoldState, codec: Codec) -> None:
        with self._lock:
            self._state = state


class FileCheckpoints(Checkpoints):
    """The fold state as one file in ``directory``: the records folded so far, with a
    header saying what they are and a digest over the whole, replaced atomically.

    Reading it back decodes and validates every event again, so it is worth having
    where the log itself is slow to read (a distant PostgreSQL server), not to make a
    replay of a local file cheaper.
    """

    def __init__(self, directory: str | os.PathLike[str], name: str = "fold") -> None:
        self.directory = Path(directory)
        self.path = self.directory / f"{name}.checkpoint"

    def resume(self, projections: Sequence[Projection[Any, Any]], codec: Codec) -> FoldState | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            _warn(self.path, f"cannot be read ({exc.strerror})")
            return None
        try:
            return self._load(data, projections, codec)
        except (SitrepError, ValueError, TypeError, KeyError, IndexError) as exc:
            _warn(self.path, str(exc))
            return None

    def _load(
        self, data: bytes, projections: Sequence[Projection[Any, Any]], codec: Codec
    ) -> FoldState | None:
        body, _, tail = data.rstrip(b"\n").rpartition(b"\n")
        digest = orjson.loads(tail)
        if not isinstance(digest, dict) or digest.get("sha256") != _digest(body + b"\n"):
            raise ValidationError("its digest does not match its content (edited or truncated)")
        lines = body.split(b"\n")
        header = orjson.loads(lines[0])
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValidationError(f"it is not a {FORMAT} file")
        wanted = [[p.name, p.version] for p in projections]
        if header.get("projections") != wanted:
            raise ValidationError("it holds other projections or versions of them")
        state = FoldState(projections)
        fold(_records(lines[1:], codec, str(self.path)), state)
        head = header.get("hash")
        if state.position != header.get("position") or not isinstance(head, str):
            raise ValidationError("its records do not end where its header says")
        state.head_hash = head  # the replay checks it against the log's record there
        return state

    def keep(self, state: FoldState, codec: Codec) -> None:
        # not writable by others whatever the umask: a planted checkpoint is refused on
        # its digest or its events, but need not be invited
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o755)
        header = {
            "format": FORMAT,
            "position": state.position,
            "hash": state.head_hash,
            "projections": [[p.name, p.version] for p in state.projections],
        }
        facts = sorted(state.facts.values(), key=lambda fact: fact.position)
        body = b"".join(
            [
                orjson.dumps(header) + b"\n",
                *(orjson.dumps([f.position, codec.to_dict(f.event)]) + b"\n" for f in facts),
            ]
        )
        data = body + orjson.dumps({"sha256": _digest(body)}) + b"\n"
        replace_whole(self.path, data, prefix=".checkpoint-")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _records(lines: list[bytes], codec: Codec, source: str) -> Iterator[Record]:
    previous = 0
    for number, line in enumerate(lines, start=2):
        item = orjson.loads(line)
        if not (isinstance(item, list) and len(item) == 2 and type(item[0]) is int):
            raise ValidationError("not a checkpoint record", source=source, line=number)
        position, event = item
        if position <= previous:
            raise ValidationError("positions out of order", source=source, line=number)
        previous = position
        try:
            decoded = codec.from_dict(event)
        except ValidationError as exc:
            raise exc.located(source=source, line=number) from None
        # the hash is the log's to vouch for: the replay checks the head against the log
        yield Record(position, decoded, "", "")


def _warn(path: Path, why: str) -> None:
    warnings.warn(
        CheckpointWarning(f"{path}: not used, {why}; replaying the whole log"), stacklevel=4
    )
