"""The server team store: a PostgreSQL table shared by any number of writers and followers.

A record is a row of ``sitrep_events`` (in the first schema of the connection's
``search_path``): position, link, hash and the event's bytes exactly as encoded
(``bytea``: what the hash covers), plus the id (``UNIQUE``), type tag and recorded
time. Writers serialise on a transaction-level advisory lock keyed by the table, then
read the tip, so positions have no gaps; each append commits once and sends a
``NOTIFY`` that :meth:`PostgresLog.follow` wakes on.

Connection failures raise :class:`StoreUnavailableError` naming the host. Connecting
and reading are retried; an append is retried only when it certainly did not commit
(a failure before ``COMMIT`` was sent). When the connection drops during ``COMMIT``
the outcome is unknown: the error says so, and appending the same events again is
safe because ids are idempotent.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

import orjson

from ..codec._codec import Codec
from ..errors import ConflictError, CorruptLogError, SitrepError
from ..model import Event
from ._log import GENESIS, AppendResult, Clock, EventLog, Record, StoredRow
from ._sqlite import StoreUnavailableError, stored_columns

try:
    import psycopg
    from psycopg import sql
    from psycopg.abc import Query
    from psycopg.conninfo import conninfo_to_dict, make_conninfo
except ModuleNotFoundError as exc:  # the optional extra "postgresql" is not installed
    _MISSING: ModuleNotFoundError | None = exc
else:
    _MISSING = None

SCHEMA_VERSION = 1
"""The newest schema this library writes; older schemas are migrated on open."""

CHANNEL = "sitrep_log"
"""The default ``NOTIFY`` channel; the payload is the new head position."""

_PAGE = 1000
_LOCK_CLASS = 0x73697472  # "sitr": the high half of every advisory lock key we take

# (version, description, statements): applied in order, each in the transaction
# that records it in sitrep_schema_version.
_MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "events table",
        (
            """CREATE TABLE sitrep_events (
                position bigint PRIMARY KEY CHECK (position > 0),
                id text NOT NULL UNIQUE,
                type text NOT NULL,
                recorded timestamptz,
                prev text NOT NULL,
                hash text NOT NULL,
                event bytea NOT NULL
            )""",
            "CREATE INDEX sitrep_events_type ON sitrep_events (type, position)",
        ),
    ),
)


_TRANSIENT = ("starting up", "shutting down", "in recovery", "too many", "connection slots")


def _refused(exc: psycopg.OperationalError) -> bool:
    """True when the server answered a connection attempt with a lasting no."""
    # libpq gives no SQLSTATE for errors while connecting: the server's words are all there is
    text = str(exc)
    return "FATAL:" in text and not any(marker in text for marker in _TRANSIENT)


class _LostBeforeCommit(StoreUnavailableError):
    """The connection failed inside an append before COMMIT was sent: safe to retry."""


def _redact(url: str) -> str:
    """The URL or connection string without its password, for messages and ``name``."""
    if "://" not in url:
        params = conninfo_to_dict(url)
        params.pop("password", None)
        return make_conninfo("", **params)
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, hosts = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}@{hosts}"
    query = "&".join(
        item for item in parts.query.split("&") if item and not item.startswith("password=")
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


class PostgresLog(EventLog):
    """A log in a PostgreSQL table: many writers on many machines, ``follow`` for live views.

    ``url`` is a libpq URL (``postgresql://user@host:5432/db?options=-csearch_path%3Ddesk``);
    ``retries`` is how many times a failed connect or read is tried again, with
    ``retry_delay`` seconds before the first retry (doubling each time);
    ``connect_timeout`` applies unless the URL sets one; ``channel`` names the
    ``NOTIFY`` channel.
    """

    def __init__(
        self,
        url: str,
        *,
        codec: Codec | None = None,
        create: bool = True,
        clock: Clock | None = None,
        retries: int = 3,
        retry_delay: float = 0.2,
        connect_timeout: float = 10.0,
        channel: str = CHANNEL,
    ) -> None:
        if _MISSING is not None:
            raise ModuleNotFoundError(
                "the PostgreSQL store needs psycopg: pip install 'sitrep-core[postgresql]'"
            ) from _MISSING
        super().__init__(codec, clock=clock)
        self.retries = retries
        self.retry_delay = retry_delay
        self.channel = channel
        try:
            params = conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            raise ValueError(f"not a PostgreSQL URL: {exc}") from None
        self.host = self._describe_host(params)
        extra: dict[str, Any] = {}
        if "connect_timeout" not in params:
            extra["connect_timeout"] = max(1, round(connect_timeout))
        if "application_name" not in params:
            extra["application_name"] = "sitrep"
        self._conninfo = make_conninfo(url, **extra)
        self._name = _redact(url)
        self._conn: psycopg.Connection[Any] | None = None
        self._closed = False
        self._lock_key = 0
        # ids of the batch being appended, looked up in one query once the lock is held
        self._prefetch_ids: tuple[str, ...] = ()
        self._prefetched: dict[str, tuple[int, bytes]] | None = None
        self._connection()
        try:
            self.schema_version = self._with_retry(lambda conn: self._migrate(conn, create))
            table = self._with_retry(
                lambda conn: conn.execute("SELECT to_regclass('sitrep_events')::oid").fetchone()
            )
            assert table is not None and table[0] is not None
            self._lock_key = (_LOCK_CLASS << 32) | int(table[0])
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _describe_host(params: dict[str, Any]) -> str:
        host = params.get("hostaddr") or params.get("host") or "localhost (local socket)"
        port = params.get("port") or "5432"
        return f"{host}:{port}"

    @property
    def name(self) -> str:
        return self._name

    def close(self) -> None:
        self._closed = True
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- connections and failures ----------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        """A new autocommit connection, retried; :class:`StoreUnavailableError` at the end."""
        delay = self.retry_delay
        for attempt in range(self.retries + 1):
            try:
                return psycopg.connect(self._conninfo, autocommit=True)
            except psycopg.OperationalError as exc:
                # a server that answered (wrong password, no such database) will answer so again
                refused = _refused(exc)
                if attempt == self.retries or refused:
                    raise self._unavailable(exc, "cannot connect to") from None
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection(self) -> psycopg.Connection[Any]:
        if self._closed:
            raise ValueError(f"{self._name}: the log is closed")
        if self._conn is not None and (self._conn.closed or self._conn.broken):
            self._conn.close()
            self._conn = None
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _unavailable(
        self, exc: BaseException, doing: str, committed: bool | None = False
    ) -> StoreUnavailableError:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StoreUnavailableError(
            f"{doing} the PostgreSQL server at {self.host} ({self._name}): {detail}",
            host=self.host,
            committed=committed,
        )

    def _lost(self, exc: psycopg.Error) -> bool:
        """True when the error is the connection failing, not the server refusing."""
        return isinstance(exc, psycopg.OperationalError) and (
            self._conn is None or self._conn.closed or self._conn.broken
        )

    def _with_retry(self, action: Any) -> Any:
        """Run ``action(connection)`` (a read), reconnecting and retrying on a lost connection."""
        delay = self.retry_delay
        attempt = 0
        while True:
            with self._thread_lock:
                conn = self._connection()
                try:
                    return action(conn)
                except psycopg.Error as exc:
                    if not self._lost(exc):
                        raise
                    if attempt >= self.retries:
                        raise self._unavailable(exc, "lost the connection to") from None
            attempt += 1
            time.sleep(delay)
            delay *= 2

    # -- schema ------------------------------------------------------------------

    def _migrate(self, conn: psycopg.Connection[Any], create: bool) -> int:
        """Bring the schema up to date (or, without ``create``, check it); its version."""
        current = self._stored_version(conn)
        if current == SCHEMA_VERSION:
            return current
        if current > SCHEMA_VERSION:
            raise SitrepError(
                f"{self._name}: schema version {current} is newer than this library knows "
                f"({SCHEMA_VERSION}); upgrade sitrep-core"
            )
        if not create:
            if current == 0:
                raise SitrepError(
                    f"{self._name}: no sitrep log in this database's search_path "
                    f"(create one with 'sitrep init {self._name}')"
                )
            raise SitrepError(
                f"{self._name}: schema version {current} needs migrating to {SCHEMA_VERSION} "
                f"(run 'sitrep init {self._name}')"
            )
        with conn.transaction():
            # one migrator at a time per schema; DDL is transactional, so all or nothing
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('sitrep-schema:' || current_schema()))"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS sitrep_schema_version ("
                "version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now(), "
                "description text NOT NULL)"
            )
            current = self._stored_version(conn)
            for version, description, statements in _MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    conn.execute(statement.encode())
                conn.execute(
                    "INSERT INTO sitrep_schema_version (version, description) VALUES (%s, %s)",
                    (version, description),
                )
                current = version
        return current

    @staticmethod
    def _stored_version(conn: psycopg.Connection[Any]) -> int:
        row = conn.execute("SELECT to_regclass('sitrep_schema_version') IS NOT NULL").fetchone()
        if row is None or not row[0]:
            return 0
        found = conn.execute("SELECT coalesce(max(version), 0) FROM sitrep_schema_version")
        version = found.fetchone()
        return 0 if version is None else int(version[0])

    # -- EventLog primitives -------------------------------------------------------

    def append(
        self, events: Iterable[Event], *, expected_position: int | None = None
    ) -> AppendResult:
        batch = list(events)
        delay = self.retry_delay
        attempt = 0
        while True:
            try:
                with self._thread_lock:
                    self._prefetched = None
                    self._prefetch_ids = self._batch_ids(batch)
                    try:
                        return super().append(batch, expected_position=expected_position)
                    finally:
                        self._prefetched = None
                        self._prefetch_ids = ()
            except _LostBeforeCommit as exc:
                # nothing of the batch was stored: trying again is the same as the first try
                if attempt >= self.retries:
                    raise StoreUnavailableError(
                        str(exc), host=exc.host, committed=False
                    ) from exc.__cause__
            attempt += 1
            time.sleep(delay)
            delay *= 2

    @staticmethod
    def _batch_ids(batch: list[Event]) -> tuple[str, ...]:
        ids: set[str] = set()
        for event in batch:
            if isinstance(event, Event):
                ids.add(event.id)
                ids.update(link for link in (event.corrects, event.retracts) if link is not None)
        return tuple(ids)

    def _fail_before_commit(self, exc: psycopg.Error) -> NoReturn:
        if self._lost(exc):
            error = self._unavailable(exc, "lost the connection to")
            raise _LostBeforeCommit(str(error), host=error.host, committed=False) from None
        raise exc

    @contextmanager
    def _locked(self) -> Iterator[None]:
        conn = self._connection()
        try:
            # one round trip; after the lock, each statement's snapshot (READ COMMITTED)
            # sees every earlier writer's commit, so the tip read next is the real one
            conn.execute(
                sql.SQL(
                    "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = on; "
                    "SELECT pg_advisory_xact_lock({})"
                ).format(sql.Literal(self._lock_key))
            )
            if self._prefetch_ids:
                found = conn.execute(
                    "SELECT id, position, event FROM sitrep_events WHERE id = ANY(%s)",
                    (list(self._prefetch_ids),),
                ).fetchall()
                self._prefetched = {row[0]: (int(row[1]), bytes(row[2])) for row in found}
        except psycopg.Error as exc:
            self._rollback(conn)
            self._fail_before_commit(exc)
        except BaseException:  # interrupted while waiting for the lock: leave no transaction
            self._rollback(conn)
            raise
        try:
            yield
        except BaseException:
            self._rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except psycopg.Error as exc:
            if self._lost(exc):
                raise self._unavailable(
                    exc,
                    "lost the connection during a commit to",
                    committed=None,
                ) from None
            self._rollback(conn)
            raise

    @staticmethod
    def _rollback(conn: psycopg.Connection[Any]) -> None:
        if conn.closed or conn.broken:
            return
        try:
            conn.execute("ROLLBACK")
        except psycopg.Error:
            conn.close()

    def _tip(self) -> tuple[int, str]:
        try:
            row = (
                self._connection()
                .execute("SELECT position, hash FROM sitrep_events ORDER BY position DESC LIMIT 1")
                .fetchone()
            )
        except psycopg.Error as exc:
            self._fail_before_commit(exc)
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def _lookup(self, event_id: str) -> tuple[int, bytes] | None:
        if self._prefetched is not None and event_id in self._prefetch_ids:
            return self._prefetched.get(event_id)
        try:
            row = (
                self._connection()
                .execute("SELECT position, event FROM sitrep_events WHERE id = %s", (event_id,))
                .fetchone()
            )
        except psycopg.Error as exc:
            self._fail_before_commit(exc)
        return None if row is None else (int(row[0]), bytes(row[1]))

    def _write(self, rows: list[StoredRow]) -> None:
        values = []
        for row in rows:
            position, event_id, tag, recorded, *_ = stored_columns(row)
            values.append((position, event_id, tag, recorded, row.prev, row.hash, row.event_bytes))
        conn = self._connection()
        try:
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO sitrep_events "
                    "(position, id, type, recorded, prev, hash, event) "
                    "VALUES (%s, %s, %s, %s::timestamptz, %s, %s, %s)",
                    values,
                )
            # delivered to listeners only when (and if) the transaction commits
            conn.execute("SELECT pg_notify(%s, %s)", (self.channel, str(rows[-1].position)))
        except psycopg.errors.UniqueViolation as exc:
            raise ConflictError(
                f"{self._name}: a row was refused ({str(exc).splitlines()[0]}): "
                "was the table written without the writers' lock?"
            ) from None
        except psycopg.Error as exc:
            self._fail_before_commit(exc)

    def _page(self, start: int, end: int, types: tuple[str, ...] | None) -> list[Any]:
        """Up to a page of (position, prev, hash, event) from ``start`` to ``end``."""
        if types is None:
            query: Query = (
                "SELECT position, prev, hash, event FROM sitrep_events "
                "WHERE position >= %s AND position <= %s ORDER BY position LIMIT %s"
            )
            params: tuple[Any, ...] = (start, end, _PAGE)
        else:
            query = (
                "SELECT position, prev, hash, event FROM sitrep_events "
                "WHERE position >= %s AND position <= %s AND type = ANY(%s) "
                "ORDER BY position LIMIT %s"
            )
            params = (start, end, list(types), _PAGE)
        rows: list[Any] = self._with_retry(lambda conn: conn.execute(query, params).fetchall())
        return rows

    def _rows(self) -> Iterator[StoredRow]:
        start, end = 1, self.head
        while start <= end:
            page = self._page(start, end, None)
            if not page:
                return
            for position, prev, digest, event in page:
                yield StoredRow(int(position), str(prev), str(digest), bytes(event))
            start = int(page[-1][0]) + 1

    @property
    def head(self) -> int:
        row = self._with_retry(
            lambda conn: conn.execute(
                "SELECT coalesce(max(position), 0) FROM sitrep_events"
            ).fetchone()
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
            page = self._page(start, end, wanted)
            if not page:
                return
            for position, prev, digest, event in page:
                try:
                    decoded = decode(orjson.loads(bytes(event)))
                except Exception as exc:
                    raise CorruptLogError(
                        f"the event at position {position} does not decode: {exc}",
                        source=self._name,
                    ) from None
                yield Record(int(position), decoded, str(digest), str(prev))
            start = int(page[-1][0]) + 1

    def get(self, event_id: str) -> Record | None:
        """The record of an event id, or None (without taking the writers' lock)."""
        row = self._with_retry(
            lambda conn: conn.execute(
                "SELECT position FROM sitrep_events WHERE id = %s", (event_id,)
            ).fetchone()
        )
        if row is None:
            return None
        return next(self.read(int(row[0])), None)

    # -- following -------------------------------------------------------------------

    def follow(
        self,
        from_position: int = 1,
        *,
        timeout: float | None = None,
        poll_interval: float = 5.0,
    ) -> Iterator[Record]:
        """Records from ``from_position`` on, then each new one as it is committed.

        Waits with ``LISTEN`` on the log's channel and wakes on each append's
        ``NOTIFY``; it also looks every ``poll_interval`` seconds, in case a
        notification was lost. Ends when nothing new has come for ``timeout`` seconds
        (never when None). A dropped listening connection is reconnected (and
        :class:`StoreUnavailableError` raised when it cannot be).
        """
        next_position = max(from_position, 1)
        quiet_since = time.monotonic()
        listener: psycopg.Connection[Any] | None = None
        try:
            while True:
                if listener is None or listener.closed or listener.broken:
                    if listener is not None:
                        listener.close()
                    listener = self._connect()
                    # listen before catching up, so nothing committed after the read is missed
                    listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
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
                try:
                    for _ in listener.notifies(timeout=wait, stop_after=1):
                        pass
                except psycopg.OperationalError:
                    listener.close()  # reconnect, listen again and catch up
        finally:
            if listener is not None:
                listener.close()
