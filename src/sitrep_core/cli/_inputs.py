"""Files of input events: reading one, telling one from a log, and naming the input line
an append's error is about.

A file of events is what ``append`` takes: JSON Lines, one event a line, or one JSON
object or array. A JSON Lines log holds records (position, prev, hash, event). Which of
the two a file is shows in its first line, so a reading command can take either.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path

import attrs
import orjson

from ..codec._codec import Codec
from ..errors import ValidationError
from ..model import Event
from ._failures import Failure

_RECORD_KEYS = ("position", "prev", "hash", "event")
_RECORD_START = b'{"position":'
_SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
_FIRST_LINE_MAX = 1 << 20
"""Bytes of a line looked at: a longer line is judged by its start."""


@attrs.frozen
class InputEvents:
    """The events of an input, with the bytes they came from (to name lines) and its name."""

    events: list[Event]
    data: bytes
    source: str


def read_events(codec: Codec, file: str) -> InputEvents:
    """The events of ``file`` (``-`` for stdin), every bad line reported at once."""
    if file == "-":
        data, source = sys.stdin.buffer.read(), "<stdin>"
    else:
        data, source = Path(file).read_bytes(), file
    return InputEvents(codec.read_input(data, source=source), data, source)


class Shape(enum.Enum):
    """What a file holds, as its first line shows."""

    LOG = "log"
    EVENTS = "events"
    NEITHER = "neither"


def local_path(target: str) -> Path | None:
    """The file a target names, or None for a server or memory."""
    if target in ("memory:", ":memory:") or target.startswith(("postgresql://", "postgres://")):
        return None
    return Path(target.removeprefix("sqlite://"))


def shape_of(target: str) -> Shape | None:
    """``Shape.EVENTS`` for a file of input events, ``Shape.LOG`` for what may be a JSON
    Lines log (the store checks it), ``Shape.NEITHER`` for a file whose first line is
    neither, None for a target that is no such file."""
    path = local_path(target)
    if path is None or target.startswith("sqlite://") or path.suffix in _SQLITE_SUFFIXES:
        return None  # a server, memory, or SQLite: no lines to look at
    try:
        first = _first_line(path)
    except OSError:
        return None  # missing, a directory, unreadable: the store says which
    if first is None:
        return Shape.LOG  # empty: a new log
    line = first[1]
    if line.startswith(_RECORD_START):
        return Shape.LOG
    if line.startswith(b"[") or line == b"{":
        return Shape.EVENTS  # an array, or one object over several lines, as append takes
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        data = None
    if isinstance(data, dict):
        if all(key in data for key in _RECORD_KEYS):
            return Shape.LOG
        if isinstance(data.get("type"), str):
            return Shape.EVENTS
    return Shape.NEITHER


def neither(target: str) -> Failure:
    """The failure of a reading command given a file that is neither a log nor events."""
    path = local_path(target)
    first = _first_line(path) if path is not None else None
    line = f", line {first[0]}" if first is not None else ""
    return Failure(
        f"{target}{line}: not a log record, nor an event (a log's records hold "
        "position, prev, hash and event; a file of events holds one event a line, "
        "with its type)"
    )


def _first_line(path: Path) -> tuple[int, bytes] | None:
    """The number and text of the first line with anything on it, or None."""
    with path.open("rb") as handle:
        number = 0
        while raw := handle.readline(_FIRST_LINE_MAX):
            number += 1
            line = raw.removeprefix(b"\xef\xbb\xbf").strip(b"\x00 \t\r\n")
            if line:
                return number, line
    return None


def locate(exc: ValidationError, read: InputEvents) -> ValidationError:
    """The error of an append, located at the input line (or item) of the event it is
    about: the store says which event of the batch by its ``index``."""
    index = exc.index
    if index is None or not 0 <= index < len(read.events):
        return exc.located(source=read.source)
    return at_index(exc, read, index)


def at_index(exc: ValidationError, read: InputEvents, index: int) -> ValidationError:
    """``exc`` located at the input line of event ``index`` (its item, for an array)."""
    data = read.data
    lines = [n for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    if len(lines) == len(read.events) and not data.strip().startswith(b"["):
        return exc.located(source=read.source, line=lines[index])
    return exc.located(source=read.source, field_prefix=f"[{index}]")
