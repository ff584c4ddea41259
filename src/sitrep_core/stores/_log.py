"""The log: one small interface over append-only stores, and the in-memory store.

Every backend shares what is decided here: how a batch is checked (idempotent ids,
optimistic concurrency, revisions that name a real event), how records are chained
by hash, and how a chain is verified. A backend supplies storage and a lock.
"""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs
import orjson

from ..codec._codec import Codec
from ..errors import ConflictError, DuplicateIdError, ValidationError
from ..model import Event

GENESIS = "0" * 64
"""The ``prev`` of the first record."""

Clock = Callable[[], datetime]


def chain_hash(position: int, prev: str, event_bytes: bytes) -> str:
    """The hash that links a record to the one before it; the same in every backend."""
    digest = hashlib.sha256(b"sitrep-chain-v1\n%d\n%s\n" % (position, prev.encode("ascii")))
    digest.update(event_bytes)
    return digest.hexdigest()


@attrs.frozen
class Record:
    """An event as stored: its global position (from 1) and its link in the hash chain."""

    position: int
    event: Event
    hash: str
    prev: str


@attrs.frozen
class AppendResult:
    """What an append did: the records written, the ids skipped as already stored."""

    records: tuple[Record, ...]
    skipped: tuple[str, ...]
    head: int
    """Position of the last record in the log after the append."""


@attrs.frozen
class VerifyResult:
    """The outcome of checking a chain: where it first breaks, if it does."""

    ok: bool
    checked: int
    head: int
    head_hash: str
    problem: str | None = None
    position: int | None = None
    line: int | None = None
    source: str | None = None

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return f"ok: {self.checked} records, head {self.head} {self.head_hash}"
        where = ", ".join(
            p
            for p in (
                self.source,
                f"line {self.line}" if self.line is not None else None,
                f"position {self.position}" if self.position is not None else None,
            )
            if p
        )
        return f"broken at {where}: {self.problem}"


@attrs.frozen
class StoredRow:
    """One record as a backend holds it, before decoding: what ``verify`` checks."""

    position: int
    prev: str
    hash: str
    event_bytes: bytes
    line: int | None = None
    problem: str | None = None
    event: Event | None = attrs.field(default=None, eq=False, repr=False)
    """The event the bytes encode, when this process appended it: a store may read its
    id, type and time from it rather than parse the bytes again."""


def verify_rows(rows: Iterable[StoredRow], codec: Codec, source: str | None) -> VerifyResult:
    """Walk stored rows in order and report the first break in positions, links or content."""
    expected, prev, checked = 1, GENESIS, 0
    for row in rows:
        problem = row.problem
        if problem is None and row.position != expected:
            problem = (
                f"position {row.position} where {expected} was expected "
                "(a record was removed, inserted or reordered)"
            )
        elif problem is None and row.prev != prev:
            problem = "the link to the previous record does not match (removed or reordered)"
        elif problem is None and chain_hash(row.position, row.prev, row.event_bytes) != row.hash:
            problem = "the content does not match its hash (the record was edited)"
        elif problem is None:
            try:
                codec.from_dict(orjson.loads(row.event_bytes))
            except (ValidationError, orjson.JSONDecodeError) as exc:
                problem = f"the event does not decode: {exc}"
        if problem is not None:
            return VerifyResult(
                False, checked, expected - 1, prev, problem, row.position, row.line, source
            )
        prev, expected, checked = row.hash, expected + 1, checked + 1
    return VerifyResult(True, checked, expected - 1, prev, source=source)


