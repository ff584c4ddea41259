"""Stores: append-only, hash-chained logs in memory, a JSON Lines file, SQLite or PostgreSQL.

``open_log`` picks the store a path or URL names. It loads no plugin: without a
codec the log knows the built-in event types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..codec._codec import Codec
from ._copy import CopyResult, copy_log
from ._log import AppendResult, EventLog, RawRecord, Record, VerifyResult
from ._memory import MemoryLog

__all__ = [
    "AppendResult",
    "CopyResult",
    "EventLog",
    "MemoryLog",
    "RawRecord",
    "Record",
    "VerifyResult",
    "copy_log",
    "open_log",
]


def open_log(
    target: str | Path, *, codec: Codec | None = None, create: bool = True, **options: Any
) -> EventLog:
    """Open the log a path or URL names: ``memory:``, ``*.jsonl`` (the default store),
    ``*.sqlite``/``sqlite:///path``, or ``postgresql://...``.

    Without ``codec``, the log reads and writes the built-in event types; for the
    types plugins add, pass their codec (``Plugins.load().codec``) or use
    :meth:`sitrep_core.Plugins.open_log`. ``options`` go to the store (``clock``,
    ``readonly`` for the file stores, ``timeout``, ``retries``...).
    """
    if codec is None:
        codec = Codec()
    text = str(target)
    if text in ("memory:", ":memory:"):
        return MemoryLog(codec, **options)
    if text.startswith(("postgresql://", "postgres://")):
        from ._postgres import PostgresLog

        return PostgresLog(text, codec=codec, create=create, **options)
    if text.startswith("sqlite://") or text.endswith((".sqlite", ".sqlite3", ".db")):
        from ._sqlite import SqliteLog

        path = text.removeprefix("sqlite://") if text.startswith("sqlite://") else text
        return SqliteLog(path, codec=codec, create=create, **options)
    from ._jsonl import JsonlLog

    return JsonlLog(text, codec=codec, create=create, **options)
