"""Copying a log into another store, record for record, with the same hash chain.

The chain covers each event's bytes as first encoded, so a copy moves the stored
bytes (:meth:`EventLog.raw_records`), never re-encoded events (an upcast or a
re-serialised time would change the hashes). The source is verified whole before
anything is written; what the target already holds must be the source's first
records, byte for byte; the rest is written with :meth:`EventLog.append_raw` in
batches, each atomic and checked, so an interrupted copy resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ..errors import ConflictError, CorruptLogError
from ._log import GENESIS, EventLog, RawRecord

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
        raise CorruptLogError(
            f"the source does not verify: {verified}",
            source=source.name,
            line=verified.line,
            position=verified.position,
        )
    end = verified.head
    rows = source.raw_records()

    # what the target holds must be the source's prefix, byte for byte
    already, tip = 0, GENESIS
    try:
        for held in target.raw_records():
            row = next(rows, None)
            if row is None or row.position > end:
                raise ConflictError(
                    f"{target.name} holds {held.position} or more records, "
                    f"{source.name} only {end}: it is not a copy of it",
                    expected=end,
                    actual=held.position,
                    source=target.name,
                )
            if held != row:
                raise ConflictError(
                    f"{target.name} differs from {source.name} at position {row.position}: "
                    "it is not a copy of it",
                    expected=row.position - 1,
                    actual=held.position,
                    source=target.name,
                )
            already, tip = row.position, row.hash
    except CorruptLogError as exc:
        raise CorruptLogError(
            f"the target does not verify: {exc.message}",
            source=target.name,
            line=exc.line,
            position=exc.position,
        ) from None

    head, copied = already, 0
    while head < end:
        batch: list[RawRecord] = []
        for row in rows:
            batch.append(row)
            if len(batch) == batch_size or row.position == end:
                break
        if not batch or batch[-1].position < min(head + batch_size, end):
            raise CorruptLogError(
                f"records after position {head + len(batch)} went missing while being copied",
                source=source.name,
            )
        try:
            target.append_raw(batch)
        except ConflictError as exc:
            raise ConflictError(
                f"{target.name} was appended to during the copy (at {exc.actual}, expected {head})",
                expected=head,
                actual=exc.actual,
                source=target.name,
            ) from None
        head, tip = batch[-1].position, batch[-1].hash
        copied += len(batch)
        if progress is not None:
            progress(head, end)
    return CopyResult(copied, already, head, tip)
