"""The single-file team store: one SQLite database in WAL mode, shared by several processes.

A record is a row of ``sitrep_events``: its position, the link to the previous
record, its hash and the event's bytes exactly as encoded (what the hash covers),
plus the id (unique), type tag and recorded time for lookups. Writers serialise on
SQLite's own write lock, taken up front with ``BEGIN IMMEDIATE``; readers never
block them (WAL) and page through the table by position, holding nothing open
between pages.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from ..codec._codec import Codec, unstructure_datetime
from ..errors import CorruptLogError, SitrepError
from ._log import GENESIS, Clock, EventLog, Record, StoredRow
from ._sqlite_views import READABLE_VIEWS

SCHEMA_VERSION = 1
"""The newest schema this library writes; older files are migrated on open."""

_PAGE = 1000

# (version, description, statements): applied in order, each in the transaction
# that records it in sitrep_schema_version.
_MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
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
    ),
)


class StoreUnavailableError(SitrepError):
    """The store could not be reached, or stopped answering: names the host (or file).

    Raised by both team stores (a PostgreSQL server that does not answer, a SQLite
    file another writer holds too long); defined here so that importing the library
    does not import the PostgreSQL driver.

    ``committed`` says what became of an append: False when it certainly was not
    stored, None when the connection failed during the commit and it may have been
    (appending the same events again is then safe: stored ids are skipped).
    """

    def __init__(
        self, message: str, *, host: str | None = None, committed: bool | None = False
    ) -> None:
        self.host = host
        self.committed = committed
        super().__init__(message)


def _create_file(path: Path) -> bool:
    """Create an empty database file, not world-writable; False when one appeared first."""
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644
        )
    except FileExistsError:
        return False
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return True


def stored_columns(row: StoredRow) -> tuple[int, str, str, str | None, str, str, str]:
    """The column values of a row: position, id, type, recorded, prev, hash, event text."""
    if row.event is not None:  # what the bytes say, without parsing them again
        event = row.event
        moment = None if event.recorded is None else unstructure_datetime(event.recorded)
        return (
            row.position,
            event.id,
            event.TYPE,
            moment,
            row.prev,
            row.hash,
            row.event_bytes.decode("utf-8"),
        )
    data = orjson.loads(row.event_bytes)
    recorded = data.get("recorded")
    return (
        row.position,
        data["id"],
        data["type"],
        recorded if isinstance(recorded, str) else None,
        row.prev,
        row.hash,
        row.event_bytes.decode("utf-8"),
    )


class SqliteLog(EventLog):
    """A log in one SQLite file (WAL, ``synchronous=FULL``): several processes may append.

    ``timeout`` is how long (seconds) a writer waits for another's lock before
    :class:`~sitrep_core.StoreUnavailableError`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        codec: Codec | None = None,
        create: bool = True,
        clock: Clock | None = None,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(codec, clock=clock)
        self.path = Path(path)
        self.timeout = timeout
        if not self.path.exists():
            if not create:
                raise FileNotFoundError(f"{self.path}: no such log")
            _create_file(self.path)
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise CorruptLogError(
                    f"cannot switch the database to WAL mode (it is in {mode} mode)",
                    source=str(self.path),
                )
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self.schema_version = self._migrate(create)
        except sqlite3.DatabaseError as exc:
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

    def _error(self, exc: sqlite3.Error) -> SitrepError:
        """The library's error for what SQLite reported."""
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreUnavailableError(
                f"{self.path}: another writer held the log for more than {self.timeout:g} s",
                host=str(self.path),
                committed=False,
            )
        if "full" in text or "disk I/O" in text:
            return StoreUnavailableError(
                f"{self.path}: the write failed ({text}); nothing was appended",
                host=str(self.path),
                committed=False,
            )
        return CorruptLogError(f"the SQLite database failed: {text}", source=str(self.path))

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
            for version, description, statements in _MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
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
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
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

    def _tip(self) -> tuple[int, str]:
        row = (
            self._connection()
            .execute("SELECT position, hash FROM sitrep_events ORDER BY position DESC LIMIT 1")
            .fetchone()
        )
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def _lookup(self, event_id: str) -> tuple[int, bytes] | None:
        row = (
            self._connection()
            .execute("SELECT position, event FROM sitrep_events WHERE id = ?", (event_id,))
            .fetchone()
        )
        return None if row is None else (int(row[0]), str(row[1]).encode("utf-8"))

    def _write(self, rows: list[StoredRow]) -> None:
        try:
            self._connection().executemany(
                "INSERT INTO sitrep_events (position, id, type, recorded, prev, hash, event) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [stored_columns(row) for row in rows],
            )
        except sqlite3.IntegrityError as exc:
            raise CorruptLogError(
                f"a row was refused ({exc}): was the log written without the writers' lock?",
                source=str(self.path),
            ) from exc
        except sqlite3.Error as exc:  # a full disk, an I/O error: rolled back by _locked
            raise self._error(exc) from exc
        # committed (and fsynced, synchronous=FULL) when the lock is released

    def _page(self, columns: str, start: int, end: int, types: tuple[str, ...] | None) -> list[Any]:
        query = f"SELECT {columns} FROM sitrep_events WHERE position >= ? AND position <= ?"  # noqa: S608 - fixed column lists
        params: list[Any] = [start, end]
        if types is not None:
            query += f" AND type IN ({', '.join('?' * len(types))})"
            params.extend(types)
        query += " ORDER BY position LIMIT ?"
        params.append(_PAGE)
        with self._thread_lock:
            return self._connection().execute(query, params).fetchall()

    def _rows(self) -> Iterator[StoredRow]:
        start, end = 1, self.head
        while start <= end:
            page = self._page("position, prev, hash, event", start, end, None)
            if not page:
                return
            for position, prev, digest, event in page:
                yield StoredRow(int(position), str(prev), str(digest), str(event).encode("utf-8"))
            start = int(page[-1][0]) + 1

    @property
    def head(self) -> int:
        with self._thread_lock:
            row = (
                self._connection()
                .execute("SELECT coalesce(max(position), 0) FROM sitrep_events")
                .fetchone()
            )
        return int(row[0])

    def read(
        self, from_position: int = 1, *, types: Collection[str] | None = None
    ) -> Iterator[Record]:
        wanted = None if types is None else tuple(types)
        if wanted is not None and not wanted:
            return
        start, end = max(from_position, 1), self.head
        decode = self.codec.from_dict
        while start <= end:
            page = self._page("position, prev, hash, event", start, end, wanted)
            if not page:
                return
            for position, prev, digest, event in page:
                try:
                    decoded = decode(orjson.loads(event))
                except Exception as exc:
                    raise CorruptLogError(
                        f"the event at position {position} does not decode: {exc}",
                        source=str(self.path),
                    ) from None
                yield Record(int(position), decoded, str(digest), str(prev))
            start = int(page[-1][0]) + 1

    def get(self, event_id: str) -> Record | None:
        """The record of an event id, or None (without taking the writers' lock)."""
        with self._thread_lock:
            row = (
                self._connection()
                .execute("SELECT position FROM sitrep_events WHERE id = ?", (event_id,))
                .fetchone()
            )
        if row is None:
            return None
        return next(self.read(int(row[0])), None)

    def follow(
        self,
        from_position: int = 1,
        *,
        timeout: float | None = None,
        poll_interval: float = 0.2,
    ) -> Iterator[Record]:
        """Records from ``from_position`` on, then each new one as it is committed.

        SQLite cannot notify, so this polls every ``poll_interval`` seconds. It ends
        when nothing new has come for ``timeout`` seconds (never when None).
        """
        next_position = max(from_position, 1)
        quiet_since = time.monotonic()
        while True:
            for record in self.read(next_position):
                next_position = record.position + 1
                yield record
                quiet_since = time.monotonic()
            wait = poll_interval
            if timeout is not None:
                left = timeout - (time.monotonic() - quiet_since)
                if left <= 0:
                    return
                wait = min(wait, left)
            time.sleep(wait)
