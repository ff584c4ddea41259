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
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, cast
from urllib.parse import urlsplit, urlunsplit

from ..codec._codec import Codec
from ..errors import ConflictError, SitrepError, StoreUnavailableError
from ..model import Event
from ._log import GENESIS, AppendResult, Clock, EventLog, OnDuplicate, StoredEvent, StoredRow, Wait
from ._sql import PAGE, stored_columns, streams_of

try:
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo
except ModuleNotFoundError as exc:  # the optional extra "postgresql" is not installed
    _MISSING: ModuleNotFoundError | None = exc
else:
    _MISSING = None

SCHEMA_VERSION = 2
"""The newest schema this library writes; older schemas are migrated on open."""

CHANNEL = "sitrep_log"
"""The default ``NOTIFY`` channel; the payload is the new head position."""

_LOCK_CLASS = 0x73697472  # "sitr": the high half of every advisory lock key we take

# (version, description, statements): applied in order, each in the transaction
# that records it in sitrep_schema_version.
Backfill = Callable[["PostgresLog", "psycopg.Connection[Any]"], None]


def _fill_streams(log: PostgresLog, conn: psycopg.Connection[Any]) -> None:
    rows = conn.execute("SELECT position, event FROM sitrep_events ORDER BY position")
    found = [
        (stream.encode(), position)
        for stream, position in streams_of(log.codec, ((int(p), bytes(e)) for p, e in rows))
    ]
    with conn.cursor() as cursor:
        cursor.executemany("UPDATE sitrep_events SET stream = %s WHERE position = %s", found)


