"""Copying a log into another store, record for record, with the same hash chain.

The chain covers each event's bytes as first encoded, so a copy moves the stored
bytes, never re-encoded events (an upcast or a re-serialised time would change the
hashes). The source is verified whole before anything is written; what the target
already holds must be the source's first records, byte for byte; the rest is
written in batches, each atomic, so an interrupted copy resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs
import orjson

from ..errors import ConflictError, CorruptLogError
from ._log import GENESIS, EventLog, StoredRow, chain_hash

Progress = Callable[[int, int], None]
"""Called after each batch with the target's head and the source's head."""


@attrs.frozen
class CopyResult:
    """What a copy did: records written now, records the target held already, the head."""

    copied: int
    already: int
    head: int
    head_hash: str

    def __str__(self) -> str:
        return (
            f"copied {self.copied} records ({self.already} were there already); "
            f"head {self.head} {self.head_hash}"
        )


def copy_log(
    source: EventLog,
    target: EventLog,
    *,
    batch_size: int = 1000,
    progress: Progress | None = None,
) -> CopyResult:
    """Copy every record of ``source`` that ``target`` lacks; the target ends with the same chain.

    Refuses with :class:`CorruptLogError` a source whose chain does not verify, and
    with :class:`ConflictError` a target that holds anything but the source's first
    records. Running it again copies nothing. Records appended to the source while
    it runs are left for the next run.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    verified = source.verify()
    if not verified:
        raise CorruptLogError(f"the source does not verify: {verified}", source=source.name)
    end = verified.head
    rows = _checked(source._rows(), end, source.name)
    seen: set[str] = set()

    # what the target holds must be the source's prefix, byte for byte
    already, tip = 0, GENESIS
    for held in target._rows():
        if held.problem is not None:
            raise CorruptLogError(
                f"the target does not verify at position {held.position}: {held.problem}",
                source=target.name,
            )
        row = next(rows, None)
        if row is None:
            raise ConflictError(
                f"{target.name} holds {held.position} or more records, "
                f"{source.name} only {end}: it is not a copy of it",
                expected=end,
                actual=held.position,
            )
        if (held.position, held.prev, held.hash, held.event_bytes) != (
            row.position,
            row.prev,
            row.hash,
            row.event_bytes,
        ):
            raise ConflictError(
                f"{target.name} differs from {source.name} at position {row.position}: "
                "it is not a copy of it",
                expected=row.position - 1,
                actual=held.position,
            )
        seen.add(_event_id(row, source.name))
        already, tip = row.position, row.hash

    head, copied = already, 0
    while True:
        batch: list[StoredRow] = []
        for row in rows:
            event_id = _event_id(row, source.name)
            if event_id in seen:
                raise CorruptLogError(
                    f"event id {event_id!r} is stored twice (again at position {row.position})",
                    source=source.name,
                )
            seen.add(event_id)
            batch.append(StoredRow(row.position, row.prev, row.hash, row.event_bytes))
            if len(batch) == batch_size:
                break
        if not batch:
            break
        with target._thread_lock, target._locked():
            at, at_hash = target._tip()
            if (at, at_hash) != (head, tip):
                raise ConflictError(
                    f"{target.name} was appended to during the copy (at {at}, expected {head})",
                    expected=head,
                    actual=at,
                )
            target._write(batch)
        head, tip = batch[-1].position, batch[-1].hash
        copied += len(batch)
        if progress is not None:
            progress(head, end)
    return CopyResult(copied, already, head, tip)


def _checked(rows: Iterator[StoredRow], end: int, name: str) -> Iterator[StoredRow]:
    """The rows up to ``end``, each checked again as read (the source may change meanwhile)."""
    expected, prev = 1, GENESIS
    for row in rows:
        if row.position > end:
            return
        if (
            row.problem is not None
            or row.position != expected
            or row.prev != prev
            or chain_hash(row.position, row.prev, row.event_bytes) != row.hash
        ):
            raise CorruptLogError(
                f"position {expected} changed while it was being copied", source=name
            )
        yield row
        expected, prev = expected + 1, row.hash
    if expected <= end:
        raise CorruptLogError(
            f"records after position {expected - 1} went missing while being copied",
            source=name,
        )


def _event_id(row: StoredRow, name: str) -> str:
    event_id = orjson.loads(row.event_bytes).get("id")
    if not isinstance(event_id, str):
        raise CorruptLogError(f"the event at position {row.position} has no id", source=name)
    return event_id
