"""What commands print: JSON of views and records, and a progress bar on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import click
import orjson

from ..codec._codec import Codec
from ..stores._log import EventLog, Record

PROGRESS_MIN = 2000
"""Replays of logs shorter than this show no progress bar."""


def to_json(value: Any, *, indent: bool = True) -> str:
    """Views, changes and records as JSON: cattrs unstructure, orjson, sorted keys."""
    from ..renderers import unstructure  # the report's converter, loaded when used

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
    """A log whose reads move one progress bar: every record read, over all passes."""

    def __init__(self, log: EventLog, bar: Any, head: int) -> None:
        self._log = log
        self._bar = bar
        self._head = head
        self._read = 0
        self.length = head

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)

    def read(self, from_position: int = 1, *, types: Any = None) -> Iterator[Record]:
        bar = self._bar
        for record in self._log.read(from_position, types=types):
            self._read += 1
            if self._read > self.length:  # a second pass: the bar grows, it never restarts
                self.length += self._head
                bar.length = self.length
            if self._read % 256 == 0:
                bar.pos = self._read
                bar.render_progress()
            yield record


@contextmanager
def progress(log: EventLog, label: str) -> Iterator[EventLog]:
    """The log itself, or (on a terminal, for a long log) one whose reads move a bar.

    One bar counts the records read over all the command's reads of the log, so it
    never starts again at 0: a command folds the log once, and a pass more (a
    plugin's, say) lengthens the bar rather than restarting it.
    """
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
        tracked = _Tracked(log, bar, head)
        yield cast(EventLog, tracked)
        bar.pos = tracked.length  # done (a read of part of the log ends short of it)
        bar.render_progress()
