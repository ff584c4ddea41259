"""What a JSON Lines log's reader knows of the committed part of its file, and the copy
of it kept beside the log so that a new process need not read the whole file.

For each record: where its line starts, its id and its stream; so a lookup by id
(idempotent appends, revisions), by stream (``read(stream=...)``, stream versions)
or by position reads one line, not the file.

The copy (``<log>.index``) is an SQLite database: a row a record (position, where its
line starts, id, stream), a row a batch (the position, hash and size the log had
after it) and the log's head as the copy last saw it. A process that opens the log
reads the head only; every later lookup of an earlier record asks the copy, by its
indexes, so appending one event to a log of a million costs what the batch costs, not
what the log holds. It is written only by a writer holding the log's lock (after its
batch is in the log, in one transaction), and never trusted as it is: on open, the
log must still hold the copy's head record, hashing to what the copy says and ending
where it says, and each line the copy points to is checked to be the record it names
when it is read. A copy that does not check out is ignored (and made again by the next
writer); a log that ends exactly at an earlier batch's record, with that record's
hash, was cut back by whole batches, which is a broken chain.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from array import array
from collections.abc import Callable, Collection, Iterator
from itertools import count
from pathlib import Path
from typing import IO, ParamSpec, TypeVar

from ..errors import BrokenChainError
from ._chain import GENESIS, chain_hash
from ._jsonl_lines import parse_line

FORMAT = "sitrep-jsonl-index/2"

_SCHEMA = """
CREATE TABLE copy (format TEXT NOT NULL, head INTEGER NOT NULL, hash TEXT NOT NULL,
                   size INTEGER NOT NULL, lines INTEGER NOT NULL);
