"""What a JSON Lines log's reader knows of the committed part of its file, and the copy
of it kept beside the log so that a new process need not read the whole file.

For each record: where its line starts, its id and its stream; so a lookup by id
(idempotent appends, revisions), by stream (``read(stream=...)``, stream versions)
or by position reads one line, not the file.

The copy (``<log>.index``) is JSON Lines too: a header, then one entry a batch, each
saying where its lines start, their lengths, ids and streams, and the position, hash,
size and line count the log had after it. It is written only by a writer holding the
log's lock (an entry appended after each batch, or the whole copy replaced atomically
when it is missing, stale or damaged), and never trusted as it is: on load, every
entry must follow on from the one before, and the log must still hold the last
entry's record, with its hash, ending where the entry says. A copy that does not
check out is ignored (and made again by the next writer); a log that ends exactly at
an earlier entry's record, with that record's hash, was cut back by whole batches,
which is a broken chain.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from collections.abc import Iterator
from itertools import accumulate, count
from pathlib import Path
from typing import IO, Any

import orjson

from ..errors import BrokenChainError
from ._chain import GENESIS, chain_hash
from ._jsonl_lines import parse_line

FORMAT = "sitrep-jsonl-index/1"


class LineIndex:
    """Positions, ids and streams of the records of a file's first ``size`` bytes."""

    def __init__(self) -> None:
        self.size = 0
        """Bytes of the file indexed: always the end of a whole batch."""
        self.lines = 0
        self.head = 0
        self.head_hash = GENESIS
        self.offsets = array("q")
        self.id_list: list[str] = []
        self.streams: list[str] = []
        self._ids: dict[str, int] | None = None
        self._by_stream: dict[str, array[int]] | None = None
        self._scans = 0
        self.copy_whole = False
        """Whether the copy beside the log checked out entry for entry when it was read
        (or was written whole since): only then may a writer add entries to it."""

    # The lookups by id and by stream are made from the lists the first time they are
    # needed, not when the copy is loaded: a new process that appends one event to a
    # log of a million (``sitrep add``) looks its id up by a scan of the list instead of
    # hashing a million ids, and never asks for a stream's positions.
    SCANS = 8
    """Ids looked up by scanning the list before the lookup table is made."""

    @property
    def ids(self) -> dict[str, int]:
        """Every record's position by its event id."""
        if self._ids is None:
            self._ids = dict(zip(self.id_list, count(1)))
        return self._ids

    @property
    def by_stream(self) -> dict[str, array[int]]:
        """The positions of each stream's records, in order."""
        found = self._by_stream
        if found is None:
            found = self._by_stream = {}
            for position, stream in enumerate(self.streams, start=1):
                known = found.get(stream)
                if known is None:
                    found[stream] = array("q", (position,))
                else:
                    known.append(position)
        return found

    def position_of(self, event_id: str) -> int | None:
        """The position of the record of ``event_id``, or None."""
        if self._ids is None and self._scans < self.SCANS:
            self._scans += 1
            try:
                return self.id_list.index(event_id) + 1
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
                stream = self.streams[known[0] - 1]  # the first spelling, shared by every record
                known.append(position)
        self.streams.append(stream)
        self.head, self.head_hash = position, digest

    def commit(self, size: int, lines: int) -> None:
        """The batches added end at byte ``size``, line ``lines``."""
        self.size, self.lines = size, lines

    def stream_of(self, position: int) -> str:
        return self.streams[position - 1]

    def end_of(self, position: int) -> int:
        """The byte where the line of record ``position`` ends."""
        return self.offsets[position] if position < self.head else self.size

    # -- the copy beside the log -------------------------------------------------------

    def entry(self, first: int, last: int) -> bytes:
        """The copy's entry for the records from position ``first`` to ``last``."""
        offsets = self.offsets
        end = self.end_of(last)
        starts = offsets[first - 1 : last]
        ends = [*offsets[first:last], end]
        entry: dict[str, Any] = {
            "at": starts[0],
            "lens": [b - a for a, b in zip(starts, ends, strict=True)],
            "ids": self.id_list[first - 1 : last],
            "streams": self.streams[first - 1 : last],
            "head": last,
            "hash": self.head_hash if last == self.head else None,
            "size": end,
            "lines": last,
        }
        entry["check"] = _check(entry)
        return orjson.dumps(entry) + b"\n"

    def entries(self, first: int) -> bytes:
        """The copy's entries from position ``first`` on, ``ENTRY`` records at most each."""
        return b"".join(
            self.entry(start, min(start + ENTRY - 1, self.head))
            for start in range(first, self.head + 1, ENTRY)
        )


ENTRY = 10_000
"""Records an entry of the copy holds at most (its last entry is read alone)."""


def _check(entry: dict[str, Any]) -> str:
    """A digest of an entry's content: an entry edited or cut short does not match it."""
    fields = [entry[k] for k in ("at", "lens", "ids", "streams", "head", "hash", "size")]
    return hashlib.sha256(orjson.dumps(fields)).hexdigest()[:32]


