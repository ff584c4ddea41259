"""The embedded default store: one JSON Lines file, one record a line.

A line is ``{"position":N,"prev":H,"hash":H,"event":{...}}``; the lines of a batch
but its last also say ``"more":K`` (how many of the batch follow), so a batch cut
short by a crash is recognised and set aside whole. Writers serialise on an
exclusive ``flock`` of the file; readers need no lock.
"""

from __future__ import annotations

import fcntl
import os
import re
import warnings
from array import array
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from ..codec._codec import Codec
from ..errors import CorruptLogError, TornTailWarning
from ..model import Event
from ._log import GENESIS, Clock, EventLog, Record, StoredRow

_EVENT_KEY = b',"event":'


def create_file(path: Path) -> None:
    """Create an empty log file: refuses to overwrite or to follow a symlink; not world-writable."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory or Path("."), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def encode_line(row: StoredRow, more: int) -> bytes:
    extra = b',"more":%d' % more if more else b""
    return b'{"position":%d,"prev":"%s","hash":"%s"%s,"event":%s}\n' % (
        row.position,
        row.prev.encode("ascii"),
        row.hash.encode("ascii"),
        extra,
        row.event_bytes,
    )


def _event_bytes(line: bytes, parsed: dict[str, Any]) -> bytes:
    """The event's bytes exactly as written (what the hash covers)."""
    start = line.find(_EVENT_KEY)
    end = len(line.rstrip(b"\r\n")) - 1
    if start < 0 or line[end : end + 1] != b"}":
        return orjson.dumps(parsed.get("event"))
    return line[start + len(_EVENT_KEY) : end]