class EventLog(ABC):
    """An append-only, hash-chained log of events. Use it as a context manager.

    Positions start at 1 and have no gaps. ``append`` is atomic and durable per
    batch; reads stream.
    """

    def __init__(self, codec: Codec | None = None, *, clock: Clock | None = None) -> None:
        self.codec = codec if codec is not None else Codec()
        self._clock: Clock = clock or (lambda: datetime.now(UTC))
        self._thread_lock = threading.RLock()

    # -- what a backend provides ---------------------------------------------------

    @abstractmethod
    def _locked(self) -> AbstractContextManager[None]:
        """Hold the writers' lock, with the backend's view of the log brought up to date."""

    @abstractmethod
    def _tip(self) -> tuple[int, str]:
        """Position and hash of the last record (0 and GENESIS when empty); lock held."""

    @abstractmethod
    def _lookup(self, event_id: str) -> tuple[int, bytes] | None:
        """Position and stored bytes of an event id, or None; lock held."""

    @abstractmethod
    def _write(self, rows: list[StoredRow]) -> None:
        """Store the rows durably and atomically, or not at all; lock held."""

    @abstractmethod
    def _rows(self) -> Iterator[StoredRow]:
        """Every stored row in position order, undecoded, for ``verify``."""

    @abstractmethod
    def read(
        self, from_position: int = 1, *, types: Collection[str] | None = None
    ) -> Iterator[Record]:
        """Records from ``from_position`` on, optionally only of some type tags, streamed."""

    @property
    @abstractmethod
    def head(self) -> int:
        """Position of the last committed record (0 when empty)."""

    @property
    def name(self) -> str:
        return type(self).__name__

    def close(self) -> None:  # noqa: B027 - most stores hold nothing open
        """Release what the log holds open; it cannot be used afterwards."""

    # -- shared behaviour ------------------------------------------------------------

    def append(
        self, events: Iterable[Event], *, expected_position: int | None = None
    ) -> AppendResult:
        """Append a batch, all or nothing, durably.

        Ids already stored with the same content are skipped; with other content,
        :class:`DuplicateIdError`. When ``expected_position`` is given and the log's
        head differs (someone else appended), :class:`ConflictError` and nothing is
        written. A batch of events all already stored is a no-op that succeeds, so a
        retried append is safe.
        """
        batch = list(events)
        for index, event in enumerate(batch):
            if not isinstance(event, Event):
                raise TypeError(
                    f"item {index} of the batch is {type(event).__name__}, not an Event"
                )
        with self._thread_lock, self._locked():
            head, prev = self._tip()
            now = self._clock()
            pending: dict[str, tuple[int, bytes]] = {}
            rows: list[StoredRow] = []
            skipped: list[str] = []
            written: list[Event] = []
            for event in batch:
                stored = pending.get(event.id) or self._lookup(event.id)
                if stored is not None:
                    if self._same_content(event, stored[1]):
                        skipped.append(event.id)
                        continue
                    raise DuplicateIdError(event.id, stored[0])
                for link in (event.corrects, event.retracts):
                    if link is not None and link not in pending and self._lookup(link) is None:
                        raise ValidationError(
                            f"{link!r} names no event in this log",
                            field="corrects" if link == event.corrects else "retracts",
                        )
                if event.recorded is None:
                    event = attrs.evolve(event, recorded=now)
                data = self.codec.encode(event)
                position = head + len(rows) + 1
                digest = chain_hash(position, prev, data)
                rows.append(StoredRow(position, prev, digest, data, event=event))
                written.append(event)
                pending[event.id] = (position, data)
                prev = digest
            if rows and expected_position is not None and expected_position != head:
                raise ConflictError(
                    f"expected the log at position {expected_position}, it is at {head}",
                    expected=expected_position,
                    actual=head,
                )
            if rows:
                self._write(rows)
            records = tuple(
                Record(row.position, event, row.hash, row.prev)
                for row, event in zip(rows, written, strict=True)
            )
            return AppendResult(records, tuple(skipped), head + len(rows))

    def _same_content(self, event: Event, stored: bytes) -> bool:
        new = self.codec.to_dict(event)
        old = orjson.loads(stored)
        if event.recorded is None:  # the store chose the recorded time; don't compare it
            old.pop("recorded", None)
        new.pop("v", None)
        old.pop("v", None)
        return bool(new == old)

    def get(self, event_id: str) -> Record | None:
        """The record of an event id, or None."""
        with self._thread_lock, self._locked():
            found = self._lookup(event_id)
        if found is None:
            return None
        return next(self.read(found[0]), None)

    def verify(self) -> VerifyResult:
        """Check every record's position, link and content hash; report the first break."""
        return verify_rows(self._rows(), self.codec, self.name)

    def events(
        self, from_position: int = 1, *, types: Collection[str] | None = None
    ) -> Iterator[Event]:
        """The events alone, streamed (see :meth:`read`)."""
        for record in self.read(from_position, types=types):
            yield record.event

    def __iter__(self) -> Iterator[Record]:
        return self.read()

    def __enter__(self) -> EventLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class MemoryLog(EventLog):
    """A log held in memory: for tests, scratch work and what-if replays."""

    def __init__(self, codec: Codec | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(codec, clock=clock)
        self._rows_list: list[StoredRow] = []
        self._events: list[Event] = []
        self._ids: dict[str, int] = {}

    @property
    def name(self) -> str:
        return "memory"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        yield

    def _tip(self) -> tuple[int, str]:
        return (len(self._rows_list), self._rows_list[-1].hash if self._rows_list else GENESIS)

    def _lookup(self, event_id: str) -> tuple[int, bytes] | None:
        position = self._ids.get(event_id)
        if position is None:
            return None
        return position, self._rows_list[position - 1].event_bytes

    def _write(self, rows: list[StoredRow]) -> None:
        events = [
            row.event
            if row.event is not None
            else self.codec.from_dict(orjson.loads(row.event_bytes))
            for row in rows
        ]
        self._rows_list.extend(rows)
        self._events.extend(events)
        for row, event in zip(rows, events, strict=True):
            self._ids[event.id] = row.position

    def _rows(self) -> Iterator[StoredRow]:
        return iter(list(self._rows_list))

    @property
    def head(self) -> int:
        return len(self._rows_list)

    def read(
        self, from_position: int = 1, *, types: Collection[str] | None = None
    ) -> Iterator[Record]:
        rows, events = self._rows_list, self._events
        for index in range(max(from_position, 1) - 1, len(rows)):
            event = events[index]
            if types is None or event.TYPE in types:
                row = rows[index]
                yield Record(row.position, event, row.hash, row.prev)


def open_log(
    target: str | Path, *, codec: Codec | None = None, create: bool = True, **options: Any
) -> EventLog:
    """Open the log a path or URL names: ``memory:``, ``*.jsonl`` (the default store),
    ``*.sqlite``/``sqlite:///path``, or ``postgresql://...``.

    Without ``codec``, the log reads and writes the built-in event types; for the
    types plugins add, pass their codec (``Plugins.load().codec``) or use
    :meth:`sitrep_core.Plugins.open_log`.
    """
    if codec is None:
        codec = Codec()
    text = str(target)
    if text in ("memory:", ":memory:"):
        return MemoryLog(codec, **options)
    if text.startswith(("postgresql://", "postgres://")):
        from ._postgres import PostgresLog

        return PostgresLog(text, codec=codec, create=create, **options)
    if text.startswith("sqlite://") or text.endswith((".sqlite", ".sqlite3", ".db")):
        from ._sqlite import SqliteLog

        path = text.removeprefix("sqlite://") if text.startswith("sqlite://") else text
        return SqliteLog(path, codec=codec, create=create, **options)
    from ._jsonl import JsonlLog

    return JsonlLog(text, codec=codec, create=create, **options)
