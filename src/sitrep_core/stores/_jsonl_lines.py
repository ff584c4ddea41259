"""The record line of the JSON Lines store: writing one, reading one fast, finding one.

A line is ``{"position":N,"prev":H,"hash":H,"stream":S,"more":K,"event":{...}}``
(``more`` only on the lines of a batch but its last; ``stream`` absent from lines
written before streams existed). Lines this library wrote are read by one regular
expression over their head and a slice for the event's bytes; any other line that is
still JSON of the same shape is read the slow way.
"""

from __future__ import annotations

import os
import re
from typing import IO

import attrs
import orjson

from ._log import StoredRow, chain_hash

_EVENT_KEY = b',"event":'
_HEAD = re.compile(
    rb'\{"position":([1-9][0-9]{0,17}),"prev":"([0-9a-f]{64})","hash":"([0-9a-f]{64})"'
    rb'(?:,"stream":("(?:[^"\\\n]|\\.)*"))?(?:,"more":([1-9][0-9]{0,17}))?,"event":\{'
)
_POSITION_PREFIX = re.compile(rb'\{"position":([1-9][0-9]{0,17}),')
RECORD_START = b'{"position":'


@attrs.frozen
class Line:
    """A record line, read: the row it holds and how many lines of its batch follow."""

    row: StoredRow
    more: int
    event_id: str | None


def encode_line(row: StoredRow, more: int) -> bytes:
    """The line of a record; ``more`` is how many lines of its batch follow."""
    stream = b',"stream":' + orjson.dumps(row.stream) if row.stream is not None else b""
    extra = b',"more":%d' % more if more else b""
    return b'{"position":%d,"prev":"%s","hash":"%s"%s%s,"event":%s}\n' % (
        row.position,
        row.prev.encode("ascii"),
        row.hash.encode("ascii"),
        stream,
        extra,
        row.event_bytes,
    )


_ID = re.compile(rb'\{"type":"[^"\\]*","v":[0-9]+,"id":"([^"\\]*)"')


def parse_line(line: bytes, number: int | None = None) -> Line | None:
    """The record a complete line (ending in ``\\n``) holds, or None when it is not one.

    The event's bytes are exactly those written (what the hash covers); the event is
    not parsed, but for the slow path, which leaves it in ``row.data``.
    """
    found = _HEAD.match(line)
    if found is not None and line.endswith(b"}\n"):
        position, prev, digest, stream, more = found.groups()
        event_bytes = line[found.end() - 1 : -2]
        found_id = _ID.match(event_bytes)
        try:
            event_id = found_id.group(1).decode() if found_id is not None else None
            text = None
            if stream is not None:
                text = stream[1:-1].decode() if b"\\" not in stream else orjson.loads(stream)
        except (UnicodeDecodeError, orjson.JSONDecodeError):
            return _parse_slowly(line, number)  # not UTF-8: not a line of ours
        return Line(
            StoredRow(int(position), prev.decode(), digest.decode(), event_bytes, text, number),
            int(more) if more else 0,
            event_id,
        )
    return _parse_slowly(line, number)


def _parse_slowly(line: bytes, number: int | None) -> Line | None:
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
        or not isinstance(data.get("stream", ""), str)
    ):
        return None
    event = data["event"]
    start = line.find(_EVENT_KEY)
    end = len(line.rstrip(b"\r\n")) - 1
    if start >= 0 and line[end : end + 1] == b"}":
        event_bytes = line[start + len(_EVENT_KEY) : end]
    else:
        event_bytes = orjson.dumps(event)
    event_id = event.get("id")
    return Line(
        StoredRow(
            data["position"],
            data["prev"],
            data["hash"],
            event_bytes,
            data.get("stream"),
            number,
            data=event,
        ),
        data.get("more", 0),
        event_id if isinstance(event_id, str) else None,
    )


def event_id_of(line: Line) -> str | None:
    """The event's id: from the fast read, else by parsing the event."""
    if line.event_id is not None:
        return line.event_id
    try:
        data = orjson.loads(line.row.event_bytes)
    except orjson.JSONDecodeError:
        return None
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


def torn_tail_problem(tail: bytes, position: int, prev: str) -> tuple[str, bool] | None:
    """Why ``tail`` (the bytes after the last whole batch, which ends at ``position``
    with hash ``prev``) is not what an interrupted append leaves, or None when it is.

    An interrupted append leaves the first lines of its batch, whole and linked to the
    log, each saying more follow, then perhaps the start of one more line; or the NUL
    bytes some file systems leave. Anything else (a record edited, a whole batch, a
    line that is not a record) is damage, and is never cut off. The problem comes with
    whether it is a break in the chain (else it is bytes that are not records at all).
    """
    *whole, last = tail.split(b"\n")
    expected_more = None
    for line in whole:
        if not line.strip(b"\x00 \t\r"):
            continue
        parsed = parse_line(line + b"\n")
        if parsed is None:
            return "a whole line that is not a record", False
        row = parsed.row
        if row.position != position + 1 or row.prev != prev:
            return f"a record at position {row.position} that does not follow on", True
        if chain_hash(row.position, row.prev, row.event_bytes) != row.hash:
            return f"the record at position {row.position} does not match its hash", True
        if not parsed.more or (expected_more is not None and parsed.more != expected_more):
            return f"the record at position {row.position} ends its batch: it was committed", True
        position, prev, expected_more = row.position, row.hash, parsed.more - 1
    if not could_start_a_record(last):
        return "bytes that are not the start of a record", False
    return None


def could_start_a_record(piece: bytes) -> bool:
    """Whether an unfinished last line may be the start of a record being written."""
    rest = piece.strip(b"\x00 \t\r")
    return not rest or rest.startswith(RECORD_START) or RECORD_START.startswith(rest)


def line_at(handle: IO[bytes], at: int) -> tuple[int, int] | None:
    """(position, length) of the record line that starts at byte ``at``, or None at the
    end of the file or a line that is not a whole record of ours."""
    handle.seek(at)
    line = handle.readline()
    found = _POSITION_PREFIX.match(line)
    if found is None or not line.endswith(b"\n"):
        return None
    return int(found.group(1)), len(line)


def seek_position(handle: IO[bytes], position: int) -> int | None:
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
        found = line_at(handle, at)
        if found is None:
            return None
        if found[0] < position:
            low = at
        else:
            high = middle
    at = low
    found = line_at(handle, at)
    while found is not None and found[0] < position:
        at += found[1]
        found = line_at(handle, at)
    if found is None or found[0] != position:
        return None
    handle.seek(at)
    return position - 1


def follows(before: Line, after: Line | None) -> bool:
    """Whether ``after`` is the record after ``before``: the next position, linked to it."""
    return (
        after is not None
        and after.row.position == before.row.position + 1
        and after.row.prev == before.row.hash
    )
