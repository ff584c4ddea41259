"""copy_log: the same chain in any store, resumable, idempotent, refusing what does not verify."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from _writers import sample_event

from sitrep_core import (
    ConflictError,
    CopyResult,
    CorruptLogError,
    EventLog,
    Strike,
    copy_log,
    open_log,
)
from sitrep_core.stores._log import GENESIS, chain_hash

ENV = "SITREP_TEST_POSTGRES_URL"


def chain(log: EventLog) -> list[tuple[int, str, str]]:
    return [(r.position, r.prev, r.hash) for r in log.read()]


def write_jsonl(path: Path, events: list[bytes]) -> None:
    """A JSON Lines log holding exactly these event bytes (as an older writer left them,
    before lines named their stream)."""
    lines, prev = [], GENESIS
    for position, data in enumerate(events, start=1):
        digest = chain_hash(position, prev, data)
        lines.append(
            b'{"position":%d,"prev":"%s","hash":"%s","event":%s}\n'
            % (position, prev.encode(), digest.encode(), data)
        )
        prev = digest
    path.write_bytes(b"".join(lines))


@pytest.fixture
def source(tmp_path: Path) -> Iterator[EventLog]:
    with open_log(tmp_path / "source.jsonl") as log:
        log.append([sample_event(i, id=f"e{i}") for i in range(10)])
        log.append([sample_event(i, id=f"e{i}") for i in range(10, 25)])
        yield log


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = os.environ.get(ENV)
    if not url:
        pytest.skip(f"set {ENV} to a PostgreSQL URL to copy into PostgreSQL")
    psycopg = pytest.importorskip("psycopg")
    schema = f"sitrep_test_{uuid.uuid4().hex}"
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"the PostgreSQL server at {ENV} is unreachable: {exc}")
    parts = urlsplit(url)
    extra = f"options=-csearch_path%3D{schema}"
    query = f"{parts.query}&{extra}" if parts.query else extra
    try:
        yield urlunsplit(parts._replace(query=query))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_jsonl_to_sqlite_to_postgresql_to_jsonl_keeps_every_hash(
    source: EventLog, tmp_path: Path, postgres_url: str
) -> None:
    expected = chain(source)
    targets = [str(tmp_path / "copy.sqlite"), postgres_url, str(tmp_path / "back.jsonl")]
    previous = source
    opened: list[EventLog] = []
    try:
        for target in targets:
            log = open_log(target)
            opened.append(log)
            result = copy_log(previous, log, batch_size=7)
            assert result == CopyResult(25, 0, 25, expected[-1][2])
            assert chain(log) == expected
            assert log.verify().head_hash == source.verify().head_hash
            previous = log
        assert [r.event for r in opened[-1].read()] == [r.event for r in source.read()]
        assert list(opened[-1].raw_records()) == list(source.raw_records())
    finally:
        for log in opened:
            log.close()


@pytest.mark.parametrize("kinds", [("sqlite", "memory:", "jsonl"), ("memory:", "sqlite")])
def test_copies_between_file_and_memory_stores_keep_every_hash(
    source: EventLog, tmp_path: Path, kinds: tuple[str, ...]
) -> None:
    expected = chain(source)
    previous = source
    opened: list[EventLog] = []
    try:
        for n, kind in enumerate(kinds):
            target = kind if kind == "memory:" else str(tmp_path / f"c{n}.{kind}")
            log = open_log(target)
            opened.append(log)
            copy_log(previous, log)
            assert chain(log) == expected
            previous = log
    finally:
        for log in opened:
            log.close()


def test_stored_bytes_are_copied_as_they_are_not_re_encoded(tmp_path: Path) -> None:
    # an older writer's strike (version 1, a +02:00 time): reading upcasts it, so
    # re-encoding would change its bytes and so every hash from it on
    old = (
        b'{"type":"strike","v":1,"id":"s1","occurred":"2017-08-30",'
        b'"recorded":"2017-09-01T08:00:00+02:00","actor":"US-led coalition",'
        b'"target":"road","hit_convoy":false}'
    )
    with open_log("memory:") as scratch:
        modern = scratch.codec.encode(sample_event(1, id="m1"))
    write_jsonl(tmp_path / "old.jsonl", [old, modern])
    with open_log(tmp_path / "old.jsonl") as source:
        strike = next(source.events())
        assert isinstance(strike, Strike) and strike.targets == ("road",)
        assert source.codec.encode(strike) != old
        previous: EventLog = source
        opened: list[EventLog] = []
        try:
            for target in (str(tmp_path / "c.sqlite"), "memory:", str(tmp_path / "c.jsonl")):
                log = open_log(target)
                opened.append(log)
                copy_log(previous, log)
                assert chain(log) == chain(source)
                assert [raw.event_bytes for raw in log.raw_records()] == [old, modern]
                previous = log
        finally:
            for log in opened:
                log.close()


def test_resumes_after_an_interrupted_copy(source: EventLog, tmp_path: Path) -> None:
    class Interrupted(Exception):
        pass

    def stop_after_two_batches(head: int, end: int) -> None:
        assert end == 25
        if head >= 8:
            raise Interrupted

    with open_log(tmp_path / "copy.sqlite") as target:
        with pytest.raises(Interrupted):
            copy_log(source, target, batch_size=4, progress=stop_after_two_batches)
        assert target.head == 8 and target.verify()
        result = copy_log(source, target, batch_size=4)
        assert (result.copied, result.already, result.head) == (17, 8, 25)
        assert chain(target) == chain(source)


def test_a_second_run_changes_nothing(source: EventLog, tmp_path: Path) -> None:
    path = tmp_path / "copy.jsonl"
    with open_log(path) as target:
        first = copy_log(source, target)
        before = path.read_bytes()
        second = copy_log(source, target)
    assert (first.copied, first.already) == (25, 0)
    assert (second.copied, second.already) == (0, 25)
    assert second.head_hash == first.head_hash
    assert path.read_bytes() == before
    assert str(second).startswith("copied 0 records (25 were there already); head 25 ")


def test_records_appended_to_the_source_later_are_copied_next_time(
    source: EventLog, tmp_path: Path
) -> None:
    with open_log(tmp_path / "copy.sqlite") as target:
        copy_log(source, target)
        source.append([sample_event(30, id="late")])
        result = copy_log(source, target)
        assert (result.copied, result.already, result.head) == (1, 25, 26)
        assert chain(target) == chain(source)


def test_a_tampered_source_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "source.jsonl"
    with open_log(path) as log:
        log.append([sample_event(i) for i in range(6)])
    lines = path.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"Humayma", b"Hamaymah")
    assert b"Hamaymah" in lines[1]
    path.write_bytes(b"".join(lines))
    with open_log(path) as log, open_log(tmp_path / "copy.sqlite") as target:
        with pytest.raises(CorruptLogError, match="does not verify") as caught:
            copy_log(log, target)
        assert "position 2" in str(caught.value)
        assert target.head == 0


def test_a_target_holding_other_records_is_refused(source: EventLog, tmp_path: Path) -> None:
    def stop(head: int, end: int) -> None:
        raise KeyboardInterrupt

    with open_log(tmp_path / "other.sqlite") as target:
        with pytest.raises(KeyboardInterrupt):
            copy_log(source, target, batch_size=5, progress=stop)
        target.append([sample_event(99, id="not-in-the-source")])
        with pytest.raises(ConflictError, match=r"differs from .* at position 6"):
            copy_log(source, target)
        assert target.head == 6


def test_a_target_longer_than_the_source_is_refused(source: EventLog, tmp_path: Path) -> None:
    with open_log(tmp_path / "longer.sqlite") as target:
        copy_log(source, target)
        target.append([sample_event(40, id="only-in-the-target")])
        with pytest.raises(ConflictError, match="not a copy"):
            copy_log(source, target)


def test_a_target_appended_to_during_the_copy_is_refused(source: EventLog, tmp_path: Path) -> None:
    with open_log(tmp_path / "busy.sqlite") as target:

        def meddle(head: int, end: int) -> None:
            if head == 5:
                target.append([sample_event(50, id="meddler")])

        with pytest.raises(ConflictError, match="appended to during the copy"):
            copy_log(source, target, batch_size=5, progress=meddle)


def test_a_source_holding_an_id_twice_is_refused(tmp_path: Path) -> None:
    first = Strike(id="dup", occurred="2017-08-30", actor="coalition")
    second = Strike(id="dup", occurred="2017-08-31", actor="coalition")
    with open_log("memory:") as codec_owner:
        events = [codec_owner.codec.encode(first), codec_owner.codec.encode(second)]
    write_jsonl(tmp_path / "dup.jsonl", events)
    with open_log(tmp_path / "dup.jsonl") as log, open_log(tmp_path / "copy.sqlite") as target:
        assert not log.verify()  # the chain itself is sound, but an id is not unique
        with pytest.raises(CorruptLogError, match="'dup' is stored twice"):
            copy_log(log, target)
        assert target.head == 0  # the batch holding it is not written


def test_an_empty_source_copies_nothing(tmp_path: Path) -> None:
    with open_log(tmp_path / "a.jsonl") as log, open_log(tmp_path / "b.sqlite") as target:
        assert copy_log(log, target) == CopyResult(0, 0, 0, GENESIS)


def test_batch_size_must_be_positive(source: EventLog) -> None:
    with open_log("memory:") as target, pytest.raises(ValueError, match="batch_size"):
        copy_log(source, target, batch_size=0)
