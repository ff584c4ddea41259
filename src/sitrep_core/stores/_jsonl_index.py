"""What a JSON Lines log's reader knows of the committed part of its file.

For each record: where its line starts, its id and its stream; so a lookup by id
(idempotent appends, revisions), by stream (``read(stream=...)``, stream versions)
or by position reads one line, not the file.
"""

from __future__ import annotations

from array import array

from ._log import GENESIS


class LineIndex:
    """Positions, ids and streams of the records of a file's first ``size`` bytes."""

    def __init__(self) -> None:
        self.size = 0
        """Bytes of the file indexed: always the end of a whole batch."""
        self.lines = 0
        self.head = 0
        self.head_hash = GENESIS
        self.offsets = array("q")
        self.ids: dict[str, int] = {}
        self.streams: list[str] = []
        self.by_stream: dict[str, array[int]] = {}

    def add(self, offset: int, event_id: str, stream: str, digest: str) -> None:
        """Index the next record (at position ``head + 1``), whose line starts at ``offset``."""
        position = self.head + 1
        self.offsets.append(offset)
        self.ids[event_id] = position
        known = self.by_stream.get(stream)
        if known is None:
            known = self.by_stream[stream] = array("q")
            stream = stream  # the first spelling is the one every record shares
        else:
            stream = self.streams[known[0] - 1]
        known.append(position)
        self.streams.append(stream)
        self.head, self.head_hash = position, digest

    def commit(self, size: int, lines: int) -> None:
        """The batches added end at byte ``size``, line ``lines``."""
        self.size, self.lines = size, lines

    def stream_of(self, position: int) -> str:
        return self.streams[position - 1]