def _parse_line(line: bytes) -> dict[str, Any] | None:
    """The record a complete line holds, or None when it is not one of ours."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if (
        not isinstance(data, dict)
        or type(data.get("position")) is not int
        or not isinstance(data.get("hash"), str)
        or not isinstance(data.get("prev"), str)
        or not isinstance(data.get("event"), dict)
        or type(data.get("more", 0)) is not int
    ):
        return None
    return data


_RECORD_START = b'{"position":'
_HASH_CHARS = frozenset("0123456789abcdef")


def _index_problem(data: dict[str, Any], expected: int) -> str | None:
    """What keeps a parsed record out of the index (positions, ids, hashes), or None."""
    if data["position"] != expected:
        return f"position {data['position']} where {expected} was expected"
    if not isinstance(data["event"].get("id"), str):
        return "the event has no id"
    if len(data["hash"]) != 64 or not _HASH_CHARS.issuperset(data["hash"]):
        return "the hash is not 64 hex digits"
    return None


def _is_torn_tail(tail: bytes) -> bool:
    """True when ``tail`` is what a crash leaves after the last whole batch: whole
    records of an unfinished batch, then the start of one; or the NUL bytes some file
    systems leave. Anything else is not ours to cut (a file that is not a log)."""
    *whole, last = tail.split(b"\n")
    for line in whole:
        if line.strip(b"\x00 \t\r") and _parse_line(line + b"\n") is None:
            return False
    rest = last.strip(b"\x00 \t\r")
    return not rest or rest.startswith(_RECORD_START) or _RECORD_START.startswith(rest)


_REREADS = 3
"""How often a reader starts again a batch whose records do not follow on."""


def _follows(before: dict[str, Any], data: Any) -> bool:
    """Whether ``data`` is the record after ``before``: the next position, linked to it."""
    position = before.get("position")
    return (
        isinstance(data, dict)
        and type(position) is int
        and data.get("position") == position + 1
        and data.get("prev") == before.get("hash")
    )


_POSITION_PREFIX = re.compile(rb'\{"position":([1-9][0-9]{0,17}),')


def _line_at(handle: Any, at: int) -> tuple[int, int] | None:
    """(position, length) of the record line that starts at byte ``at``, or None at the
    end of the file or a line that is not a whole record of ours."""
    handle.seek(at)
    line = handle.readline()
    found = _POSITION_PREFIX.match(line)
    if found is None or not line.endswith(b"\n"):
        return None
    return int(found.group(1)), len(line)


def _seek_position(handle: Any, position: int) -> int | None:
    """Put ``handle`` at the line of record ``position`` without reading the lines
    before it, by bisecting the file on the positions lines start with (a log holds
    one record a line, positions from 1 without gaps). The number of the line before
    it, or None when the file does not look like that (read it line by line then)."""
    if position <= 1:
        return None
    low, high = 0, handle.seek(0, os.SEEK_END)
    while high - low > 1 << 16:  # then a short scan finishes it
        middle = (low + high) // 2
        handle.seek(middle)
        handle.readline()  # the rest of the line landed in
        at = handle.tell()
        found = _line_at(handle, at)
        if found is None:
            return None
        if found[0] < position:
            low = at
        else:
            high = middle
    at = low
    found = _line_at(handle, at)
    while found is not None and found[0] < position:
        at += found[1]
        found = _line_at(handle, at)
    if found is None or found[0] != position:
        return None
    handle.seek(at)
    return position - 1


class JsonlLog(EventLog):
    """A log in one JSON Lines file: fsynced appends, crash recovery, multi-process safe."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        codec: Codec | None = None,
        create: bool = True,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(codec, clock=clock)
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise FileNotFoundError(f"{self.path}: no such log")
            try:
                create_file(self.path)
            except FileExistsError:
                if self.path.is_symlink():  # dangling: creating would write where it points
                    raise
                # another process created the log first: open theirs
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC)
        # what is known of the committed part of the file
        self._size = 0
        self._head = 0
        self._head_hash = GENESIS
        self._lines = 0
        self._offsets = array("q")
        self._ids: dict[str, int] = {}

    @property
    def name(self) -> str:
        return str(self.path)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _fileno(self) -> int:
        if self._fd is None:
            raise ValueError(f"{self.path}: the log is closed")
        return self._fd

    # -- keeping up with the file --------------------------------------------------

    def _refresh(self, *, recover: bool) -> None:
        """Index the committed lines written since we last looked.

        With ``recover`` (only under the writers' lock), a tail that is not a complete
        batch is the remains of a crashed write: it is moved aside and cut off.
        """
        fd = self._fileno()
        size = os.fstat(fd).st_size
        if size < self._size:
            raise CorruptLogError(
                f"the file shrank from {self._size} to {size} bytes since it was read",
                source=str(self.path),
            )
        if size == self._size:
            return
        with open(self.path, "rb") as handle:
            handle.seek(self._size)
            offset, line_no = self._size, self._lines
            held: list[tuple[int, int, dict[str, Any], bytes]] = []
            rereads = 0
            while line := handle.readline():
                line_no += 1
                if not line.endswith(b"\n"):
                    break
                data = _parse_line(line)
                if not recover and held and not _follows(held[-1][2], data) and rereads < _REREADS:
                    # a crashed writer's batch, cut off by another writer's recovery and
                    # written over while we read it: read again from where it began
                    handle.seek(self._size)
                    offset, line_no = self._size, self._lines
                    held.clear()
                    rereads += 1
                    continue
                if data is None:
                    if recover and self._only_garbage_after(handle):
                        break
                    raise CorruptLogError(
                        "not a log record (run 'sitrep verify' to see what is wrong)",
                        source=str(self.path),
                        line=line_no,
                    )
                held.append((offset, line_no, data, line))
                offset += len(line)
                if data.get("more", 0):
                    continue
                for index, (_start, number, record, _raw) in enumerate(held):
                    problem = _index_problem(record, len(self._offsets) + index + 1)
                    if problem is not None:
                        raise CorruptLogError(
                            f"{problem} (run 'sitrep verify' to see what is wrong)",
                            source=str(self.path),
                            line=number,
                        )
                for start, number, record, _raw in held:
                    self._offsets.append(start)
                    self._ids[record["event"].get("id")] = record["position"]
                    self._head, self._head_hash = record["position"], record["hash"]
                    self._lines = number
                self._size = offset
                held.clear()
                rereads = 0
        if recover and size > self._size:
            self._set_aside(size)

    @staticmethod
    def _only_garbage_after(handle: Any) -> bool:
        """True when no complete record follows: what we stand on is a torn tail."""
        return not any(rest.endswith(b"\n") and _parse_line(rest) is not None for rest in handle)

    def _set_aside(self, size: int) -> None:
        fd = self._fileno()
        with open(self.path, "rb") as handle:
            handle.seek(self._size)
            torn = handle.read(size - self._size)
        if not _is_torn_tail(torn):
            raise CorruptLogError(
                f"{len(torn)} bytes after line {self._lines} are not what an interrupted "
                "write leaves; not cutting them (is this a log? run 'sitrep verify')",
                source=str(self.path),
                line=self._lines + 1,
            )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.name}.torn-{stamp}-{os.getpid()}")
        out = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        try:
            os.write(out, torn)
            os.fsync(out)
        finally:
            os.close(out)
        os.ftruncate(fd, self._size)
        os.fsync(fd)
        _fsync_dir(self.path.parent)
        warnings.warn(
            TornTailWarning(
                f"{self.path}: an unfinished write of {len(torn)} bytes after line {self._lines} "
                f"was cut off and kept in {aside.name}"
            ),
            stacklevel=4,
        )

    # -- EventLog primitives -------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        fd = self._fileno()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            self._refresh(recover=True)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def recover(self) -> None:
        """Cut off a torn tail now (appends do it anyway); warns when it finds one."""
        with self._thread_lock, self._locked():
            pass

    def _tip(self) -> tuple[int, str]:
        return self._head, self._head_hash

    def _lookup(self, event_id: str) -> tuple[int, bytes] | None:
        position = self._ids.get(event_id)
        if position is None:
            return None
        with open(self.path, "rb") as handle:
            handle.seek(self._offsets[position - 1])
            line = handle.readline()
        data = _parse_line(line)
        if data is None:
            raise CorruptLogError("not a log record", source=str(self.path), line=position)
        return position, _event_bytes(line, data)

    def _write(self, rows: list[StoredRow]) -> None:
        fd = self._fileno()
        last = len(rows) - 1
        lines = [encode_line(row, last - index) for index, row in enumerate(rows)]
        payload = b"".join(lines)
        view = memoryview(payload)
        written = 0
        try:
            while written < len(payload):
                written += os.write(fd, view[written:])
            os.fsync(fd)
        except BaseException:
            # leave no half batch behind; what cannot be cut now is set aside on the next open
            try:
                os.ftruncate(fd, self._size)
                os.fsync(fd)
            except OSError:
                pass
            raise
        offset = self._size
        for row, line in zip(rows, lines, strict=True):
            self._offsets.append(offset)
            offset += len(line)
            event_id = row.event.id if row.event is not None else None
            self._ids[event_id or orjson.loads(row.event_bytes)["id"]] = row.position
        self._size = offset
        self._lines += len(rows)
        self._head, self._head_hash = rows[-1].position, rows[-1].hash

    @property
    def head(self) -> int:
        with self._thread_lock:
            self._refresh(recover=False)
            return self._head

    def get(self, event_id: str) -> Record | None:
        # a reader: no writers' lock, so it neither waits for them nor cuts a torn tail
        with self._thread_lock:
            self._refresh(recover=False)
            position = self._ids.get(event_id)
        if position is None:
            return None
        return next(self.read(position), None)

    def read(
        self, from_position: int = 1, *, types: Collection[str] | None = None
    ) -> Iterator[Record]:
        wanted = None if types is None else frozenset(types)
        decode = self.codec.from_dict
        source = str(self.path)
        with open(self.path, "rb") as handle:
            start = max(from_position, 1)
            line_no = 0
            if start - 1 < len(self._offsets):
                handle.seek(self._offsets[start - 1])
                line_no = start - 1
            elif not self._offsets and (found := _seek_position(handle, start)) is not None:
                line_no = found  # this handle has not indexed the file: found by bisection
            else:
                if self._offsets:
                    handle.seek(self._offsets[-1])
                    handle.readline()
                    line_no = len(self._offsets)
                while line_no < start - 1 and handle.readline():
                    line_no += 1
            held: list[tuple[int, dict[str, Any]]] = []
            offset = held_at = handle.tell()
            rereads = 0
            while line := handle.readline():
                line_no += 1
                if not line.endswith(b"\n"):
                    return  # a write in progress, or a torn tail not yet recovered
                try:
                    data = orjson.loads(line)
                    more = data.get("more", 0)
                except (orjson.JSONDecodeError, AttributeError):
                    data = None
                if held and not _follows(held[-1][1], data) and rereads < _REREADS:
                    # a crashed writer's batch, cut off by a writer's recovery and written
                    # over while we read it: read again from where it began (a batch that
                    # is damaged reads the same again, and is left for verify to report)
                    handle.seek(held_at)
                    offset, line_no = held_at, held[0][0] - 1
                    held.clear()
                    rereads += 1
                    continue
                if data is None:
                    raise CorruptLogError("not a log record", source=source, line=line_no)
                if not held:
                    held_at = offset
                offset += len(line)
                held.append((line_no, data))
                if more:
                    continue
                for number, record in held:
                    try:
                        event_data = record["event"]
                        if wanted is not None and event_data.get("type") not in wanted:
                            continue
                        event: Event = decode(event_data)
                        yield Record(record["position"], event, record["hash"], record["prev"])
                    except (KeyError, TypeError, AttributeError):
                        raise CorruptLogError(
                            "not a log record", source=source, line=number
                        ) from None
                    except Exception as exc:
                        raise CorruptLogError(
                            f"the event does not decode: {exc}", source=source, line=number
                        ) from None
                held.clear()
                rereads = 0

    def _rows(self) -> Iterator[StoredRow]:
        with open(self.path, "rb") as handle:
            expected_more: int | None = None
            held: list[StoredRow] = []
            for number, line in enumerate(handle, start=1):
                if not line.endswith(b"\n"):
                    if not _is_torn_tail(line):  # not a write in progress either
                        yield from held
                        yield StoredRow(number, "", "", b"", number, "not a log record")
                    return
                data = _parse_line(line)
                if data is None:
                    yield from held
                    yield StoredRow(
                        number, "", "", b"", number, "not a log record (not the JSON of one)"
                    )
                    return
                more = data.get("more", 0)
                problem = None
                if expected_more is not None and more != expected_more:
                    problem = "the batch markers do not follow on (a line was removed or inserted)"
                row = StoredRow(
                    data["position"],
                    data["prev"],
                    data["hash"],
                    _event_bytes(line, data),
                    number,
                    problem,
                )
                held.append(row)
                expected_more = more - 1 if more else None
                if problem is not None or not more:
                    yield from held
                    held.clear()
                    if problem is not None:
                        return
