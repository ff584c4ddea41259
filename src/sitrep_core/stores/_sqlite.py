"""The single-file team store: one SQLite database in WAL mode, shared by several processes.

A record is a row of ``sitrep_events``: its position, the link to the previous
record, its hash and the event's bytes exactly as encoded (what the hash covers),
plus the id (unique), type tag, stream and recorded time for lookups. Writers
serialise on SQLite's own write lock, taken up front with ``BEGIN IMMEDIATE``;
readers never block them (WAL) and page through the table by position (or by
stream, on its index), holding nothing open between pages.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..codec._codec import Codec
from ..errors import (
    ConflictError,
    CorruptLogError,
    LogPermissionError,
    ReadOnlyLogError,
    SitrepError,
    StoreError,
    StoreUnavailableError,
)
from ._files import check_regular, create_file
from ._log import GENESIS, Clock, EventLog, StoredEvent, StoredRow
from ._sql import PAGE, stored_columns, streams_of
from ._sqlite_views import READABLE_VIEWS

__all__ = ["SCHEMA_VERSION", "SqliteLog", "StoreUnavailableError"]

SCHEMA_VERSION = 2
"""The newest schema this library writes; older files are migrated on open."""

Backfill = Callable[["SqliteLog", sqlite3.Connection], None]


def _fill_streams(log: SqliteLog, conn: sqlite3.Connection) -> None:
    rows = conn.execute("SELECT position, event FROM sitrep_events ORDER BY position")
    found = list(streams_of(log.codec, ((int(p), str(e).encode()) for p, e in rows)))
    conn.executemany("UPDATE sitrep_events SET stream = ? WHERE position = ?", found)


# (version, description, statements, backfill): applied in order, each in the
# transaction that records it in sitrep_schema_version.
_MIGRATIONS: tuple[tuple[int, str, tuple[str, ...], Backfill | None], ...] = (
    (
        1,
        "events table",
        (
            """CREATE TABLE sitrep_events (
                position INTEGER PRIMARY KEY CHECK (position > 0),
                id TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                recorded TEXT,
                prev TEXT NOT NULL,
                hash TEXT NOT NULL,
                event TEXT NOT NULL
            )""",
            "CREATE INDEX sitrep_events_type ON sitrep_events (type, position)",
            *READABLE_VIEWS,
        ),
        None,
    ),
    (
        2,
        "streams",
        ("ALTER TABLE sitrep_events ADD COLUMN stream TEXT", *READABLE_VIEWS),
        _fill_streams,
    ),
    # the index comes after the backfill, so that it is built once
)
_AFTER = {2: ("CREATE INDEX sitrep_events_stream ON sitrep_events (stream, position)",)}


class SqliteLog(EventLog):
    """A log in one SQLite file (WAL, ``synchronous=FULL``): several processes may append.

    ``timeout`` is how long (seconds) a writer waits for another's lock before
    :class:`~sitrep_core.StoreUnavailableError`. A file this user cannot write (or
    ``readonly=True``) opens for reading; appends then raise
    :class:`~sitrep_core.ReadOnlyLogError`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        codec: Codec | None = None,
        create: bool = True,
        clock: Clock | None = None,
        timeout: float = 30.0,
        readonly: bool = False,
    ) -> None:
        super().__init__(codec, clock=clock)
        self.path = Path(path)
        self.timeout = timeout
        if not self.path.exists() and not readonly:
            if not create:
                raise FileNotFoundError(f"{self.path}: no such log")
            create_file(self.path)
        elif not self.path.exists():
            raise FileNotFoundError(f"{self.path}: no such log")
        check_regular(self.path)
        if not os.access(self.path, os.R_OK):
            raise LogPermissionError(
                f"{self.path}: permission denied (this user may not read the log)",
                source=str(self.path),
            )
        self.readonly = readonly or not os.access(self.path, os.W_OK)
        self._conn: sqlite3.Connection | None = None
        try:
            target = f"file:{quote(str(self.path.absolute()))}" + (
                "?mode=ro" if self.readonly else ""
            )
            self._conn = sqlite3.connect(
                target,
                uri=True,
                timeout=timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if not self.readonly:
                mode = _switch_to_wal(self._conn, timeout)
                if str(mode).lower() != "wal":
                    raise CorruptLogError(
                        f"cannot switch the database to WAL mode (it is in {mode} mode)",
                        source=str(self.path),
                    )
                self._conn.execute("PRAGMA synchronous = FULL")
            self.schema_version = self._migrate(create and not self.readonly)
        except sqlite3.Error as exc:
            self.close()
            raise self._error(exc) from exc
        except BaseException:
            self.close()
            raise

    @property
    def name(self) -> str:
        return str(self.path)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError(f"{self.path}: the log is closed")
        return self._conn

    def _error(self, exc: sqlite3.Error) -> StoreError:
        """The library's error for what SQLite reported."""
        text = str(exc)
        code = getattr(exc, "sqlite_errorname", "")
        source = str(self.path)
        if code.startswith("SQLITE_READONLY") or "readonly" in text:
            return ReadOnlyLogError(
                f"{self.path}: the log can only be read ({text}); nothing was appended",
                source=source,
            )
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return StoreUnavailableError(
                f"{self.path}: another writer held the log for more than {self.timeout:g} s",
                host=source,
                committed=False,
            )
        if code.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or "full" in text:
            return StoreUnavailableError(
                f"{self.path}: the write failed ({text}); nothing was appended",
                host=source,
                committed=False,
            )
        if code.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
            return LogPermissionError(f"{self.path}: cannot open the log ({text})", source=source)
        return CorruptLogError(f"the SQLite database failed: {text}", source=source)

    # -- schema ------------------------------------------------------------------

    def _migrate(self, create: bool) -> int:
        """Bring the schema up to date (or, without ``create``, check it); its version."""
        conn = self._connection()
        current = self._stored_version(conn)
        if current == SCHEMA_VERSION:
            return current
        if current > SCHEMA_VERSION:
            raise SitrepError(
                f"{self.path}: schema version {current} is newer than this library knows "
                f"({SCHEMA_VERSION}); upgrade sitrep-core"
            )
        if not create:
            if current == 0:
                raise SitrepError(f"{self.path}: not a sitrep log (no sitrep_events table)")
            if self.readonly:
                raise ReadOnlyLogError(
                    f"{self.path}: schema version {current} needs migrating to "
                    f"{SCHEMA_VERSION}, and the log can only be read",
                    source=str(self.path),
                )
            raise SitrepError(
                f"{self.path}: schema version {current} needs migrating to {SCHEMA_VERSION}; "
                "open it with create=True (or run 'sitrep init')"
            )
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS sitrep_schema_version ("
                "version INTEGER PRIMARY KEY, applied TEXT NOT NULL, description TEXT NOT NULL)"
            )
            current = self._stored_version(conn)  # another process may have been first
            for version, description, statements, backfill in _MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    conn.execute(statement)
                if backfill is not None:
                    backfill(self, conn)
                for statement in _AFTER.get(version, ()):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO sitrep_schema_version VALUES (?, ?, ?)",
                    (version, datetime.now(UTC).isoformat(), description),
                )
                current = version
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return current

    @staticmethod
    def _stored_version(conn: sqlite3.Connection) -> int:
        known = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sitrep_schema_version'"
        ).fetchone()
        if known is None:
            return 0
        row = conn.execute("SELECT coalesce(max(version), 0) FROM sitrep_schema_version").fetchone()
        return int(row[0])

    # -- EventLog primitives -------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if self.readonly:
            raise ReadOnlyLogError(
                f"{self.path}: the log is open for reading only; nothing was appended",
                source=str(self.path),
            )
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise self._error(exc) from exc

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._thread_lock:
            try:
                return self._connection().execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._error(exc) from exc

    def _tip(self) -> tuple[int, str]:
        rows = self._query(
            "SELECT position, hash FROM sitrep_events ORDER BY position DESC LIMIT 1"
        )
        return (0, GENESIS) if not rows else (int(rows[0][0]), str(rows[0][1]))

    def _find(self, event_ids: Collection[str]) -> Mapping[str, StoredEvent]:
        found = {}
        wanted = list(event_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self._query(
                "SELECT id, position, event, stream FROM sitrep_events "  # noqa: S608 - placeholders only
                f"WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for event_id, position, event, stream in rows:
                found[str(event_id)] = StoredEvent(
                    int(position), str(event).encode("utf-8"), str(stream)
                )
        return found

    def _stream_versions(self, streams: Collection[str]) -> Mapping[str, int]:
        return {
            s: int(self._query("SELECT count(*) FROM sitrep_events WHERE stream = ?", (s,))[0][0])
            for s in streams
        }

    def _write(self, rows: Sequence[StoredRow]) -> None:
        try:
            self._connection().executemany(
                "INSERT INTO sitrep_events "
                "(position, id, type, recorded, stream, prev, hash, event) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(*stored_columns(row), row.event_bytes.decode("utf-8")) for row in rows],
            )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(
                f"{self.path}: a row was refused ({exc}): was the log written without the "
                "writers' lock?",
                source=str(self.path),
            ) from exc
        except sqlite3.Error as exc:  # a full disk, an I/O error: rolled back by _locked
            raise self._error(exc) from exc
        # committed (and fsynced, synchronous=FULL) when the lock is released

    @property
    def head(self) -> int:
        return int(self._query("SELECT coalesce(max(position), 0) FROM sitrep_events")[0][0])

    def _scan(
        self,
        from_position: int,
        *,
        stream: str | None = None,
        types: frozenset[str] | None = None,
    ) -> Iterator[StoredRow]:
        query = (
            "SELECT position, prev, hash, event, stream FROM sitrep_events "
            "WHERE position >= ? AND position <= ?"
        )
        extra: list[Any] = []
        if stream is not None:
            query += " AND stream = ?"
            extra.append(stream)
        elif types is not None:
            query += f" AND type IN ({', '.join('?' * len(types))})"
            extra.extend(sorted(types))
        query += " ORDER BY position LIMIT ?"
        start, end = max(from_position, 1), self.head
        while start <= end:
            page = self._query(query, [start, end, *extra, PAGE])
            if not page:
                return
            for position, prev, digest, event, row_stream in page:
                yield StoredRow(
                    int(position),
                    str(prev),
                    str(digest),
                    str(event).encode("utf-8"),
                    None if row_stream is None else str(row_stream),
                )
            start = int(page[-1][0]) + 1


def _switch_to_wal(conn: sqlite3.Connection, timeout: float) -> str:
    """Put the database in WAL mode; the mode it is in. Processes or threads opening a
    new database at once find it locked by one another's switch at once (SQLite does
    not wait for that lock), so the switch is tried again until ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.005)
