"""The embedded default store: one JSON Lines file, one record a line.

A record line (see ``_jsonl_lines``) says its position, links, stream and event; the
lines of a batch but its last also say ``"more":K``, so a batch cut short by a crash
is recognised and set aside whole. Writers serialise on an exclusive ``flock`` of
the file; readers need no lock. Every batch a reader indexes is checked (positions,
links, hashes); what is not a torn tail is reported, never cut off.
"""

from __future__ import annotations

import errno
import fcntl
import os
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TypeVar

import orjson

from ..codec._codec import Codec
from ..errors import (
    BrokenChainError,
    CorruptLogError,
    LogPermissionError,
    ReadOnlyLogError,
    StoreUnavailableError,
    TornTailWarning,
)
from ._files import create_file, fsync_dir, open_regular
from ._jsonl_index import CopyError, LineIndex, load, save
from ._jsonl_lines import (
    Line,
    could_start_a_record,
    encode_line,
    event_id_of,
    follows,
    line_at,
    parse_line,
    torn_tail_problem,
)
from ._jsonl_lines import seek_position as _seek_position
from ._log import ChainCheck, Clock, EventLog, StoredEvent, StoredRow

T = TypeVar("T")

_NOT_A_RECORD = "not a log record (not the JSON of one)"
_CUT = "the file was cut inside a batch while it was read"
STREAMED_BATCH = 1000
"""Lines a batch must have for a reader to read it a part of as many lines at a time,
once it has found the whole batch in the file, rather than hold it until its last
line (a batch of a million events would otherwise be held whole)."""
WRITE_LINES = 10_000
"""Lines of a batch encoded and written at a time."""
_REREADS = 3
"""How often a reader starts again a batch whose records do not follow on."""


