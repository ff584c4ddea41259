"""The SQLite store: schema, WAL and durability, file mode, several writer processes."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import attrs
import orjson
import pytest
from _writers import in_threads, sample_event

from sitrep_core import (
    CorruptLogError,
    ReadOnlyLogError,
    SitrepError,
    StoreUnavailableError,
    open_log,
)
from sitrep_core.stores._log import chain_hash
from sitrep_core.stores._sqlite import SCHEMA_VERSION, SqliteLog

WRITERS = Path(__file__).parent / "_writers.py"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "desk.sqlite"


@pytest.fixture
def log(path: Path) -> Iterator[SqliteLog]:
    with SqliteLog(path) as opened:
        yield opened


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_open_log_dispatches_on_suffix_and_url(tmp_path: Path) -> None:
    for target in (tmp_path / "a.sqlite", tmp_path / "b.db", f"sqlite://{tmp_path / 'c.x'}"):
        with open_log(target) as opened:
            assert isinstance(opened, SqliteLog)


def test_schema_and_version_table_are_created(log: SqliteLog, path: Path) -> None:
    tables = {row[0] for row in query(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sitrep_events", "sitrep_schema_version"} <= tables
    versions = query(path, "SELECT version, description FROM sitrep_schema_version")
    assert versions == [(1, "events table"), (SCHEMA_VERSION, "streams")]
    assert log.schema_version == SCHEMA_VERSION


def test_reopening_does_not_migrate_again(path: Path) -> None:
    for _ in range(3):
        with SqliteLog(path) as opened:
            opened.append([sample_event(opened.head)])
    assert query(path, "SELECT count(*) FROM sitrep_schema_version") == [(SCHEMA_VERSION,)]
    assert query(path, "SELECT count(*) FROM sitrep_events") == [(3,)]


def test_wal_mode_and_full_sync(log: SqliteLog, path: Path) -> None:
    assert query(path, "PRAGMA journal_mode") == [("wal",)]
    assert log._connection().execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_the_file_is_not_world_writable(path: Path) -> None:
    old = os.umask(0)
    try:
        SqliteLog(path).close()
    finally:
        os.umask(old)
    assert not os.stat(path).st_mode & stat.S_IWOTH


def test_rows_hold_the_exact_event_bytes(log: SqliteLog, path: Path) -> None:
    result = log.append([sample_event(0), sample_event(1)])
    rows = query(path, "SELECT position, id, type, prev, hash, event FROM sitrep_events")
    for (position, event_id, kind, prev, digest, text), record in zip(
        rows, result.records, strict=True
    ):
        data = str(text).encode()
        assert data == log.codec.encode(record.event)
        assert (position, event_id, kind) == (record.position, record.event.id, record.event.TYPE)
        assert digest == chain_hash(int(str(position)), str(prev), data) == record.hash


def test_the_same_events_hash_as_in_a_jsonl_log(tmp_path: Path) -> None:
    def fixed() -> datetime:
        return datetime(2017, 9, 2, tzinfo=UTC)

    hashes = []
    for target in (tmp_path / "x.jsonl", tmp_path / "x.sqlite"):
        with open_log(target, clock=fixed) as opened:
            opened.append([sample_event(i, id=f"e{i}") for i in range(5)])
            hashes.append([record.hash for record in opened.read()])
    assert hashes[0] == hashes[1]


def test_open_without_create_refuses_a_missing_file(path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such log"):
        SqliteLog(path, create=False)
    assert not path.exists()


def test_open_without_create_refuses_a_database_that_is_not_a_log(path: Path) -> None:
    query(path, "CREATE TABLE other (x)")
    with pytest.raises(SitrepError, match="not a sitrep log"):
        SqliteLog(path, create=False)


def test_a_file_that_is_not_a_database_is_refused(path: Path) -> None:
    path.write_bytes(b"this is not a database, it is a note\n" * 40)
    with pytest.raises(CorruptLogError, match=r"desk\.sqlite"):
        SqliteLog(path)


def test_a_newer_schema_is_refused(path: Path) -> None:
    SqliteLog(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO sitrep_schema_version VALUES (99, 'x', 'from the future')")
    conn.commit()
    conn.close()
    with pytest.raises(SitrepError, match="schema version 99 is newer"):
        SqliteLog(path)


def test_a_writer_held_too_long_is_reported(path: Path) -> None:
    SqliteLog(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with SqliteLog(path, timeout=0.2) as opened:
            started = time.monotonic()
            with pytest.raises(StoreUnavailableError, match="another writer") as caught:
                opened.append([sample_event(0)])
            assert time.monotonic() - started < 5
            assert caught.value.committed is False
            assert caught.value.host == str(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with SqliteLog(path) as opened:
        assert opened.head == 0


def test_a_reader_does_not_block_writers(log: SqliteLog, path: Path) -> None:
    log.append([sample_event(i) for i in range(5)])
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM sitrep_events").fetchone() == (5,)
        log.append([sample_event(5)])  # WAL: the open read transaction does not stop it
        assert reader.execute("SELECT count(*) FROM sitrep_events").fetchone() == (5,)
        reader.execute("COMMIT")
    finally:
        reader.close()
    assert log.head == 6


def test_threads_sharing_one_log_keep_positions_gapless(log: SqliteLog) -> None:
    def write(prefix: str) -> None:
        for b in range(10):
            log.append([sample_event(i, id=f"{prefix}-{b}-{i}") for i in range(3)])

    threads = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.position for r in log.read()] == list(range(1, 121))
    assert log.verify()


def run_writers(target: str, processes: int, batches: int, size: int) -> float:
    """Start writer processes together; the seconds until the last one is done."""
    started = time.monotonic()
    children = [
        subprocess.Popen(
            [
                sys.executable,
                str(WRITERS),
                "batches",
                target,
                "--prefix",
                f"w{n}",
                "--batches",
                str(batches),
                "--size",
                str(size),
            ],
            stderr=subprocess.PIPE,
        )
        for n in range(processes)
    ]
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err.decode()
    return time.monotonic() - started


def test_eight_writer_processes_append_every_event_once_without_gaps(path: Path) -> None:
    SqliteLog(path).close()
    processes, batches, size = 8, 25, 8
    run_writers(str(path), processes, batches, size)
    with SqliteLog(path, create=False) as opened:
        records = list(opened.read())
        assert [r.position for r in records] == list(range(1, processes * batches * size + 1))
        ids = [r.event.id for r in records]
        expected = {
            f"w{n}-b{b}-e{i}" for n in range(processes) for b in range(batches) for i in range(size)
        }
        assert len(ids) == len(set(ids)) and set(ids) == expected
        # each batch is one transaction: its events sit together, in order
        by_id = {r.event.id: r.position for r in records}
        for n in range(processes):
            for b in range(batches):
                positions = [by_id[f"w{n}-b{b}-e{i}"] for i in range(size)]
                assert positions == list(range(positions[0], positions[0] + size))
        assert opened.verify()


def test_several_processes_may_create_the_same_file_at_once(path: Path) -> None:
    run_writers(str(path), 4, 2, 2)
    with SqliteLog(path, create=False) as opened:
        assert opened.head == 16
        assert opened.verify()
    assert query(path, "SELECT count(*) FROM sitrep_schema_version") == [(SCHEMA_VERSION,)]


def test_follow_catches_up_then_sees_another_process_append(log: SqliteLog, path: Path) -> None:
    log.append([sample_event(i, id=f"old-{i}") for i in range(3)])
    seen: list[str] = []
    child: subprocess.Popen[bytes] | None = None
    for record in log.follow(2, timeout=15, poll_interval=0.05):
        seen.append(record.event.id)
        if record.event.id == "old-2":
            command = ["batches", str(path), "--prefix", "new", "--batches", "1", "--size", "2"]
            child = subprocess.Popen([sys.executable, str(WRITERS), *command])
        if len(seen) == 4:
            break
    assert child is not None
    assert child.wait(timeout=60) == 0
    assert seen == ["old-1", "old-2", "new-b0-e0", "new-b0-e1"]


def test_follow_ends_after_a_quiet_timeout(log: SqliteLog) -> None:
    log.append([sample_event(0)])
    started = time.monotonic()
    assert [r.position for r in log.follow(1, timeout=0.3)] == [1]
    assert 0.25 < time.monotonic() - started < 5


def test_stored_bytes_edited_behind_the_log_fail_verify(log: SqliteLog, path: Path) -> None:
    log.append([sample_event(i) for i in range(3)])
    conn = sqlite3.connect(path)
    text = conn.execute("SELECT event FROM sitrep_events WHERE position = 2").fetchone()[0]
    data = orjson.loads(text)
    data["notes"] = "edited"
    conn.execute(
        "UPDATE sitrep_events SET event = ? WHERE position = 2", (orjson.dumps(data).decode(),)
    )
    conn.commit()
    conn.close()
    result = log.verify()
    assert not result and result.position == 2 and "edited" in str(result.problem)


def test_a_closed_log_says_so(path: Path) -> None:
    opened = SqliteLog(path)
    opened.close()
    opened.close()
    with pytest.raises(ValueError, match="closed"):
        opened.append([sample_event(0)])


def test_a_dangling_symlink_is_not_created_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "target.sqlite"
    elsewhere.parent.mkdir()
    link = tmp_path / "desk.sqlite"
    link.symlink_to(elsewhere)
    with pytest.raises(FileExistsError, match="symbolic link to nothing"):
        SqliteLog(link)
    assert not elsewhere.exists() and link.is_symlink()


def test_a_log_opened_read_only_reads_and_refuses_appends(path: Path) -> None:
    with SqliteLog(path) as log:
        log.append([sample_event(0, id="a")])
    with SqliteLog(path, readonly=True) as log:
        assert log.readonly and [r.event.id for r in log.read()] == ["a"] and log.verify()
        with pytest.raises(ReadOnlyLogError) as caught:
            log.append([sample_event(1, id="b")])
        assert caught.value.source == str(path) and caught.value.committed is False
    assert query(path, "SELECT count(*) FROM sitrep_events") == [(1,)]


def test_a_fifo_is_refused_with_its_path(tmp_path: Path) -> None:
    fifo = tmp_path / "desk.sqlite"
    os.mkfifo(fifo)
    with pytest.raises(CorruptLogError, match="is a FIFO") as caught:
        SqliteLog(fifo)
    assert caught.value.source == str(fifo)


def test_a_log_of_the_first_schema_gets_its_streams_filled_in(path: Path) -> None:
    with SqliteLog(path) as log:
        halt = sample_event(1, id="halt")
        log.append([sample_event(0, id="evac"), halt])
        log.append([attrs.evolve(halt, id="fix", corrects="halt")])
    conn = sqlite3.connect(path)  # back to schema 1: no stream column
    conn.execute("DROP INDEX sitrep_events_stream")
    conn.execute("ALTER TABLE sitrep_events DROP COLUMN stream")
    conn.execute("DELETE FROM sitrep_schema_version WHERE version = 2")
    conn.commit()
    conn.close()
    with SqliteLog(path) as log:
        assert log.schema_version == SCHEMA_VERSION
        assert [r.stream for r in log.read()] == ["convoy:qalamoun-convoy"] * 3
        assert log.stream_version("convoy:qalamoun-convoy") == 3 and log.verify()


def test_threads_opening_a_new_log_at_once_all_open_it(tmp_path: Path) -> None:
    """Each opener switches a new database to WAL mode; SQLite does not wait for the
    lock that switch takes, so openers that meet there try again instead of failing."""
    for trial in range(30):
        target = tmp_path / f"log-{trial}.sqlite"

        def open_and_append(n: int, target: Path = target) -> None:
            with open_log(target) as log:
                log.append([sample_event(n, id=f"e{n}")])

        assert in_threads(open_and_append, 8) == []
        with open_log(target) as log:
            assert log.head == 8 and log.verify().ok
