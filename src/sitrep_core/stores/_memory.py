"""The log held in memory: for tests, scratch work and what-if replays."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager

import attrs
import orjson

from ..codec._codec import Codec
from ._log import GENESIS, Clock, EventLog, StoredEvent, StoredRow


class MemoryLog(EventLog):
    """A log held in memory; it is gone once closed. Rows keep their decoded events."""

    def __init__(self, codec: Codec | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(codec, clock=clock)
        self._rows: list[StoredRow] = []
        self._ids: dict[str, int] = {}
        self._streams: dict[str, list[int]] = {}

    @property
    def name(self) -> str:
        return "memory"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        yield

    def _tip(self) -> tuple[int, str]:
        return (len(self._rows), self._rows[-1].hash if self._rows else GENESIS)

    def _find(self, event_ids: Collection[str]) -> Mapping[str, StoredEvent]:
        found = {}
        for event_id in event_ids:
            position = self._ids.get(event_id)
            if position is not None:
                row = self._rows[position - 1]
                found[event_id] = StoredEvent(position, row.event_bytes, row.stream or "")
        return found

    def _stream_versions(self, streams: Collection[str]) -> Mapping[str, int]:
        return {s: len(self._streams[s]) for s in streams if s in self._streams}

    def _write(self, rows: Sequence[StoredRow]) -> None:
        kept = []
        for row in rows:
            if row.event is None:  # rows always come with their event from append
                row = attrs.evolve(row, event=self.codec.from_dict(orjson.loads(row.event_bytes)))
            kept.append(row)
        for row in kept:
            assert row.event is not None and row.stream is not None
            self._rows.append(row)
            self._ids[row.event.id] = row.position
            self._streams.setdefault(row.stream, []).append(row.position)

    def _scan(
        self,
        from_position: int,
        *,
        stream: str | None = None,
        types: frozenset[str] | None = None,
    ) -> Iterator[StoredRow]:
        rows = self._rows
        if stream is not None:
            for position in list(self._streams.get(stream, ())):
                if position >= from_position:
                    yield rows[position - 1]
            return
        for index in range(max(from_position, 1) - 1, len(rows)):
            yield rows[index]

    @property
    def head(self) -> int:
        return len(self._rows)