def index_path(log: Path) -> Path:
    return log.with_name(f"{log.name}.index")


def _entries(data: bytes) -> Iterator[dict[str, Any] | None]:
    """The copy's entries that are whole and follow on, then None if one is not."""
    lines = data.split(b"\n")
    if lines[-1]:
        lines.append(b"")  # a torn last entry: checked (and refused) as any other
    try:
        header = orjson.loads(lines[0])
    except orjson.JSONDecodeError:
        return
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return
    head, size = 0, 0
    for line in lines[1:-1]:
        try:
            entry = orjson.loads(line)
            count = len(entry["ids"])
            if (
                not isinstance(entry, dict)
                or entry.get("check") != _check(entry)
                or entry["at"] != size
                or entry["head"] != head + count
                or len(entry["lens"]) != count
                or len(entry["streams"]) != count
                or entry["size"] != size + sum(entry["lens"])
            ):
                yield None
                return
        except (orjson.JSONDecodeError, KeyError, TypeError):
            yield None
            return
        head, size = entry["head"], entry["size"]
        yield entry


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


def load(log: Path, handle: IO[bytes]) -> LineIndex:
    """The index the copy beside ``log`` holds, checked against the log (``handle``); an
    empty one when there is no copy or it does not check out. :class:`BrokenChainError`
    when the log was cut back to the end of an earlier batch."""
    index = LineIndex()
    try:
        data = index_path(log).read_bytes()
    except OSError:
        return index
    # the log's size taken after the copy was read: a writer extends the log before its
    # copy, so the log is never shorter than a copy read before it, unless it was cut
    file_size = os.fstat(handle.fileno()).st_size
    found_entries = list(_entries(data))
    entries = [entry for entry in found_entries if entry is not None]
    if not entries:
        return index
    last = entries[-1]
    if last["size"] > file_size:
        _refuse_a_cut_back(log, handle, entries, file_size)
        return index
    found = (
        _line_at(handle, last["size"] - last["lens"][-1], last["size"]) if last["lens"] else None
    )
    if found is None or found[0] != last["head"] or last["hash"] not in (None, found[1]):
        return index  # a copy of another log, or of this one before it was rewritten
    for entry in entries:
        index.offsets.extend(accumulate(entry["lens"][:-1], initial=entry["at"]))
        index.id_list.extend(entry["ids"])
        index.streams.extend(entry["streams"])
    index.head, index.head_hash = last["head"], found[1]
    index.size, index.lines = last["size"], last["lines"]
    index.copy_whole = len(entries) == len(found_entries)
    return index


def _refuse_a_cut_back(
    log: Path, handle: IO[bytes], entries: list[dict[str, Any]], file_size: int
) -> None:
    for entry in reversed(entries):
        if entry["size"] == file_size and entry["lens"]:
            found = _line_at(handle, entry["size"] - entry["lens"][-1], entry["size"])
            if found == (entry["head"], entry["hash"]):
                raise BrokenChainError(
                    f"the log ends at position {entry['head']}, but its index beside it "
                    f"recorded {entries[-1]['head']} records: whole batches were removed from "
                    f"its end (if the log was restored from a copy on purpose, delete "
                    f"{index_path(log).name})",
                    source=str(log),
                    position=entry["head"] + 1,
                )


def save(log: Path, index: LineIndex) -> None:
    """Bring the copy beside ``log`` up to ``index`` (writers' lock held, the index up to
    date): an entry appended when the copy ends at a batch this index agrees on, else
    the whole copy replaced atomically. Failing to write it costs speed only."""
    path = index_path(log)
    last = _last_entry(path) if index.copy_whole else None
    try:
        if last is not None and 0 < last[0] <= index.head and last[1] == index.end_of(last[0]):
            if last[0] < index.head:
                with open(path, "ab") as out:
                    out.write(index.entries(last[0] + 1))
        elif index.head:
            partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
            with open(partial, "wb") as out:
                out.write(orjson.dumps({"format": FORMAT}) + b"\n" + index.entries(1))
            os.replace(partial, path)
            index.copy_whole = True
    except OSError:
        return


def _last_entry(path: Path) -> tuple[int, int] | None:
    """(head, size) of the copy's last entry, or None when it has none or is not ours."""
    try:
        with open(path, "rb") as handle:
            if orjson.loads(handle.readline()).get("format") != FORMAT:
                return None
            end = handle.seek(0, os.SEEK_END)
            for window in (1 << 16, 1 << 20, 1 << 24):  # an entry holds ENTRY records at most
                handle.seek(max(0, end - window))
                tail = handle.read().rsplit(b"\n", 2)
                if len(tail) == 3 or window >= end:
                    break
        entry = orjson.loads(tail[-2]) if len(tail) >= 2 and tail[-1] == b"" else None
        if not isinstance(entry, dict):
            return None
        head, size = entry.get("head"), entry.get("size")
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return None
    return (head, size) if type(head) is int and type(size) is int else None
