"""The log: one interface over append-only stores, with the hash chain and its checks.

Every store shares what is decided here: how a batch is checked (idempotent ids,
duplicates by choice, optimistic concurrency on the head and per stream, revisions
that name a real event), how records are chained by hash, how every read checks the
chain as it streams, how a chain is verified, and how a log is followed. A store
supplies storage, a lock and a few lookups (the ``_`` methods below).
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal

import attrs
import orjson

from ..codec._codec import Codec
from ..errors import (
    BrokenChainError,
    ConflictError,
    CorruptLogError,
    DuplicateIdError,
    ValidationError,
)
from ..model import Event
from ._batch import MAX_EVENT_BYTES, encode_event, same_content, stream_of
from ._chain import (
    GENESIS,
    ChainCheck,
    RawRecord,
    StoredEvent,
    StoredRow,
    chain_hash,
    event_id_in,
)

__all__ = [
    "GENESIS",
    "AppendResult",
    "ChainCheck",
    "EventLog",
    "RawRecord",
    "Record",
    "StoredEvent",
    "StoredRow",
    "VerifyResult",
    "chain_hash",
]

Clock = Callable[[], datetime]
OnDuplicate = Literal["skip", "error"]
Wait = Callable[[float], None]
"""Waits up to the given seconds for news of an append (or returns early)."""


@attrs.frozen
class Record:
    """An event as stored: its global position (from 1), its link in the hash chain and
    the stream it was stored in (a revision is in the stream of the event it revises)."""

    position: int
    event: Event
    hash: str
    prev: str
    stream: str = ""


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


class EventLog(ABC):
    """An append-only, hash-chained log of events. Use it as a context manager.

    Positions start at 1 and have no gaps. ``append`` is atomic and durable per
    batch; reads stream, and check the chain as they go (:class:`CorruptLogError`
    at the first record that does not check out).
    """

    def __init__(self, codec: Codec | None = None, *, clock: Clock | None = None) -> None:
        self.codec = codec if codec is not None else Codec()
        self._clock: Clock = clock or (lambda: datetime.now(UTC))
        self._thread_lock = threading.RLock()
        self._holding = 0  # inside exclusive(): appends take no lock of their own

    # -- what a store provides ---------------------------------------------------------

    @abstractmethod
    def _locked(self) -> AbstractContextManager[None]:
        """Hold the writers' lock, with the store's view of the log brought up to date."""

    @abstractmethod
    def _tip(self) -> tuple[int, str]:
        """Position and hash of the last record (0 and GENESIS when empty); lock held."""

    @abstractmethod
    def _find(self, event_ids: Collection[str]) -> Mapping[str, StoredEvent]:
        """The stored events among ``event_ids`` (the others are left out)."""

    @abstractmethod
    def _stream_versions(self, streams: Collection[str]) -> Mapping[str, int]:
        """How many records each stream holds (streams with none may be left out)."""

    @abstractmethod
    def _write(self, rows: Sequence[StoredRow]) -> None:
        """Store the rows durably and atomically, or not at all; lock held."""

    @abstractmethod
    def _scan(
        self,
        from_position: int,
        *,
        stream: str | None = None,
        types: frozenset[str] | None = None,
    ) -> Iterator[StoredRow]:
        """Stored rows in position order from ``from_position``, unchecked. With
        ``stream`` or ``types``, a store may leave out rows of other streams or types
        (it need not: the caller filters again)."""

    @property
    @abstractmethod
    def head(self) -> int:
        """Position of the last committed record (0 when empty)."""

    @property
    def name(self) -> str:
        return type(self).__name__

    def close(self) -> None:  # noqa: B027 - most stores hold nothing open
        """Release what the log holds open; it cannot be used afterwards."""

    @contextmanager
    def _news(self) -> Iterator[Wait]:
        """How :meth:`follow` waits for appends: by default, it sleeps (polls)."""
        yield time.sleep

    # -- appending -----------------------------------------------------------------------

    @contextmanager
    def exclusive(self) -> Iterator[EventLog]:
        """Hold the writers' lock for a read, a decision and an append: other writers
        wait their turn (in the order they asked, on PostgreSQL) instead of appending
        in between, so a conditional append made inside cannot conflict. Keep the block
        short: every writer of the log waits for it. What is appended inside is
        durable when the block ends (on JSON Lines, as each append returns)."""
        with self._thread_lock, self._locked():
            self._holding += 1
            try:
                yield self
            finally:
                self._holding -= 1

    def _writing(self) -> AbstractContextManager[None]:
        """The writers' lock for one append, unless :meth:`exclusive` holds it already."""
        return nullcontext() if self._holding else self._locked()

    def append(
        self,
        events: Iterable[Event],
        *,
        expected_position: int | None = None,
        expected_versions: Mapping[str, int] | None = None,
        on_duplicate: OnDuplicate = "skip",
    ) -> AppendResult:
        """Append a batch, all or nothing, durably.

        An id already stored with the same content is skipped (``on_duplicate="skip"``,
        the default) or refused (``"error"``: :class:`DuplicateIdError` and nothing
        written); with other content it is always refused. A batch of events all
        already stored is then a no-op that succeeds, so a retried append is safe.

        ``expected_position``: the head the writer saw; ``expected_versions``: the
        version (record count) of each stream the writer decided from. When any
        differs, :class:`ConflictError` and nothing is written. Errors about one event
        of the batch say which in their ``index``.
        """
        if on_duplicate not in ("skip", "error"):
            raise ValueError(f"on_duplicate is 'skip' or 'error', not {on_duplicate!r}")
        batch = list(events)
        wanted: set[str] = set()
        for index, event in enumerate(batch):
            if not isinstance(event, Event):
                raise TypeError(
                    f"item {index} of the batch is {type(event).__name__}, not an Event"
                )
            wanted.add(event.id)
            wanted.update(link for link in (event.corrects, event.retracts) if link is not None)
        with self._thread_lock, self._writing():
            head, prev = self._tip()
            now = self._clock()
            stored = self._find(wanted)
            pending: dict[str, StoredEvent] = {}
            rows: list[StoredRow] = []
            skipped: list[str] = []
            for index, event in enumerate(batch):
                known = pending.get(event.id) or stored.get(event.id)
                if known is not None:
                    same = same_content(self.codec, event, known.event_bytes)
                    if same and on_duplicate == "skip":
                        skipped.append(event.id)
                        continue
                    position = None if event.id in pending else known.position
                    raise DuplicateIdError(
                        event.id, position, index=index, same_content=same, source=self.name
                    )
                stream = self._revised_stream(event, index, pending, stored)
                if event.recorded is None:
                    event = attrs.evolve(event, recorded=now)
                data = encode_event(self.codec, event, index)
                position = head + len(rows) + 1
                digest = chain_hash(position, prev, data)
                rows.append(StoredRow(position, prev, digest, data, stream, event=event))
                pending[event.id] = StoredEvent(position, data, stream)
                prev = digest
            if rows:
                self._check_expected(head, expected_position, expected_versions)
                self._write(rows)
            records = tuple(
                Record(row.position, row.event, row.hash, row.prev, row.stream or "")
                for row in rows
                if row.event is not None
            )
            return AppendResult(records, tuple(skipped), head + len(rows))

    def _revised_stream(
        self,
        event: Event,
        index: int,
        pending: Mapping[str, StoredEvent],
        stored: Mapping[str, StoredEvent],
    ) -> str:
        """The event's stream: that of the event it revises, if it revises one."""
        for field in ("corrects", "retracts"):
            link = getattr(event, field)
            if link is not None:
                target = pending.get(link) or stored.get(link)
                if target is None:
                    raise ValidationError(
                        f"{link!r} names no event in this log", field=field, index=index
                    )
                return target.stream
        return stream_of(event, index)

    def _check_expected(
        self,
        head: int,
        expected_position: int | None,
        expected_versions: Mapping[str, int] | None,
    ) -> None:
        if expected_position is not None and expected_position != head:
            raise ConflictError(
                f"expected the log at position {expected_position}, it is at {head}",
                expected=expected_position,
                actual=head,
                source=self.name,
            )
        if expected_versions:
            found = self._stream_versions(list(expected_versions))
            for stream, expected in expected_versions.items():
                actual = found.get(stream, 0)
                if actual != expected:
                    raise ConflictError(
                        f"expected stream {stream!r} at version {expected}, it is at {actual}",
                        expected=expected,
                        actual=actual,
                        stream=stream,
                        source=self.name,
                    )

    def append_raw(self, records: Iterable[RawRecord]) -> AppendResult:
        """Append records exactly as another log stored them, checked, all or nothing.

        They must continue this log's chain (the first one's position and ``prev`` are
        this log's head and head hash: :class:`ConflictError` otherwise), each hash
        must be the one its bytes give and each event must decode, with an id not
        stored yet (:class:`ValidationError` naming the ``index``). This is what
        :func:`copy_log` writes with; the hashes stay as they were.
        """
        batch = list(records)
        with self._thread_lock, self._writing():
            head, prev = self._tip()
            if batch and (batch[0].position, batch[0].prev) != (head + 1, prev):
                raise ConflictError(
                    f"the records start at position {batch[0].position}, after a record "
                    f"this log does not end with (it is at {head})",
                    expected=batch[0].position - 1,
                    actual=head,
                    source=self.name,
                )
            decoded = [self._decode_raw(raw, index) for index, raw in enumerate(batch)]
            wanted = {e.id for e in decoded}
            wanted.update(x for e in decoded for x in (e.corrects, e.retracts) if x is not None)
            stored = self._find(wanted)
            check = ChainCheck(head + 1, prev)
            pending: dict[str, StoredEvent] = {}
            rows = []
            for index, (raw, event) in enumerate(zip(batch, decoded, strict=True)):
                row = StoredRow(raw.position, raw.prev, raw.hash, raw.event_bytes, event=event)
                problem = check.problem(row)
                if problem is not None:
                    raise ValidationError(problem, index=index)
                if event.id in pending or event.id in stored:
                    raise ValidationError(f"event id {event.id!r} is stored already", index=index)
                stream = self._revised_stream(event, index, pending, stored)
                rows.append(attrs.evolve(row, stream=stream))
                pending[event.id] = StoredEvent(raw.position, raw.event_bytes, stream)
            if rows:
                self._write(rows)
            result = tuple(
                Record(r.position, r.event, r.hash, r.prev, r.stream or "")
                for r in rows
                if r.event is not None
            )
            return AppendResult(result, (), head + len(rows))

    def _decode_raw(self, raw: RawRecord, index: int) -> Event:
        if len(raw.event_bytes) > MAX_EVENT_BYTES:
            raise ValidationError(f"the event is longer than {MAX_EVENT_BYTES} bytes", index=index)
        try:
            return self.codec.from_dict(orjson.loads(raw.event_bytes))
        except orjson.JSONDecodeError as exc:
            raise ValidationError(f"the event is not JSON: {exc}", index=index) from None
        except ValidationError as exc:
            raise exc.located(index=index) from None

    # -- reading -------------------------------------------------------------------------

    def read(
        self,
        from_position: int = 1,
        *,
        types: Collection[str] | None = None,
        stream: str | None = None,
    ) -> Iterator[Record]:
        """Records from ``from_position`` on, optionally only of some type tags or of one
        stream, streamed and checked: :class:`CorruptLogError` at the first record whose
        position, link or hash does not check out (reading from a position checks its
        link to the record before)."""
        wanted = None if types is None else frozenset(types)
        if wanted is not None and not wanted:
            return
        start = max(from_position, 1)
        filtered = wanted is not None or stream is not None
        # a full read starts one record early, to check the link into the first one
        scan_from = start - 1 if start > 1 and not filtered else start
        check = ChainCheck(scan_from, sparse=filtered)
        decode = self.codec.from_dict
        for row in self._scan(scan_from, stream=stream, types=wanted):
            self._checked(check, row)
            if row.position < start or (stream is not None and row.stream != stream):
                continue
            data = row.data
            if wanted is not None and row.event is None:
                if data is None:
                    data = self._parsed(row)
                if data.get("type") not in wanted:
                    continue
            event = row.event
            if event is None:
                try:
                    event = decode(data if data is not None else self._parsed(row))
                except CorruptLogError:
                    raise
                except Exception as exc:
                    raise self._corrupt(f"the event does not decode: {exc}", row) from None
            elif wanted is not None and event.TYPE not in wanted:
                continue
            yield Record(row.position, event, row.hash, row.prev, row.stream or event.stream)

    def _checked(self, check: ChainCheck, row: StoredRow) -> None:
        problem = check.problem(row)
        if problem is not None:
            if row.problem is not None and not row.damage:  # not a record at all
                raise self._corrupt(problem, row)
            raise self._corrupt(f"{problem} (run 'sitrep verify')", row, BrokenChainError)

    def _parsed(self, row: StoredRow) -> dict[str, Any]:
        try:
            data = orjson.loads(row.event_bytes)
        except orjson.JSONDecodeError as exc:
            raise self._corrupt(f"the event is not JSON: {exc}", row) from None
        if not isinstance(data, dict):
            raise self._corrupt("the event is not a JSON object", row)
        return data

    def _corrupt(
        self, message: str, row: StoredRow, kind: type[CorruptLogError] = CorruptLogError
    ) -> CorruptLogError:
        return kind(
            message,
            source=self.name,
            line=row.line,
            position=row.position if row.problem is None else None,
            event_id=event_id_in(row.event_bytes),
        )

    def raw_records(self, from_position: int = 1) -> Iterator[RawRecord]:
        """The records from ``from_position`` on exactly as stored, checked as they stream
        (see :meth:`read`): what :func:`copy_log` moves and what the hashes cover."""
        start = max(from_position, 1)
        check = ChainCheck(max(start - 1, 1))
        for row in self._scan(max(start - 1, 1)):
            self._checked(check, row)
            if row.position >= start:
                yield RawRecord(row.position, row.prev, row.hash, row.event_bytes)

    def events(
        self,
        from_position: int = 1,
        *,
        types: Collection[str] | None = None,
        stream: str | None = None,
    ) -> Iterator[Event]:
        """The events alone, streamed (see :meth:`read`)."""
        for record in self.read(from_position, types=types, stream=stream):
            yield record.event

    def get(self, event_id: str) -> Record | None:
        """The record of an event id, or None."""
        found = self._find([event_id]).get(event_id)
        if found is None:
            return None
        return next(self.read(found.position), None)

    def stream_version(self, stream: str) -> int:
        """How many records ``stream`` holds (0 for a stream with none): the version to
        pass in ``expected_versions`` after deciding from what it holds."""
        return self._stream_versions([stream]).get(stream, 0)

    def follow(
        self,
        from_position: int = 1,
        *,
        poll_interval: float = 1.0,
        timeout: float | None = None,
        stop: threading.Event | None = None,
    ) -> Iterator[Record]:
        """Records from ``from_position`` on, then each new one as it is committed.

        Stores that cannot notify are looked at every ``poll_interval`` seconds
        (PostgreSQL wakes on each append, and looks that often in case a notification
        was lost). Ends when nothing new has come for ``timeout`` seconds (never when
        None), or once ``stop`` is set. Each record is checked as :meth:`read` does.
        """
        next_position = max(from_position, 1)
        quiet_since = time.monotonic()
        with self._news() as wait:
            while stop is None or not stop.is_set():
                for record in self.read(next_position):
                    next_position = record.position + 1
                    yield record
                    quiet_since = time.monotonic()
                    if stop is not None and stop.is_set():
                        return
                pause = poll_interval
                if timeout is not None:
                    left = timeout - (time.monotonic() - quiet_since)
                    if left <= 0:
                        return
                    pause = min(pause, left)
                if stop is not None:
                    pause = min(pause, 0.05)  # a set stop ends the wait soon
                wait(pause)

    # -- verifying -----------------------------------------------------------------------

    def verify(self, *, expect_head: tuple[int, str] | None = None) -> VerifyResult:
        """Check every record's position, link, content hash, id and stream; report the
        first break.

        ``expect_head`` is a ``(position, hash)`` published earlier (a report's head):
        the log must still hold that record with that hash. It catches a log cut back
        by whole batches, which no record left behind can show.
        """
        check = ChainCheck()
        checked, head, head_hash = 0, 0, GENESIS
        streams: dict[str, str] = {}
        pinned = expect_head is None
        for row in self._scan(1):
            problem = check.problem(row)
            if problem is None:
                problem = self._event_problem(row, streams)
            if problem is None and expect_head is not None and row.position == expect_head[0]:
                if row.hash != expect_head[1]:
                    problem = (
                        f"the hash at position {row.position} is not the expected head's "
                        f"{expect_head[1]} (the log was rewritten from here or before)"
                    )
                pinned = True
            if problem is not None:
                return VerifyResult(
                    False, checked, head, head_hash, problem, row.position, row.line, self.name
                )
            checked, head, head_hash = checked + 1, row.position, row.hash
        if not pinned and expect_head is not None:
            return VerifyResult(
                False,
                checked,
                head,
                head_hash,
                f"the log ends at position {head}, before the expected head "
                f"{expect_head[0]} (records were removed from its end)",
                expect_head[0],
                None,
                self.name,
            )
        return VerifyResult(True, checked, head, head_hash, source=self.name)

    def _event_problem(self, row: StoredRow, streams: dict[str, str]) -> str | None:
        """What is wrong with a row's event (decoding, id, stream), or None."""
        try:
            event = self.codec.from_dict(orjson.loads(row.event_bytes))
        except (ValidationError, orjson.JSONDecodeError) as exc:
            return f"the event does not decode: {exc}"
        if event.id in streams:
            return f"event id {event.id!r} is stored twice"
        link = event.corrects or event.retracts
        if link is not None and link not in streams:
            return f"it revises {link!r}, which no earlier record holds"
        stream = streams[link] if link is not None else event.stream
        if row.stream is not None and row.stream != stream:
            return f"it is stored in stream {row.stream!r}, but belongs to {stream!r}"
        streams[event.id] = stream
        return None

    # -- the rest ------------------------------------------------------------------------

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