_MIGRATIONS: tuple[tuple[int, str, tuple[str, ...], Backfill | None], ...] = (
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
        None,
    ),
    (2, "streams", ("ALTER TABLE sitrep_events ADD COLUMN stream bytea",), _fill_streams),
)
# the index comes after the backfill, so that it is built once
_AFTER = {2: ("CREATE INDEX sitrep_events_stream ON sitrep_events (stream, position)",)}


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
            source=self._name,
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
            for version, description, statements, backfill in _MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    conn.execute(statement.encode())
                if backfill is not None:
                    backfill(self, conn)
                for statement in _AFTER.get(version, ()):
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
        self,
        events: Iterable[Event],
        *,
        expected_position: int | None = None,
        expected_versions: Mapping[str, int] | None = None,
        on_duplicate: OnDuplicate = "skip",
    ) -> AppendResult:
        batch = list(events)
        delay = self.retry_delay
        attempt = 0
        while True:
            try:
                if self._holding:  # inside exclusive(): a new connection would not hold the lock
                    attempt = self.retries
                return super().append(
                    batch,
                    expected_position=expected_position,
                    expected_versions=expected_versions,
                    on_duplicate=on_duplicate,
                )
            except _LostBeforeCommit as exc:
                # nothing of the batch was stored: trying again is the same as the first try
                if attempt >= self.retries:
                    raise StoreUnavailableError(
                        str(exc), host=exc.host, committed=False, source=self._name
                    ) from exc.__cause__
            attempt += 1
            time.sleep(delay)
            delay *= 2

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

    def _in_transaction(self) -> bool:
        conn = self._conn
        return (
            conn is not None and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
        )

    def _fetch(self, query: str | bytes, params: Sequence[Any] = ()) -> list[Any]:
        """Rows of a query: inside an append's transaction on its connection (a failure
        is then one before the commit), else retried like any read."""
        if self._in_transaction():
            try:
                return self._connection().execute(query, params).fetchall()
            except psycopg.Error as exc:
                self._fail_before_commit(exc)
        rows: list[Any] = self._with_retry(lambda conn: conn.execute(query, params).fetchall())
        return rows

    def _tip(self) -> tuple[int, str]:
        rows = self._fetch(
            "SELECT position, hash FROM sitrep_events ORDER BY position DESC LIMIT 1"
        )
        return (0, GENESIS) if not rows else (int(rows[0][0]), str(rows[0][1]))

    def _find(self, event_ids: Collection[str]) -> Mapping[str, StoredEvent]:
        if not event_ids:
            return {}
        rows = self._fetch(
            "SELECT id, position, event, stream FROM sitrep_events WHERE id = ANY(%s)",
            (list(event_ids),),
        )
        return {
            str(event_id): StoredEvent(int(position), bytes(event), bytes(stream).decode())
            for event_id, position, event, stream in rows
        }

    def _stream_versions(self, streams: Collection[str]) -> Mapping[str, int]:
        if not streams:
            return {}
        rows = self._fetch(
            "SELECT stream, count(*) FROM sitrep_events WHERE stream = ANY(%s) GROUP BY stream",
            ([s.encode() for s in streams],),
        )
        return {bytes(stream).decode(): int(count) for stream, count in rows}

    def _write(self, rows: Sequence[StoredRow]) -> None:
        columns: list[list[Any]] = [[], [], [], [], [], [], [], []]
        for row in rows:
            position, event_id, tag, recorded, stream, prev, digest = stored_columns(row)
            values = (position, event_id, tag, recorded, stream.encode(), prev, digest)
            for column, value in zip(columns, (*values, row.event_bytes), strict=True):
                column.append(value)
        conn = self._connection()
        try:
            # one statement, one round trip, for the batch and its notice (not
            # executemany, whose pipeline prints psycopg's "error ignored terminating
            # Pipeline" when the connection is killed under it); the notice reaches
            # listeners only when (and if) the transaction commits
            conn.execute(
                "WITH written AS (INSERT INTO sitrep_events "
                "(position, id, type, recorded, stream, prev, hash, event) "
                "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], "
                "%s::timestamptz[], %s::bytea[], %s::text[], %s::text[], %s::bytea[])) "
                "SELECT pg_notify(%s, %s)",
                [*columns, self.channel, str(rows[-1].position)],
            )
        except psycopg.errors.UniqueViolation as exc:
            raise ConflictError(
                f"{self._name}: a row was refused ({str(exc).splitlines()[0]}): "
                "was the table written without the writers' lock?",
                source=self._name,
            ) from None
        except psycopg.Error as exc:
            self._fail_before_commit(exc)

    @property
    def head(self) -> int:
        rows = self._fetch("SELECT coalesce(max(position), 0) FROM sitrep_events")
        return int(rows[0][0])

    def _scan(
        self,
        from_position: int,
        *,
        stream: str | None = None,
        types: frozenset[str] | None = None,
    ) -> Iterator[StoredRow]:
        condition, extra = "", cast(tuple[Any, ...], ())
        if stream is not None:
            condition, extra = " AND stream = %s", (stream.encode(),)
        elif types is not None:
            condition, extra = " AND type = ANY(%s)", (sorted(types),)
        query = (
            "SELECT position, prev, hash, event, stream FROM sitrep_events "  # noqa: S608 - fixed conditions
            f"WHERE position >= %s AND position <= %s{condition} ORDER BY position LIMIT %s"
        ).encode()
        start, end = max(from_position, 1), self.head
        while start <= end:
            page = self._fetch(query, (start, end, *extra, PAGE))
            if not page:
                return
            for position, prev, digest, event, row_stream in page:
                yield StoredRow(
                    int(position),
                    str(prev),
                    str(digest),
                    bytes(event),
                    None if row_stream is None else bytes(row_stream).decode(),
                )
            start = int(page[-1][0]) + 1

    # -- following -------------------------------------------------------------------

    @contextmanager
    def _news(self) -> Iterator[Wait]:
        """Wait with ``LISTEN`` on the log's channel: woken by each append's ``NOTIFY``.
        A dropped listening connection is made again (and listens before the next
        read, so nothing committed meanwhile is missed)."""
        listener: list[psycopg.Connection[Any]] = []

        def listen() -> psycopg.Connection[Any]:
            if listener and not (listener[0].closed or listener[0].broken):
                return listener[0]
            while listener:
                listener.pop().close()
            conn = self._connect()
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            listener.append(conn)
            return conn

        def wait(seconds: float) -> None:
            conn = listen()
            try:
                for _ in conn.notifies(timeout=seconds, stop_after=1):
                    pass
            except psycopg.OperationalError:
                conn.close()  # listened again before the next read
                listen()

        listen()  # before the first read, so nothing committed after it is missed
        try:
            yield wait
        finally:
            while listener:
                listener.pop().close()
