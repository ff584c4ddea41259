"""What the two database stores (SQLite, PostgreSQL) share: a row's columns, and the
streams of rows stored before rows said their stream."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from ..codec._codec import Codec, unstructure_datetime
from ._log import StoredRow

PAGE = 1000
"""Rows a reader fetches at a time: it holds nothing open between pages."""


def stored_columns(row: StoredRow) -> tuple[int, str, str, str | None, str, str, str]:
    """The column values of a row: position, id, type, recorded, stream, prev, hash."""
    assert row.stream is not None, "a row is stored with its stream"
    if row.event is not None:  # what the bytes say, without parsing them again
        event = row.event
        moment = None if event.recorded is None else unstructure_datetime(event.recorded)
        return (row.position, event.id, event.TYPE, moment, row.stream, row.prev, row.hash)
    data = orjson.loads(row.event_bytes)
    recorded = data.get("recorded")
    return (
        row.position,
        data["id"],
        data["type"],
        recorded if isinstance(recorded, str) else None,
        row.stream,
        row.prev,
        row.hash,
    )


def streams_of(codec: Codec, rows: Iterable[tuple[int, bytes]]) -> Iterator[tuple[str, int]]:
    """(stream, position) of stored (position, event bytes) in position order: each
    event's own stream, or for a revision the stream of the event it revises."""
    by_id: dict[str, str] = {}
    for position, event_bytes in rows:
        event = codec.from_dict(orjson.loads(event_bytes))
        link = event.corrects or event.retracts
        stream = by_id.get(link, event.stream) if link is not None else event.stream
        by_id[event.id] = stream
        yield stream, position
