"""Stores: append-only, hash-chained logs in memory, a JSON Lines file, SQLite or PostgreSQL."""

from ._copy import CopyResult, copy_log
from ._log import AppendResult, EventLog, MemoryLog, Record, VerifyResult, open_log
from ._sqlite import StoreUnavailableError

__all__ = [
    "AppendResult",
    "CopyResult",
    "EventLog",
    "MemoryLog",
    "Record",
    "StoreUnavailableError",
    "VerifyResult",
    "copy_log",
    "open_log",
]
