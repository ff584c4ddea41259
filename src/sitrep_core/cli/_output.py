"""What commands print: JSON of views and records, and a progress bar on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import click
import orjson

from ..codec._codec import Codec
from ..renderers import unstructure
from ..stores._log import EventLog, Record

PROGRESS_MIN = 2000
"""Replays of logs shorter than this show no progress bar."""


def to_json(value: Any, *, indent: bool = True) -> str:
    """Views, changes and records as JSON: cattrs unstructure, orjson, sorted keys."""
    option = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    if indent:
        option |= orjson.OPT_INDENT_2
    return orjson.dumps(unstructure(value), option=option, default=str).decode()


def record_json(codec: Codec, record: Record) -> str:
    """One record as a line: position, hash, prev and the event in the line format."""
    data = {
        "position": record.position,
        "hash": record.hash,
        "prev": record.prev,
        "event": codec.to_dict(record.event),
    }
    return orjson.dumps(data).decode()


def stderr_is_terminal() -> bool:
    """Whether a person watches stderr (a progress bar would only clutter a file)."""
    return sys.stderr.isatty()


class _Tracked:
    """A log whose reads move a progress bar; everything else goes to the log itself."""

    def __init__(self, log: EventLog, bar: Any, label: str) -> None:
        self._log = log
        self._bar = bar
        self._label = label
        self._passes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)

    def read(self, from_position: int = 1, *, types: Any = None) -> Iterator[Record]:
        self._passes += 1
        bar = self._bar
        if self._passes > 1:
            bar.label = f"{self._label} (pass {self._passes})"
        bar.pos = max(from_position - 1, 0)
        for record in self._log.read(from_position, types=types):
            if record.position % 256 == 0:
                bar.pos = min(record.position, bar.length)
                bar.render_progress()
            yield record
        bar.pos = bar.length
        bar.render_progress()


@contextmanager
def progress(log: EventLog, label: str) -> Iterator[EventLog]:
    """The log itself, or (on a terminal, for a long log) one that shows a progress bar."""
    if not stderr_is_terminal():
        yield log
        return
    head = log.head
    if head < PROGRESS_MIN:
        yield log
        return
    with click.progressbar(
        length=head, label=label, file=sys.stderr, show_eta=False, show_pos=True
    ) as bar:
        yield cast(EventLog, _Tracked(log, bar, label))