CREATE TABLE streams (number INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE records (position INTEGER PRIMARY KEY, at INTEGER NOT NULL,
                      id TEXT NOT NULL UNIQUE, stream INTEGER NOT NULL);
CREATE INDEX records_by_stream ON records (stream, position);
CREATE TABLE batches (head INTEGER PRIMARY KEY, hash TEXT NOT NULL, size INTEGER NOT NULL);
"""

_LOOKUP = 500
"""Ids asked for in one query (under SQLite's limit on bound parameters)."""

P = ParamSpec("P")
R = TypeVar("R")


class CopyError(Exception):
    """The copy beside the log failed a lookup (not a database, damaged, gone): the
    log is then indexed from the file itself."""


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise CopyError(str(exc)) from exc

    return guarded


class Copy:
    """The copy beside a log, opened: its head and lookups of the records up to it.

    One connection a process (a forked child opens its own); queries are serialised.
    """

    def __init__(self, path: Path, *, writable: bool, new: bool = False) -> None:
        self.path = path
        self.writable = writable
        self._new = new
        self._lock = threading.RLock()
        self._pid = -1
        self._connection: sqlite3.Connection | None = None
        self._stream_numbers: dict[str, int] = {}

    def connection(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            mode = "rwc" if self._new else "rw" if self.writable else "ro"
            self._connection = sqlite3.connect(
                f"file:{_quoted(self.path)}?mode={mode}",
                uri=True,
                timeout=10,
                isolation_level=None,
                check_same_thread=False,
            )
            # a copy is made again from the log when lost: no sync of its own
            self._connection.execute("PRAGMA synchronous=OFF")
            self._pid = os.getpid()
            self._stream_numbers = {}
        return self._connection

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    @_guarded
    def head(self) -> tuple[int, str, int, int] | None:
        """(head, hash, size, lines) the copy says, or None when it is not one of ours
        or lacks a row of a record up to its head (a row edited in place is found out
        when it is read). Read in one transaction: a writer may be extending it."""
        with self._lock:
            connection = self.connection()
            connection.execute("BEGIN")
            try:
                row = connection.execute("SELECT * FROM copy").fetchone()
                (rows,) = connection.execute("SELECT count(*) FROM records").fetchone()
                (first,) = connection.execute("SELECT min(position) FROM records").fetchone()
                (last,) = connection.execute("SELECT max(position) FROM records").fetchone()
            finally:
                connection.execute("COMMIT")
        if row is None or row[0] != FORMAT:
            return None
        _, head, digest, size, lines = row
        if not all(type(v) is int for v in (head, size, lines)) or type(digest) is not str:
            return None
        if (rows, first, last) != (head, 1, head):
            return None
        return head, digest, size, lines

    @_guarded
    def batch_ending_at(self, size: int) -> tuple[int, str, int] | None:
        """(head, hash, line start of the head record) of the batch the log had after
        which it was ``size`` bytes long, if any."""
        with self._lock:
            found: tuple[int, str, int] | None = (
                self.connection()
                .execute(
                    "SELECT b.head, b.hash, r.at FROM batches b"
                    " JOIN records r ON r.position = b.head WHERE b.size = ?",
                    (size,),
                )
                .fetchone()
            )
        return found

    @_guarded
    def positions(self, ids: Collection[str], upto: int) -> dict[str, int]:
        """The positions (up to ``upto``) of those of ``ids`` the copy holds."""
        found: dict[str, int] = {}
        wanted = list(ids)
        with self._lock:
            connection = self.connection()
            for start in range(0, len(wanted), _LOOKUP):
                chunk = wanted[start : start + _LOOKUP]
                marks = ",".join("?" * len(chunk))
                query = (
                    "SELECT id, position FROM records "  # noqa: S608 - placeholders only
                    f"WHERE id IN ({marks}) AND position <= ?"
                )
                found.update(connection.execute(query, (*chunk, upto)).fetchall())
        return found

    @_guarded
    def record(self, position: int) -> tuple[int, str]:
        """(line start, stream) of the record at ``position``."""
        with self._lock:
            row = (
                self.connection()
                .execute(
                    "SELECT r.at, s.name FROM records r JOIN streams s ON s.number = r.stream"
                    " WHERE r.position = ?",
                    (position,),
                )
                .fetchone()
            )
        if row is None:
            raise CopyError(f"the index beside the log has no record {position}")
        return row[0], row[1]

    @_guarded
    def stream_records(self, stream: str, start: int, upto: int) -> list[tuple[int, int]]:
        """(position, line start) of the records of ``stream`` from ``start`` to ``upto``."""
        with self._lock:
            return (
                self.connection()
                .execute(
                    "SELECT r.position, r.at FROM records r JOIN streams s ON s.number = r.stream"
                    " WHERE s.name = ? AND r.position BETWEEN ? AND ? ORDER BY r.position",
                    (stream, start, upto),
                )
                .fetchall()
            )

    @_guarded
    def stream_counts(self, streams: Collection[str], upto: int) -> dict[str, int]:
        with self._lock:
            connection = self.connection()
            found = {}
            for stream in streams:
                (number,) = connection.execute(
                    "SELECT count(*) FROM records r JOIN streams s ON s.number = r.stream"
                    " WHERE s.name = ? AND r.position <= ?",
                    (stream, upto),
                ).fetchone()
                if number:
                    found[stream] = number
            return found

    @_guarded
    def every_record(self, upto: int) -> Iterator[tuple[int, str, str]]:
        """(line start, id, stream) of every record up to ``upto``, in log order."""
        with self._lock:
            rows = (
                self.connection()
                .execute(
                    "SELECT r.at, r.id, s.name FROM records r JOIN streams s"
                    " ON s.number = r.stream WHERE r.position <= ? ORDER BY r.position",
                    (upto,),
                )
                .fetchall()
            )
        return iter(rows)

    @_guarded
    def extend(self, index: LineIndex) -> bool:
        """Add the records of ``index`` the copy lacks, and the batch that ends them;
        False when the copy does not end where ``index`` has a batch end (the copy is
        then left as it was)."""
        with self._lock:
            connection = self.connection()
            connection.execute("BEGIN IMMEDIATE")
            try:
                row = connection.execute("SELECT head, size FROM copy").fetchone()
                if row is None:
                    connection.execute("ROLLBACK")
                    return False
                head, size = row
                if not index.base <= head <= index.head or (head and index.end_of(head) != size):
                    connection.execute("ROLLBACK")
                    return False
                self._insert(connection, index, head + 1)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return True

    def _insert(self, connection: sqlite3.Connection, index: LineIndex, first: int) -> None:
        records = [index.tail_record(position) for position in range(first, index.head + 1)]
        numbers = self._stream_numbers
        new = list({stream: None for _, _, stream in records if stream not in numbers})
        if new:
            connection.executemany(
                "INSERT OR IGNORE INTO streams (name) VALUES (?)", ((s,) for s in new)
            )
            for start in range(0, len(new), _LOOKUP):
                chunk = new[start : start + _LOOKUP]
                query = (
                    "SELECT name, number FROM streams "  # noqa: S608 - placeholders only
                    f"WHERE name IN ({','.join('?' * len(chunk))})"
                )
                numbers.update(connection.execute(query, chunk).fetchall())
        connection.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?)",
            (
                (position, at, event_id, numbers[stream])
                for position, (at, event_id, stream) in enumerate(records, start=first)
            ),
        )
        connection.executemany(
            "INSERT OR REPLACE INTO batches VALUES (?, ?, ?)",
            [*index.unsaved_batches, (index.head, index.head_hash, index.size)],
        )
        connection.execute(
            "UPDATE copy SET head = ?, hash = ?, size = ?, lines = ?",
            (index.head, index.head_hash, index.size, index.lines),
        )

    @classmethod
    def create(cls, path: Path, index: LineIndex) -> Copy:
        """A new copy at ``path`` holding every record of ``index`` (which holds all of
        them itself), in place at once (written aside, then renamed over)."""
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.unlink(missing_ok=True)
        made = cls(partial, writable=True, new=True)
        try:
            connection = made.connection()
            connection.executescript(_SCHEMA)
            connection.execute("BEGIN")
            connection.execute("INSERT INTO copy VALUES (?, 0, ?, 0, 0)", (FORMAT, GENESIS))
            made._insert(connection, index, 1)
            connection.execute("COMMIT")
        finally:
            made.close()
        os.replace(partial, path)
        return cls(path, writable=True)


def _quoted(path: Path) -> str:
    return str(path.absolute()).replace("%", "%25").replace("?", "%3f").replace("#", "%23")


class LineIndex:
    """Positions, ids and streams of the records of a file's first ``size`` bytes.

    Records up to ``base`` are looked up in the copy beside the log (``copy``); those
    after it, indexed by this process, are held here.
    """

    def __init__(self, copy: Copy | None = None, base: int = 0, base_hash: str = GENESIS) -> None:
        self.copy = copy
        self.base = base
        """Records in the copy that this index relies on (none without a copy)."""
        self.saved = base
        """Records this process knows the copy holds: ``head - saved`` are yet to be added."""
        self.unsaved_batches: list[tuple[int, str, int]] = []
        """(head, hash, size) of each batch this process appended that the copy lacks:
        the copy keeps a row a batch, to tell a log cut back by whole batches."""
        self.size = 0
        """Bytes of the file indexed: always the end of a whole batch."""
        self.lines = 0
        self.head = base
        self.head_hash = base_hash
        self.offsets = array("q")
        """Line starts of the records after ``base``."""
        self.id_list: list[str] = []
        self.streams: list[str] = []
        self._ids: dict[str, int] | None = None
        self._by_stream: dict[str, array[int]] | None = None
        self._scans = 0

    # The lookups by id and by stream of the records held here are made from the lists
    # the first time they are needed: a process that appends one event looks its id up
    # by a scan of the few it holds.
    SCANS = 8
    """Ids looked up by scanning the list before the lookup table is made."""

    @property
    def ids(self) -> dict[str, int]:
        """The position of each record held here, by its event id."""
        if self._ids is None:
            self._ids = dict(zip(self.id_list, count(self.base + 1)))
        return self._ids

    @property
    def by_stream(self) -> dict[str, array[int]]:
        """The positions of each stream's records held here, in order."""
        found = self._by_stream
        if found is None:
            found = self._by_stream = {}
            for position, stream in enumerate(self.streams, start=self.base + 1):
                known = found.get(stream)
                if known is None:
                    found[stream] = array("q", (position,))
                else:
                    known.append(position)
        return found

    def positions_of(self, event_ids: Collection[str]) -> dict[str, int]:
        """The positions of those of ``event_ids`` that are stored."""
        found: dict[str, int] = {}
        rest = []
        for event_id in event_ids:
            position = self._held(event_id)
            if position is None:
                rest.append(event_id)
            else:
                found[event_id] = position
        if rest and self.copy is not None and self.base:
            found.update(self.copy.positions(rest, self.base))
        return found

    def position_of(self, event_id: str) -> int | None:
        """The position of the record of ``event_id``, or None."""
        return self.positions_of((event_id,)).get(event_id)

    def _held(self, event_id: str) -> int | None:
        if self._ids is None and self._scans < self.SCANS:
            self._scans += 1
            try:
                return self.id_list.index(event_id) + self.base + 1
            except ValueError:
                return None
        return self.ids.get(event_id)

    def add(self, offset: int, event_id: str, stream: str, digest: str) -> None:
        """Index the next record (at position ``head + 1``), whose line starts at ``offset``."""
        position = self.head + 1
        self.offsets.append(offset)
        if self._ids is not None:
            self._ids[event_id] = position
        self.id_list.append(event_id)
        if self._by_stream is not None:
            known = self._by_stream.get(stream)
            if known is None:
                self._by_stream[stream] = array("q", (position,))
            else:
                stream = self.streams[known[0] - self.base - 1]  # one spelling for them all
                known.append(position)
        self.streams.append(stream)
        self.head, self.head_hash = position, digest

    def commit(self, size: int, lines: int, *, appended: bool = False) -> None:
        """The batches added end at byte ``size``, line ``lines``; ``appended``: one batch,
        which this process wrote."""
        self.size, self.lines = size, lines
        if appended:
            self.unsaved_batches.append((self.head, self.head_hash, size))

    def offset_of(self, position: int) -> int:
        """The byte where the line of record ``position`` starts."""
        if position > self.base:
            return self.offsets[position - self.base - 1]
        assert self.copy is not None
        return self.copy.record(position)[0]

    def stream_of(self, position: int) -> str:
        if position > self.base:
            return self.streams[position - self.base - 1]
        assert self.copy is not None
        return self.copy.record(position)[1]

    def end_of(self, position: int) -> int:
        """The byte where the line of record ``position`` ends."""
        return self.offset_of(position + 1) if position < self.head else self.size

    def stream_versions(self, streams: Collection[str]) -> dict[str, int]:
        """How many records each of ``streams`` holds (those holding any)."""
        found = self.copy.stream_counts(streams, self.base) if self.copy and self.base else {}
        held = self.by_stream
        for stream in streams:
            if stream in held:
                found[stream] = found.get(stream, 0) + len(held[stream])
        return found

    def stream_records(self, stream: str, start: int) -> list[tuple[int, int]]:
        """(position, line start) of the records of ``stream`` from ``start`` on."""
        found = (
            self.copy.stream_records(stream, start, self.base)
            if self.copy is not None and start <= self.base
            else []
        )
        found.extend(
            (position, self.offsets[position - self.base - 1])
            for position in self.by_stream.get(stream, ())
            if position >= start
        )
        return found

    def tail_record(self, position: int) -> tuple[int, str, str]:
        """(line start, id, stream) of a record held here."""
        at = position - self.base - 1
        return self.offsets[at], self.id_list[at], self.streams[at]

    def records(self) -> Iterator[tuple[int, str, str]]:
        """(line start, id, stream) of every record, in log order."""
        if self.copy is not None and self.base:
            yield from self.copy.every_record(self.base)
        yield from zip(self.offsets, self.id_list, self.streams, strict=True)

    def close(self) -> None:
        if self.copy is not None:
            self.copy.close()


def index_path(log: Path) -> Path:
    return log.with_name(f"{log.name}.index")


def _line_at(handle: IO[bytes], at: int, end: int) -> tuple[int, str] | None:
    """(position, hash) of the record whose line runs from ``at`` to ``end``, if it does."""
    handle.seek(at)
    line = handle.readline(end - at + 1)
    if len(line) != end - at:
        return None
    parsed = parse_line(line)
    if parsed is None:
        return None
    row = parsed.row
    try:  # the record itself must check out, not only say the right hash
        if chain_hash(row.position, row.prev, row.event_bytes) != row.hash:
            return None
    except UnicodeEncodeError:
        return None
    return row.position, row.hash


def load(log: Path, handle: IO[bytes], *, writable: bool = True) -> LineIndex:
    """The index the copy beside ``log`` holds, checked against the log (``handle``); an
    empty one when there is no copy or it does not check out. :class:`BrokenChainError`
    when the log was cut back to the end of an earlier batch."""
    path = index_path(log)
    if not path.is_file():
        return LineIndex()
    copy = Copy(path, writable=writable)
    try:
        found = _checked(log, handle, copy)
    except CopyError:
        found = None
    if found is None:
        copy.close()
        return LineIndex()
    head, digest, size, lines = found
    index = LineIndex(copy, head, digest)
    index.commit(size, lines)
    return index


def _checked(log: Path, handle: IO[bytes], copy: Copy) -> tuple[int, str, int, int] | None:
    said = copy.head()
    if said is None or said[0] == 0:
        return None
    head, digest, size, _ = said
    # the log's size taken after the copy was read: a writer extends the log before its
    # copy, so the log is never shorter than a copy read before it, unless it was cut
    file_size = os.fstat(handle.fileno()).st_size
    if size > file_size:
        _refuse_a_cut_back(log, handle, copy, file_size, head)
        return None
    at = copy.record(head)[0]
    if _line_at(handle, at, size) != (head, digest):
        return None  # a copy of another log, or of this one before it was rewritten
    return said


def _refuse_a_cut_back(
    log: Path, handle: IO[bytes], copy: Copy, file_size: int, recorded: int
) -> None:
    batch = copy.batch_ending_at(file_size)
    if batch is None:
        return
    head, digest, at = batch
    if _line_at(handle, at, file_size) == (head, digest):
        raise BrokenChainError(
            f"the log ends at position {head}, but its index beside it recorded "
            f"{recorded} records: whole batches were removed from its end (if the log was "
            f"restored from a copy on purpose, delete {index_path(log).name})",
            source=str(log),
            position=head + 1,
        )


SAVE_EVERY = 256
"""Records a writer holds before it adds them to the copy (it adds the rest on closing)."""


def save(log: Path, index: LineIndex, *, every: int = SAVE_EVERY) -> None:
    """Bring the copy beside ``log`` up to ``index`` (writers' lock held, the index up to
    date) once it lacks ``every`` records or more: the records it lacks added when it
    ends at a batch this index agrees on, else, when this index holds every record, the
    whole copy made again. Failing to write it costs speed only.

    A copy that lacks the last records is still right: an opener reads those from the
    log's end. Adding them at every append would give a single durable append a
    second transaction, the copy's, beside the log's write; so a writer adds them in
    one transaction every ``every`` records, and when it closes the log.
    """
    if index.head - index.saved < max(every, 1):
        return
    try:
        if index.copy is not None and index.copy.writable and index.copy.extend(index):
            index.saved, index.unsaved_batches = index.head, []
            return
        if index.base == 0:
            if index.copy is not None:
                index.copy.close()
            index.copy = Copy.create(index_path(log), index)
            index.saved, index.unsaved_batches = index.head, []
            return
    except (CopyError, sqlite3.Error, OSError):
        pass
    index.unsaved_batches.clear()  # a copy that cannot be brought up: no rows kept for it
