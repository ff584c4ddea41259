"""The hash chain: records as stored, their hash, and the check every read makes.

A record's hash covers its position, the hash before it and its event's bytes
exactly as stored, so a record removed, repeated, moved or edited breaks the chain
where it happened. :class:`ChainCheck` is that check, made as records stream.
"""

from __future__ import annotations

import hashlib
from typing import Any

import attrs
import orjson

from ..model import Event

GENESIS = "0" * 64
"""The ``prev`` of the first record."""


def chain_hash(position: int, prev: str, event_bytes: bytes) -> str:
    """The hash that links a record to the one before it; the same in every store."""
    digest = hashlib.sha256(b"sitrep-chain-v1\n%d\n%s\n" % (position, prev.encode("ascii")))
    digest.update(event_bytes)
    return digest.hexdigest()


@attrs.frozen
class RawRecord:
    """A record exactly as stored: the event's bytes are what the hash covers."""

    position: int
    prev: str
    hash: str
    event_bytes: bytes


@attrs.frozen
class StoredEvent:
    """What a store knows of a stored event id: where it is, its bytes and stream."""

    position: int
    event_bytes: bytes
    stream: str


@attrs.frozen
class StoredRow:
    """One record as a store holds it, before decoding (for stores only)."""

    position: int
    prev: str
    hash: str
    event_bytes: bytes
    stream: str | None = None
    line: int | None = None
    """The file's line (JSON Lines), for error messages."""
    problem: str | None = None
    """What the store found wrong with the row before any check (not a record at all)."""
    damage: bool = False
    """Whether ``problem`` is a break in the chain (a line removed from a batch), not a
    row that is no record at all."""
    event: Event | None = attrs.field(default=None, eq=False, repr=False)
    """The event the bytes encode, when the store has it already."""
    data: dict[str, Any] | None = attrs.field(default=None, eq=False, repr=False)
    """The bytes parsed, when the store parsed them already."""


class ChainCheck:
    """Checks rows as they stream: positions follow on, each ``prev`` is the hash
    before, each hash is the one its bytes give. ``sparse`` allows gaps (a read of
    one stream or some types through an index): then a link is checked wherever two
    consecutive positions meet, and every row's own hash always."""

    __slots__ = ("expected", "prev", "sparse")

    def __init__(self, start: int = 1, prev: str | None = None, *, sparse: bool = False):
        self.expected = start
        # from the start, the first link is to the genesis hash; from a later position,
        # to ``prev`` when the caller knows it (the head it indexed up to), else unchecked
        self.prev = GENESIS if start == 1 else prev
        self.sparse = sparse

    def problem(self, row: StoredRow) -> str | None:
        """What is wrong with the next row, or None (and the row is taken as checked)."""
        if row.problem is not None:
            return row.problem
        if row.position != self.expected and not (self.sparse and row.position > self.expected):
            return (
                f"position {row.position} where {self.expected} was expected "
                "(a record was removed, inserted, repeated or reordered)"
            )
        if row.position == self.expected and self.prev is not None and row.prev != self.prev:
            return "the link to the previous record does not match (removed or reordered)"
        try:
            edited = chain_hash(row.position, row.prev, row.event_bytes) != row.hash
        except UnicodeEncodeError:
            return "the link to the previous record is not a hash (64 hex digits)"
        if edited:
            return "the content does not match its hash (the record was edited)"
        self.expected, self.prev = row.position + 1, row.hash
        return None


def event_id_in(event_bytes: bytes) -> str | None:
    """The id a stored event's bytes hold, if they hold one (for error messages)."""
    try:
        data = orjson.loads(event_bytes)
    except orjson.JSONDecodeError:
        return None
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None