class JsonlLog(EventLog):
    """A log in one JSON Lines file: fsynced appends, crash recovery, multi-process safe.

    A file this user cannot write (or ``readonly=True``) opens for reading: appends
    then raise :class:`~sitrep_core.ReadOnlyLogError`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        codec: Codec | None = None,
        create: bool = True,
        clock: Clock | None = None,
        readonly: bool = False,
    ) -> None:
        super().__init__(codec, clock=clock)
        self.path = Path(path)
        self._fd: int | None = None
        self._index = LineIndex()
        if not self.path.exists() and not readonly:
            if not create:
                raise FileNotFoundError(f"{self.path}: no such log")
            create_file(self.path)  # False: another process created it first; open theirs
        self.readonly = readonly
        self._fd = self._open()
        self._opener = os.getpid()
        try:
            with open(self.path, "rb") as handle:
                # what the copy of the index beside the log holds, checked against it
                self._index = load(self.path, handle, writable=not self.readonly)
        except BaseException:
            self.close()
            raise

    def _open(self) -> int:
        if not self.readonly:
            try:
                return open_regular(self.path, os.O_RDWR | os.O_APPEND)
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise
            self.readonly = True  # still readable, perhaps: verify, render, replay
        try:
            return open_regular(self.path, os.O_RDONLY)
        except PermissionError:
            raise LogPermissionError(
                f"{self.path}: permission denied (this user may not read the log)",
                source=str(self.path),
            ) from None

    @property
    def name(self) -> str:
        return str(self.path)

    def close(self) -> None:
        if self._fd is not None:
            self._save_copy()
            os.close(self._fd)
            self._fd = None
        self._index.close()

    def _save_copy(self) -> None:
        """Add to the copy beside the log the records this process appended and has not
        added yet (see :func:`save`). Only speed depends on it: a failure leaves the copy
        behind, and the next opener reads the rest from the log. A process that only
        read leaves the copy as it found it."""
        if self.readonly or not self._index.unsaved_batches or self._fd is None:
            return
        if os.getpid() != self._opener:
            return  # a forked child shares the parent's lock on the file: it leaves it be
        with self._thread_lock:
            fd = self._fd
            held = self._holding  # inside exclusive(), which keeps the lock to its end
            try:
                if not held:
                    fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                return
            try:
                self._refresh(recover=False)
                save(self.path, self._index, every=1)
            except (CorruptLogError, CopyError, OSError):
                pass
            finally:
                if not held:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def _fileno(self) -> int:
        if self._fd is None:
            raise ValueError(f"{self.path}: the log is closed")
        return self._fd

    def _corrupt_at(
        self,
        message: str,
        line: int | None,
        position: int | None = None,
        event_id: str | None = None,
        kind: type[CorruptLogError] = CorruptLogError,
    ) -> CorruptLogError:
        return kind(
            f"{message} (run 'sitrep verify' to see what is wrong)",
            source=str(self.path),
            line=line,
            position=position,
            event_id=event_id,
        )

    # -- keeping up with the file --------------------------------------------------

    def _refresh(self, *, recover: bool) -> None:
        """Index the committed batches written since we last looked, checking each.

        With ``recover`` (only under the writers' lock), a tail that is not a complete
        batch is the remains of a crashed write: it is moved aside and cut off.
        """
        try:
            self._index_new_batches(recover=recover)
        except CopyError:
            self._forget_copy(refresh=False)
            self._index_new_batches(recover=recover)

    def _forget_copy(self, *, refresh: bool = True) -> None:
        """Stop relying on the copy of the index beside the log (a lookup in it failed,
        or a line it points to is not the record it names): index the file itself, as
        when there is no copy. The next writer makes the copy again."""
        self._index.close()
        self._index = LineIndex()
        if refresh:
            self._index_new_batches(recover=False)

    def _looked_up(self, lookup: Callable[[LineIndex], T]) -> T:
        """``lookup`` of the index (thread lock held); when the copy beside the log
        fails it, ``lookup`` again without the copy."""
        try:
            return lookup(self._index)
        except CopyError:
            self._forget_copy()
            return lookup(self._index)

    def _index_new_batches(self, *, recover: bool) -> None:
        index = self._index
        size = os.fstat(self._fileno()).st_size
        if size < index.size:
            raise CorruptLogError(
                f"the file shrank from {index.size} to {size} bytes since it was read",
                source=str(self.path),
            )
        if size == index.size:
            return
        with open(self.path, "rb") as handle:
            handle.seek(index.size)
            offset, line_no = index.size, index.lines
            batch = _NewBatch(index.head, index.head_hash)
            rereads = 0
            while line := handle.readline():
                line_no += 1
                if not line.endswith(b"\n"):
                    break
                parsed = parse_line(line, line_no)
                last = batch.last
                torn = last is not None and not follows(last, parsed)
                if torn and rereads < _REREADS and not recover:
                    # a crashed writer's batch, cut off by another writer's recovery and
                    # written over while we read it: read again from where it began
                    handle.seek(index.size)
                    offset, line_no = index.size, index.lines
                    batch = _NewBatch(index.head, index.head_hash)
                    rereads += 1
                    continue
                if parsed is None:
                    if recover and self._only_garbage_after(handle):
                        break
                    raise self._corrupt_at("not a log record", line_no)
                if last is not None and parsed.more != last.more - 1:
                    raise self._corrupt_at(
                        "the batch markers do not follow on (a line was removed or added)",
                        line_no,
                        kind=BrokenChainError,
                    )
                self._take(batch, offset, parsed)
                offset += len(line)
                if parsed.more:
                    continue
                self._index_batch(batch)
                index.commit(offset, line_no)
                batch = _NewBatch(index.head, index.head_hash)
                rereads = 0
        if recover and size > index.size:
            self._set_aside(size)

    def _take(self, batch: _NewBatch, offset: int, parsed: Line) -> None:
        """Check one record of a batch being indexed against the chain, and keep what the
        index needs of it (not its line: a batch of a million is not held whole). A
        problem is kept, not raised, until the batch is whole: a batch still being
        written is not judged."""
        batch.last = parsed
        if batch.problem is not None:
            return
        row = parsed.row
        event_id = event_id_of(parsed)
        problem = batch.check.problem(row)
        if problem is not None:
            batch.found(
                row.line,
                self._corrupt_at(problem, row.line, row.position, event_id, BrokenChainError),
            )
            return
        if event_id is None:
            batch.found(row.line, self._corrupt_at("the event has no id", row.line, row.position))
            return
        if event_id in batch.pending:
            twice = f"event id {event_id!r} is stored twice"
            batch.found(row.line, self._corrupt_at(twice, row.line, row.position, event_id))
            return
        stream = row.stream if row.stream is not None else self._legacy_stream(row, batch.pending)
        batch.pending[event_id] = stream
        batch.entries.append((offset, event_id, stream, row.hash))
        batch.lines.append((row.line, row.position))
        if len(batch.entries) - batch.looked_up >= STREAMED_BATCH:
            self._look_up_ids(batch)

    def _look_up_ids(self, batch: _NewBatch) -> None:
        """Note the first of the records taken since the last look-up whose id the log
        stores already (ids are looked up a part of the batch at a time)."""
        taken = batch.entries[batch.looked_up :]
        stored = self._index.positions_of([event_id for _, event_id, _, _ in taken])
        for (_, event_id, _, _), (line, position) in zip(taken, batch.lines, strict=True):
            if event_id in stored:
                twice = f"event id {event_id!r} is stored twice"
                batch.found(line, self._corrupt_at(twice, line, position, event_id))
                break
        batch.looked_up = len(batch.entries)
        batch.lines.clear()

    def _index_batch(self, batch: _NewBatch) -> None:
        """Index a whole batch (all or none of it), or raise its first problem."""
        if batch.looked_up < len(batch.entries):
            self._look_up_ids(batch)
        if batch.problem is not None:
            raise batch.problem[1]
        index = self._index
        for entry in batch.entries:
            index.add(*entry)

    def _legacy_stream(self, row: StoredRow, pending: Mapping[str, str]) -> str:
        """The stream of a record written before lines said it: from its event."""
        try:
            event = self.codec.from_dict(orjson.loads(row.event_bytes))
        except Exception as exc:
            raise self._corrupt_at(f"the event does not decode: {exc}", row.line) from None
        link = event.corrects or event.retracts
        if link is not None:
            if link in pending:
                return pending[link]
            position = self._index.position_of(link)
            if position is not None:
                return self._index.stream_of(position)
        return event.stream

    @staticmethod
    def _only_garbage_after(handle: object) -> bool:
        """True when no complete record follows: what we stand on may be a torn tail."""
        return not any(
            rest.endswith(b"\n") and parse_line(rest) is not None
            for rest in handle  # type: ignore[attr-defined]
        )

    def _set_aside(self, size: int) -> None:
        fd = self._fileno()
        index = self._index
        with open(self.path, "rb") as handle:
            handle.seek(index.size)
            torn = handle.read(size - index.size)
        found = torn_tail_problem(torn, index.head, index.head_hash)
        if found is not None:
            problem, broken = found
            raise (BrokenChainError if broken else CorruptLogError)(
                f"{len(torn)} bytes after line {index.lines} are not what an interrupted "
                f"write leaves ({problem}); not cutting them (run 'sitrep verify')",
                source=str(self.path),
                line=index.lines + 1,
            )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.name}.torn-{stamp}-{os.getpid()}")
        try:
            out = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            try:
                os.write(out, torn)
                os.fsync(out)
            finally:
                os.close(out)
            os.ftruncate(fd, index.size)
            os.fsync(fd)
            fsync_dir(self.path.parent)
        except OSError as exc:
            reason = (os.strerror(exc.errno) if exc.errno else str(exc)).lower()
            raise StoreUnavailableError(
                f"{self.path}: cannot set aside the unfinished write after line {index.lines} "
                f"({reason}); nothing was appended",
                source=str(self.path),
                host=str(self.path),
                committed=False,
            ) from exc
        warnings.warn(
            TornTailWarning(
                f"{self.path}: an unfinished write of {len(torn)} bytes after line {index.lines} "
                f"was cut off and kept in {aside.name}"
            ),
            stacklevel=5,
        )

    # -- EventLog primitives -------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if self.readonly:
            raise ReadOnlyLogError(
                f"{self.path}: the log is open for reading only (the file, its directory or "
                "its file system is not writable); nothing was appended",
                source=str(self.path),
            )
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
        return self._index.head, self._index.head_hash

    def _find(self, event_ids: Collection[str]) -> Mapping[str, StoredEvent]:
        with self._thread_lock:
            self._refresh(recover=False)
            return self._looked_up(lambda index: self._found(index, event_ids))

    def _found(self, index: LineIndex, event_ids: Collection[str]) -> dict[str, StoredEvent]:
        wanted = sorted(index.positions_of(event_ids).items(), key=lambda item: item[1])
        offsets = [index.offset_of(position) for _, position in wanted]
        streams = [index.stream_of(position) for _, position in wanted]
        found: dict[str, StoredEvent] = {}
        if not wanted:
            return found
        with open(self.path, "rb") as handle:
            for (event_id, position), offset, stream in zip(wanted, offsets, streams, strict=True):
                handle.seek(offset)
                parsed = parse_line(handle.readline())
                if (
                    parsed is None
                    or parsed.row.position != position
                    or event_id_of(parsed) != event_id
                ):
                    if position <= index.base:
                        raise CopyError(f"record {position} is not where the copy says")
                    raise self._corrupt_at("not the record the index expected", None, position)
                found[event_id] = StoredEvent(position, parsed.row.event_bytes, stream)
        return found

    def _stream_versions(self, streams: Collection[str]) -> Mapping[str, int]:
        with self._thread_lock:
            self._refresh(recover=False)
            return self._looked_up(lambda index: index.stream_versions(streams))

    def _write(self, rows: Sequence[StoredRow]) -> None:
        fd = self._fileno()
        index = self._index
        last = len(rows) - 1
        lengths: list[int] = []
        written = 0
        try:
            # a part of the batch encoded and written at a time: a batch of a million
            # events is not held twice more as lines and as one string of bytes
            for start in range(0, len(rows), WRITE_LINES):
                part = [
                    encode_line(row, last - number)
                    for number, row in enumerate(rows[start : start + WRITE_LINES], start)
                ]
                lengths.extend(map(len, part))
                payload = memoryview(b"".join(part))
                del part
                done = 0
                while done < len(payload):
                    done += os.write(fd, payload[done:])
                written += done
            os.fsync(fd)
        except OSError as exc:
            whole = len(lengths) == len(rows) and written == sum(lengths)
            raise self._write_failed(exc, whole=whole) from exc
        except BaseException:
            self._cut_back()
            raise
        offset = index.size
        for row, length in zip(rows, lengths, strict=True):
            assert row.event is not None and row.stream is not None
            index.add(offset, row.event.id, row.stream, row.hash)
            offset += length
        index.commit(offset, index.lines + len(rows), appended=True)
        save(self.path, index)

    def _cut_back(self) -> bool:
        """Cut off a half-written batch; False when that failed too (the next writer will)."""
        try:
            os.ftruncate(self._fileno(), self._index.size)
            os.fsync(self._fileno())
        except OSError:
            return False
        return True

    def _write_failed(self, exc: OSError, *, whole: bool) -> StoreUnavailableError:
        """The error of a failed write, after cutting back what it left: ``committed``
        is None only when the whole batch is in the file, unsynced, and could not be
        cut off (a reader may then find it)."""
        cut = self._cut_back()
        reason = (os.strerror(exc.errno) if exc.errno else str(exc)).lower()
        if cut:
            outcome, committed = "nothing was appended", False
        elif not whole:
            outcome = "the part written is not a whole batch: the next append sets it aside"
            committed = False
        else:
            outcome = "the batch was written but not synced to disk and could not be cut off"
            committed = None
        return StoreUnavailableError(
            f"{self.path}: the append failed ({reason}); {outcome}",
            source=str(self.path),
            host=str(self.path),
            committed=committed,
        )

    @property
    def head(self) -> int:
        with self._thread_lock:
            self._refresh(recover=False)
            return self._index.head

    def _scan(
        self,
        from_position: int,
        *,
        stream: str | None = None,
        types: frozenset[str] | None = None,
    ) -> Iterator[StoredRow]:
        if stream is not None:
            yield from self._scan_stream(from_position, stream)
            return
        with open(self.path, "rb") as handle:
            start = max(from_position, 1)
            line_no = self._seek(handle, start)
            held: list[Line] = []
            streaming: Line | None = None  # the last line of a whole batch read as it goes
            part: list[Line] = []  # of that batch, not yet yielded
            offset = held_at = handle.tell()
            rereads = 0
            while line := handle.readline():
                line_no += 1
                if not line.endswith(b"\n"):
                    # a write in progress, or a torn tail not yet recovered; unless it
                    # cannot be the start of a record, or it cuts a batch found whole
                    if streaming is not None:
                        yield from (self._row(record) for record in part)
                        yield StoredRow(line_no, "", "", b"", line=line_no, problem=_CUT)
                    elif not held and not could_start_a_record(line):
                        yield StoredRow(line_no, "", "", b"", line=line_no, problem=_NOT_A_RECORD)
                    return
                parsed = parse_line(line, line_no)
                if streaming is not None:
                    # a batch found whole, read a part at a time: what is wrong in it is
                    # reported as in any other (a line that does not follow on, by the
                    # chain check)
                    if parsed is None or parsed.more != streaming.more - 1:
                        yield from (self._row(record) for record in part)
                        yield (
                            StoredRow(line_no, "", "", b"", line=line_no, problem=_NOT_A_RECORD)
                            if parsed is None
                            else _markers_broken(parsed, line_no)
                        )
                        return
                    part.append(parsed)
                    streaming = parsed if parsed.more else None
                    if streaming is None or len(part) >= STREAMED_BATCH:
                        yield from (self._row(record) for record in part)
                        part.clear()
                    offset += len(line)
                    continue
                if held and not follows(held[-1], parsed) and rereads < _REREADS:
                    # a crashed writer's batch, cut off by a writer's recovery and written
                    # over while we read it: read again from where it began (a batch that
                    # is damaged reads the same again, and the chain check reports it)
                    handle.seek(held_at)
                    offset, line_no = held_at, (held[0].row.line or 1) - 1
                    held.clear()
                    rereads += 1
                    continue
                if parsed is None:
                    yield from (record.row for record in held)
                    yield StoredRow(line_no, "", "", b"", line=line_no, problem=_NOT_A_RECORD)
                    return
                if held and parsed.more != held[-1].more - 1:
                    yield from (record.row for record in held)
                    yield _markers_broken(parsed, line_no)
                    return
                if (
                    not held
                    and parsed.more >= STREAMED_BATCH
                    and _whole_batch(handle, parsed, line, offset)
                ):
                    # a large batch, whole in the file: read a part at a time, not held
                    part.append(parsed)
                    streaming = parsed
                    offset += len(line)
                    continue
                if not held:
                    held_at = offset
                offset += len(line)
                held.append(parsed)
                if parsed.more:
                    continue
                for record in held:
                    yield self._row(record)
                held.clear()
                rereads = 0
            if streaming is not None:  # the file ends inside a batch found whole: cut
                yield from (self._row(record) for record in part)
                yield StoredRow(line_no + 1, "", "", b"", line=line_no + 1, problem=_CUT)
                return

    def _row(self, line: Line) -> StoredRow:
        return line.row if line.row.stream is not None else self._streamed(line.row)

    def _seek(self, file: IO[bytes], start: int) -> int:
        """Put ``file`` at the line of record ``start`` (or before it); the line number
        of the line before where it stands."""
        with self._thread_lock:
            index = self._index
            try:
                if start <= index.head:
                    file.seek(index.offset_of(start))
                    if _starts_record(file, start):
                        return start - 1
                elif index.head:
                    file.seek(index.offset_of(index.head))
                    if _starts_record(file, index.head):
                        file.readline()
                        return index.head
            except CopyError:
                pass
            found = _seek_position(file, start)
            if found is not None:
                return found  # not indexed here (or not where the index said): bisected
            file.seek(0)
            return 0

    def _streamed(self, row: StoredRow) -> StoredRow:
        """A row of a line written before lines named their stream, with its stream when
        this handle has indexed it."""
        with self._thread_lock:
            if row.position > self._index.head:
                return row
            stream = self._looked_up(lambda index: index.stream_of(row.position))
        return StoredRow(
            row.position, row.prev, row.hash, row.event_bytes, stream, row.line, data=row.data
        )

    def _scan_stream(self, from_position: int, stream: str) -> Iterator[StoredRow]:
        """The rows of one stream, each read where the index says it is."""
        with self._thread_lock:
            self._refresh(recover=False)
            found = self._looked_up(lambda index: index.stream_records(stream, from_position))
            base = self._index.base
        with open(self.path, "rb") as handle:
            for position, offset in found:
                handle.seek(offset)
                parsed = parse_line(handle.readline(), position)
                if position <= base and (parsed is None or parsed.row.position != position):
                    # the copy points elsewhere: read the rest without it
                    with self._thread_lock:
                        if self._index.base:
                            self._forget_copy()
                    yield from self._scan_stream(position, stream)
                    return
                if parsed is None:
                    yield StoredRow(position, "", "", b"", line=position, problem=_NOT_A_RECORD)
                    return
                yield parsed.row if parsed.row.stream is not None else self._streamed(parsed.row)


def _whole_batch(file: IO[bytes], first: Line, first_line: bytes, at: int) -> bool:
    """Whether the batch that ``first`` starts (its line ``first_line``, at byte ``at``)
    is all in ``file``: as many whole lines after it as it says, the last of them its
    last record, and its first line still there when that was found (not a torn
    batch that another writer's replaced meanwhile). ``file`` is left where it was. A
    batch found otherwise is read as any other, held until its last line."""
    here = file.tell()
    try:
        for _ in range(first.more - 1):
            if not file.readline().endswith(b"\n"):
                return False
        last = file.readline()
        parsed = parse_line(last) if last.endswith(b"\n") else None
        if parsed is None or parsed.more or parsed.row.position != first.row.position + first.more:
            return False
        file.seek(at)
        return file.readline() == first_line
    finally:
        file.seek(here)


def _markers_broken(parsed: Line, line_no: int) -> StoredRow:
    return StoredRow(
        parsed.row.position,
        "",
        "",
        b"",
        line=line_no,
        problem="the batch markers do not follow on (a line was removed or added)",
        damage=True,
    )


def _starts_record(file: IO[bytes], position: int) -> bool:
    """Whether the line ``file`` stands at is record ``position`` (left standing there):
    a line the index points to is checked before it is read from."""
    at = file.tell()
    found = line_at(file, at)
    file.seek(at)
    return found is not None and found[0] == position


class _NewBatch:
    """What indexing a batch keeps until its last line: each record's line offset, id,
    stream and hash, the chain check as the lines come, and the first problem found
    (by its line number: ids are looked up a part at a time, after later lines'
    chain checks)."""

    __slots__ = ("check", "entries", "last", "lines", "looked_up", "pending", "problem")

    def __init__(self, head: int, head_hash: str) -> None:
        self.check = ChainCheck(head + 1, head_hash)
        self.entries: list[tuple[int, str, str, str]] = []
        self.pending: dict[str, str] = {}
        self.lines: list[tuple[int | None, int]] = []
        """Line and position of each record whose id is not looked up yet."""
        self.looked_up = 0
        """How many of ``entries`` had their ids looked up."""
        self.last: Line | None = None
        self.problem: tuple[int, CorruptLogError] | None = None

    def found(self, line: int | None, error: CorruptLogError) -> None:
        at = line if line is not None else 0
        if self.problem is None or at < self.problem[0]:
            self.problem = (at, error)
