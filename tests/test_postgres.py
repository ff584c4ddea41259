"""The PostgreSQL store: schema and migrations, writers in many processes, follow, failures.

Needs a server: set ``SITREP_TEST_POSTGRES_URL`` (e.g.
``postgresql://postgres@127.0.0.1:5432/test``). Each test gets a schema of its own,
named in the URL's ``options=-csearch_path%3D...``, dropped afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from _writers import sample_event

from sitrep_core import ConflictError, SitrepError, StoreUnavailableError, open_log
from sitrep_core.stores._log import chain_hash

psycopg = pytest.importorskip("psycopg", reason="the PostgreSQL store needs psycopg")

from sitrep_core.stores._postgres import SCHEMA_VERSION, PostgresLog  # noqa: E402

ENV = "SITREP_TEST_POSTGRES_URL"
WRITERS = Path(__file__).parent / "_writers.py"


def _server() -> str:
    url = os.environ.get(ENV)
    if not url:
        pytest.skip(f"set {ENV} to a PostgreSQL URL to test the PostgreSQL store")
    try:
        with psycopg.connect(url, connect_timeout=3):
            pass
    except psycopg.OperationalError as exc:
        pytest.skip(f"the PostgreSQL server at {ENV} is unreachable: {exc}")
    return url


def in_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    extra = f"options=-csearch_path%3D{schema}"
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


@pytest.fixture
def server() -> str:
    return _server()


@pytest.fixture
def schema(server: str) -> Iterator[str]:
    name = f"sitrep_test_{uuid.uuid4().hex}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def url(server: str, schema: str) -> str:
    return in_schema(server, schema)


@pytest.fixture
def log(url: str) -> Iterator[PostgresLog]:
    with PostgresLog(url) as opened:
        yield opened


def sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement.encode(), params)
        return cursor.fetchall() if cursor.description else []


# -- schema ------------------------------------------------------------------------------


def test_open_log_dispatches_on_the_url(url: str) -> None:
    with open_log(url) as opened:
        assert isinstance(opened, PostgresLog)


def test_schema_and_version_table_are_created_in_the_search_path(
    log: PostgresLog, url: str, schema: str
) -> None:
    tables = sql(
        url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
        "ORDER BY table_name",
        (schema,),
    )
    assert tables == [("sitrep_events",), ("sitrep_schema_version",)]
    assert sql(url, "SELECT version, description FROM sitrep_schema_version ORDER BY 1") == [
        (1, "events table"),
        (SCHEMA_VERSION, "streams"),
    ]
    assert log.schema_version == SCHEMA_VERSION


def test_the_event_column_is_bytea_and_ids_are_unique(log: PostgresLog, url: str) -> None:
    types = dict(
        sql(
            url,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'sitrep_events' AND table_schema = current_schema()",
        )
    )
    assert types["event"] == "bytea" and types["position"] == "bigint"
    unique = sql(
        url,
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'sitrep_events'::regclass AND contype = 'u'",
    )
    assert unique == [("UNIQUE (id)",)]


def test_reopening_and_concurrent_opens_migrate_once(url: str) -> None:
    errors: list[BaseException] = []

    def open_and_close() -> None:
        try:
            PostgresLog(url).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_and_close) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sql(url, "SELECT count(*) FROM sitrep_schema_version") == [(SCHEMA_VERSION,)]


def test_open_without_create_refuses_an_empty_schema(url: str) -> None:
    with pytest.raises(SitrepError, match="no sitrep log") as caught:
        PostgresLog(url, create=False)
    assert "sitrep init" in str(caught.value)
    assert sql(url, "SELECT to_regclass('sitrep_events') IS NULL") == [(True,)]


def test_a_newer_schema_is_refused(log: PostgresLog, url: str) -> None:
    sql(url, "INSERT INTO sitrep_schema_version (version, description) VALUES (99, 'future')")
    with pytest.raises(SitrepError, match="schema version 99 is newer"):
        PostgresLog(url)


def test_each_schema_is_its_own_log(server: str, url: str, log: PostgresLog) -> None:
    other = f"sitrep_test_{uuid.uuid4().hex}"
    sql(server, f'CREATE SCHEMA "{other}"')
    try:
        with PostgresLog(in_schema(server, other)) as second:
            log.append([sample_event(0, id="a")])
            second.append([sample_event(1, id="a")])  # the same id, another log
            assert log.head == second.head == 1
    finally:
        sql(server, f'DROP SCHEMA "{other}" CASCADE')


# -- storage ------------------------------------------------------------------------------


def test_rows_hold_the_exact_event_bytes(log: PostgresLog, url: str) -> None:
    result = log.append([sample_event(0), sample_event(1)])
    rows = sql(
        url,
        "SELECT position, id, type, prev, hash, event, recorded FROM sitrep_events "
        "ORDER BY position",
    )
    for (position, event_id, kind, prev, digest, data, recorded), record in zip(
        rows, result.records, strict=True
    ):
        assert bytes(data) == log.codec.encode(record.event)
        assert (position, event_id, kind) == (record.position, record.event.id, record.event.TYPE)
        assert digest == chain_hash(position, prev, bytes(data)) == record.hash
        assert recorded == record.event.recorded


def test_the_same_events_hash_as_in_a_jsonl_log(tmp_path: Path, url: str) -> None:
    def fixed() -> datetime:
        return datetime(2017, 9, 2, tzinfo=UTC)

    hashes = []
    for target in (str(tmp_path / "x.jsonl"), url):
        with open_log(target, clock=fixed) as opened:
            opened.append([sample_event(i, id=f"e{i}") for i in range(5)])
            hashes.append([record.hash for record in opened.read()])
    assert hashes[0] == hashes[1]


def test_a_row_written_behind_the_log_is_caught_by_verify(log: PostgresLog, url: str) -> None:
    log.append([sample_event(i) for i in range(3)])
    sql(
        url,
        "UPDATE sitrep_events SET event = convert_to(replace(convert_from(event, 'UTF8'), "
        "'qalamoun', 'qalamun'), 'UTF8') WHERE position = 2",
    )
    result = log.verify()
    assert not result and result.position == 2


def test_reading_pages_through_a_long_log(log: PostgresLog) -> None:
    log.append([sample_event(i, id=f"e{i}") for i in range(2500)])
    assert [r.position for r in log.read(1001)] == list(range(1001, 2501))
    statements = [r.position for r in log.read(types=["statement"])]
    assert statements == list(range(4, 2501, 4))
    assert log.verify().checked == 2500


# -- concurrency --------------------------------------------------------------------------


def run_writers(target: str, processes: int, batches: int, size: int) -> float:
    """Start writer processes together; the seconds until the last one is done."""
    started = time.monotonic()
    children = []
    for n in range(processes):
        command = ["batches", target, "--prefix", f"w{n}", "--batches", str(batches)]
        children.append(
            subprocess.Popen(
                [sys.executable, str(WRITERS), *command, "--size", str(size)],
                stderr=subprocess.PIPE,
            )
        )
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err.decode()
    return time.monotonic() - started


def test_eight_writer_processes_append_every_event_once_without_gaps(url: str) -> None:
    processes, batches, size = 8, 25, 8
    run_writers(url, processes, batches, size)  # they race to create the schema, too
    with PostgresLog(url, create=False) as opened:
        records = list(opened.read())
        assert [r.position for r in records] == list(range(1, processes * batches * size + 1))
        ids = [r.event.id for r in records]
        expected = {
            f"w{n}-b{b}-e{i}" for n in range(processes) for b in range(batches) for i in range(size)
        }
        assert len(ids) == len(set(ids)) and set(ids) == expected
        by_id = {r.event.id: r.position for r in records}
        for n in range(processes):
            for b in range(batches):
                positions = [by_id[f"w{n}-b{b}-e{i}"] for i in range(size)]
                assert positions == list(range(positions[0], positions[0] + size))
        assert opened.verify()
    assert sql(url, "SELECT count(*) FROM sitrep_schema_version") == [(SCHEMA_VERSION,)]


def test_compare_and_set_writers_never_lose_an_update(url: str) -> None:
    """Threads that read the head and append with it as expected_position: none overwrites."""
    PostgresLog(url).close()
    conflicts: list[int] = []

    def writer(prefix: str) -> None:
        with PostgresLog(url) as own:
            written = 0
            while written < 10:
                head = own.head
                try:
                    own.append(
                        [sample_event(written, id=f"{prefix}-{written}")], expected_position=head
                    )
                    written += 1
                except ConflictError:
                    conflicts.append(head)

    threads = [threading.Thread(target=writer, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with PostgresLog(url) as opened:
        assert [r.position for r in opened.read()] == list(range(1, 41))
        assert opened.verify()


# -- follow -------------------------------------------------------------------------------


def follow_while_another_process_appends(
    log: PostgresLog, url: str, **options: Any
) -> tuple[list[str], float]:
    """Follow from 2; once caught up, a writer process appends two events. Ids and latency."""
    log.append([sample_event(i, id=f"old-{i}") for i in range(3)])
    seen: list[str] = []
    child: subprocess.Popen[bytes] | None = None
    waited_from = 0.0
    latency = 0.0
    for record in log.follow(2, timeout=30, **options):
        seen.append(record.event.id)
        if record.event.id == "old-2":
            command = ["batches", url, "--prefix", "new", "--batches", "1", "--size", "2"]
            child = subprocess.Popen([sys.executable, str(WRITERS), *command])
            waited_from = time.monotonic()
        if len(seen) == 4:
            latency = time.monotonic() - waited_from
            break
    assert child is not None
    assert child.wait(timeout=60) == 0
    return seen, latency


def test_follow_wakes_on_notify_from_another_process(log: PostgresLog, url: str) -> None:
    # the fallback poll is far off: only the NOTIFY can wake the follower in time
    seen, latency = follow_while_another_process_appends(log, url, poll_interval=60)
    assert seen == ["old-1", "old-2", "new-b0-e0", "new-b0-e1"]
    assert latency < 20  # the writer process starts in that time, too


def test_follow_falls_back_to_polling(url: str) -> None:
    with PostgresLog(url, channel="nobody_notifies_here") as deaf:
        seen, _ = follow_while_another_process_appends(deaf, url, poll_interval=0.2)
    assert seen == ["old-1", "old-2", "new-b0-e0", "new-b0-e1"]


def test_follow_ends_after_a_quiet_timeout_and_closes_its_connection(url: str) -> None:
    # a name of its own: other tests (and other runs) on the server follow logs too
    name = f"sitrep_test_{uuid.uuid4().hex[:16]}"
    with PostgresLog(f"{url}&application_name={name}") as log:
        log.append([sample_event(0)])
        started = time.monotonic()
        assert [r.position for r in log.follow(1, timeout=0.3)] == [1]
        assert 0.25 < time.monotonic() - started < 5
        listening = sql(
            url,
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%%' "
            "AND application_name = %s AND state <> 'active'",
            (name,),
        )
    assert listening == [(0,)]


# -- failures -----------------------------------------------------------------------------


def test_an_unreachable_server_is_named_in_the_error() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as caught:
        PostgresLog("postgresql://postgres@127.0.0.1:1/test", retries=1, retry_delay=0.01)
    assert time.monotonic() - started < 10
    assert "127.0.0.1:1" in str(caught.value)
    assert caught.value.host == "127.0.0.1:1"
    assert isinstance(caught.value, SitrepError)


def test_the_password_is_not_in_messages_or_the_name(server: str) -> None:
    with pytest.raises(StoreUnavailableError) as caught:
        PostgresLog("postgresql://desk:s3cret@127.0.0.1:1/test", retries=0)
    assert "s3cret" not in str(caught.value)


def kill_connection(log: PostgresLog, url: str) -> None:
    conn = log._conn
    assert conn is not None
    pid = conn.info.backend_pid
    sql(url, "SELECT pg_terminate_backend(%s)", (pid,))


def test_reads_and_appends_reconnect_after_the_connection_is_lost(
    log: PostgresLog, url: str
) -> None:
    log.append([sample_event(0, id="a")])
    kill_connection(log, url)
    assert [r.event.id for r in log.read()] == ["a"]
    kill_connection(log, url)
    # the failure comes before COMMIT is sent: certain not to be stored, so retried
    result = log.append([sample_event(1, id="b")], expected_position=1)
    assert [r.position for r in result.records] == [2]
    assert log.verify().checked == 2


def test_a_commit_of_unknown_outcome_is_reported_and_safe_to_append_again(
    log: PostgresLog, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    log.append([sample_event(0, id="a")])
    conn = log._conn
    assert conn is not None
    real = conn.execute

    def commit_then_fail(query: Any, *args: Any, **kwargs: Any) -> Any:
        result = real(query, *args, **kwargs)
        if query == "COMMIT":  # stored, but the answer never reaches us
            conn.close()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return result

    monkeypatch.setattr(conn, "execute", commit_then_fail)
    batch = [sample_event(1, id="b"), sample_event(2, id="c")]
    with pytest.raises(StoreUnavailableError, match="during a commit") as caught:
        log.append(batch, expected_position=1)
    assert caught.value.committed is None
    again = log.append(batch, expected_position=1)  # ids make the retry safe
    assert again.skipped == ("b", "c") and again.records == () and again.head == 3
    assert [r.event.id for r in log.read()] == ["a", "b", "c"]


def test_a_server_refusal_is_not_retried_as_a_lost_connection(log: PostgresLog, url: str) -> None:
    log.append([sample_event(0, id="a")])
    sql(url, "ALTER TABLE sitrep_events ADD CONSTRAINT no_more CHECK (position < 2) NOT VALID")
    with pytest.raises(psycopg.errors.CheckViolation):
        log.append([sample_event(1, id="b")])
    assert log.head == 1
    sql(url, "ALTER TABLE sitrep_events DROP CONSTRAINT no_more")
    assert log.append([sample_event(1, id="b")]).head == 2


def test_a_refusal_on_connect_is_not_retried(server: str) -> None:
    parts = urlsplit(server)
    missing = urlunsplit(parts._replace(path="/sitrep_no_such_database"))
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError, match="does not exist"):
        PostgresLog(missing, retries=3, retry_delay=2)
    assert time.monotonic() - started < 2


def test_the_name_keeps_the_options_and_drops_the_password(url: str) -> None:
    parts = urlsplit(url)
    with_password = urlunsplit(
        parts._replace(
            netloc=parts.netloc.replace("@", ":s3cret@", 1)
            if "@" in parts.netloc
            else f"postgres:s3cret@{parts.netloc}"
        )
    )
    with PostgresLog(with_password) as opened:
        assert "s3cret" not in opened.name
        assert "search_path" in opened.name


def test_a_connection_killed_inside_an_append_prints_nothing(
    log: PostgresLog, url: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    log.append([sample_event(0, id="a")])
    real_tip = log._tip
    killed: list[bool] = []

    def tip_then_kill() -> tuple[int, str]:
        found = real_tip()
        if not killed:  # the batch's INSERT meets a dead connection
            killed.append(True)
            kill_connection(log, url)
        return found

    monkeypatch.setattr(log, "_tip", tip_then_kill)
    result = log.append([sample_event(i, id=f"b{i}") for i in range(1, 40)])
    assert killed and result.head == 40  # retried: it had certainly not been stored
    assert capfd.readouterr().err == ""


def test_exclusive_lets_a_writer_decide_and_append_with_nobody_between(
    log: PostgresLog, url: str
) -> None:
    with PostgresLog(url) as other:
        with log.exclusive():
            seen = log.head
            waiting = threading.Thread(target=other.append, args=([sample_event(5, id="other")],))
            waiting.start()
            waiting.join(0.3)
            assert waiting.is_alive()  # the other writer waits its turn
            log.append([sample_event(1, id="mine")], expected_position=seen)
        waiting.join()
    assert [r.event.id for r in log.read()] == ["mine", "other"]
