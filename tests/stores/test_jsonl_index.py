"""The index kept beside a JSON Lines log: used when it checks out, never trusted when not."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from _writers import sample_event

from sitrep_core import BrokenChainError, open_log
from sitrep_core.stores._jsonl_index import SAVE_EVERY, LineIndex, index_path, load


def fill(path: Path, *batches: int) -> None:
    n = 0
    with open_log(path) as log:
        for size in batches:
            log.append(sample_event(n + i, id=f"e{n + i}") for i in range(size))
            n += size


def loaded(path: Path) -> LineIndex:
    with open(path, "rb") as handle:
        return load(path, handle)


def rebuilt(path: Path) -> LineIndex:
    """The index a reader makes by reading the whole file (the oracle: no copy used)."""
    aside = index_path(path).with_suffix(".aside")
    index_path(path).rename(aside)
    try:
        with open_log(path) as log:
            assert log.head >= 0
            return log._index  # type: ignore[attr-defined,no-any-return]
    finally:
        aside.rename(index_path(path))


def same(a: LineIndex, b: LineIndex) -> bool:
    return (a.head, a.head_hash, a.size, list(a.records())) == (
        b.head,
        b.head_hash,
        b.size,
        list(b.records()),
    )


def rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(index_path(path)) as connection:
        return connection.execute(query).fetchall()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "log.jsonl"


def test_a_writer_leaves_the_copy_up_to_date_when_it_closes(path: Path) -> None:
    fill(path, 3, 1, 5)
    copy = loaded(path)
    assert copy.head == 9 and same(copy, rebuilt(path))
    assert rows(path, "SELECT head FROM batches") == [(3,), (4,), (9,)]  # a row a batch


def test_a_writer_adds_to_the_copy_every_so_many_records_not_every_append(path: Path) -> None:
    fill(path, 2)
    log = open_log(path)
    try:
        for n in range(SAVE_EVERY + 3):
            log.append([sample_event(n, id=f"single{n}")])
            lag = 2 + n + 1 - loaded(path).head
            assert 0 <= lag < SAVE_EVERY  # never further behind than that
            if n == 1:
                assert lag == 2  # two single appends, no transaction of the copy's
        # a reader opening now finds every record, the last from the log's end
        with open_log(path) as reader:
            assert reader.head == SAVE_EVERY + 5
            assert reader.get(f"single{SAVE_EVERY + 2}").position == SAVE_EVERY + 5  # type: ignore[union-attr]
    finally:
        log.close()
    assert same(loaded(path), rebuilt(path))
    assert len(rows(path, "SELECT head FROM batches")) == SAVE_EVERY + 4  # each batch's row


def test_a_process_that_only_reads_leaves_the_copy_as_it_found_it(path: Path) -> None:
    fill(path, 2)
    writer = open_log(path)
    for n in range(3):
        writer.append([sample_event(n, id=f"single{n}")])
    with open_log(path) as reader:
        assert [r.position for r in reader.read(3)] == [3, 4, 5]
        assert reader.get("single2").position == 5  # type: ignore[union-attr]
    assert loaded(path).head == 2  # the reader wrote nothing, took no lock
    writer.close()
    assert loaded(path).head == 5


def test_a_writer_whose_copy_cannot_be_brought_up_keeps_no_rows_for_it(path: Path) -> None:
    fill(path, 2, 2)
    with open_log(path) as log:
        with sqlite3.connect(
            index_path(path)
        ) as connection:  # it no longer ends where the log does
            connection.execute("UPDATE copy SET size = size + 1")
        for n in range(SAVE_EVERY + 50):
            log.append([sample_event(n, id=f"single{n}")])
        index = log._index  # type: ignore[attr-defined]
        assert len(index.unsaved_batches) < SAVE_EVERY  # not one a batch, for ever
        assert log.get(f"single{SAVE_EVERY + 49}").position == SAVE_EVERY + 54  # type: ignore[union-attr]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_closing_the_log_leaves_the_copy_to_the_parent(path: Path) -> None:
    fill(path, 2)
    log = open_log(path)
    log.append([sample_event(5, id="single")])  # not in the copy yet
    child = os.fork()
    if child == 0:  # the child shares the parent's lock on the file: it must not take it
        log.close()
        os._exit(0 if loaded(path).head == 2 else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert loaded(path).head == 2
    log.close()
    assert loaded(path).head == 3 and same(loaded(path), rebuilt(path))


def test_a_log_cut_back_to_a_batch_the_copy_added_late_is_a_broken_chain(path: Path) -> None:
    with open_log(path) as log:
        for n in range(4):
            log.append([sample_event(n, id=f"e{n}")])  # none added to the copy until close
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2]))
    with pytest.raises(BrokenChainError, match="whole batches were removed"):
        open_log(path)


def test_a_new_process_finds_and_appends_with_the_copy(path: Path) -> None:
    fill(path, 4)
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "from _writers import sample_event; from sitrep_core import open_log;"
        "log = open_log(sys.argv[1]);"
        "assert log.get('e2').position == 3;"
        "assert log.append([sample_event(0, id='e0')]).skipped == ('e0',);"
        "print(log.append([sample_event(9, id='new')]).head)"
    )
    tests = str(Path(__file__).parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), tests], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "5"
    # it never closed the log: the copy lacks its record, which an opener reads from the log
    assert loaded(path).head == 4
    with open_log(path) as log:
        assert log.get("new").position == 5  # type: ignore[union-attr]
        log.append([sample_event(10, id="newer")])
    assert same(loaded(path), rebuilt(path))


def test_a_new_process_relies_on_the_copy_not_on_reading_the_log(path: Path) -> None:
    fill(path, 4, 4)
    with open_log(path) as log:
        streams = [record.stream for record in log.read()]
    copy = loaded(path)
    # nothing of the records is held in memory: they are looked up in the copy
    assert (copy.base, copy.head, len(copy.id_list)) == (8, 8, 0)
    assert copy.position_of("e2") == 3 and copy.position_of("e9") is None
    assert copy.stream_versions([streams[0], "other"]) == {streams[0]: streams.count(streams[0])}
    with open_log(path) as log:
        log.append([sample_event(0, id="new")])  # the stream of e0
        assert log.get("e1").position == 2  # type: ignore[union-attr]
        assert log.stream_version(streams[0]) == streams.count(streams[0]) + 1
        assert [r.position for r in log.read(3)] == [3, 4, 5, 6, 7, 8, 9]
        expected = [p for p, s in enumerate(streams, start=1) if s == streams[0] and p >= 2]
        assert [r.position for r in log.read(2, stream=streams[0])] == [*expected, 9]


def test_a_line_the_copy_misplaces_is_not_read_as_another_record(path: Path) -> None:
    fill(path, 2, 2)
    with sqlite3.connect(index_path(path)) as connection:
        connection.execute("UPDATE records SET at = at + 5 WHERE position = 3")
    with open_log(path) as log:
        assert [r.position for r in log.read(3)] == [3, 4]
        assert log.verify().ok


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="cut short"),
        pytest.param(
            lambda data: data.replace(b"sitrep-jsonl-index/2", b"other-index/2"), id="foreign"
        ),
        pytest.param(lambda data: b"not a database" + data, id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_spoilt_copy_is_not_trusted_and_is_made_again(path: Path, spoil: object) -> None:
    fill(path, 3, 2)
    copy = index_path(path)
    copy.write_bytes(spoil(copy.read_bytes()))  # type: ignore[operator]
    assert loaded(path).base == 0  # not relied on
    with open_log(path) as log:
        assert log.get("e2").position == 3  # type: ignore[union-attr]
        assert log.get("e7") is None
        log.append([sample_event(5, id="e5")])
    assert same(loaded(path), rebuilt(path)) and loaded(path).head == 6


def test_a_copy_of_another_log_is_not_trusted(path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.jsonl"
    fill(other, 3)
    fill(path, 3)
    index_path(path).write_bytes(index_path(other).read_bytes())
    assert loaded(path).base == 0
    with open_log(path) as log:
        assert [r.event.id for r in log.read()] == ["e0", "e1", "e2"]


def test_records_appended_past_the_copy_are_read_from_the_log(path: Path) -> None:
    fill(path, 2)
    before = index_path(path).read_bytes()
    fill_more = open_log(path)
    fill_more.append([sample_event(7, id="later")])
    fill_more.close()
    index_path(path).write_bytes(before)  # as a writer that keeps no copy would leave it
    with open_log(path) as log:
        assert log.get("later").position == 3  # type: ignore[union-attr]
        assert log.head == 3


def test_a_log_cut_back_by_whole_batches_is_a_broken_chain(path: Path) -> None:
    fill(path, 2, 2)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2]))
    with pytest.raises(BrokenChainError, match="whole batches were removed") as caught:
        open_log(path)
    assert caught.value.position == 3


def test_a_copy_of_the_earlier_format_is_made_again(path: Path) -> None:
    fill(path, 2)
    index_path(path).write_bytes(b'{"format":"sitrep-jsonl-index/1"}\n')
    with open_log(path) as log:
        log.append([sample_event(7, id="later")])
    assert loaded(path).base == 3 and same(loaded(path), rebuilt(path))


def test_a_row_the_copy_lost_makes_it_not_trusted(path: Path) -> None:
    fill(path, 3, 2)
    with sqlite3.connect(index_path(path)) as connection:
        connection.execute("DELETE FROM records WHERE position = 2")
    assert loaded(path).base == 0
    with open_log(path) as log:
        assert log.append([sample_event(1, id="e1")]).skipped == ("e1",)
        log.append([sample_event(5, id="e5")])
    assert same(loaded(path), rebuilt(path)) and loaded(path).base == 6


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE records SET id = 'e7' WHERE id = 'e2'",
        "UPDATE records SET at = 0 WHERE position = 3",
        "UPDATE records SET stream = 99 WHERE position = 3",
        "DROP TABLE streams",
    ],
)
def test_a_row_edited_in_the_copy_is_found_out_when_it_is_read(path: Path, edit: str) -> None:
    fill(path, 3, 2)
    with open_log(path) as log:
        streams = [record.stream for record in log.read()]
    with sqlite3.connect(index_path(path)) as connection:
        connection.execute(edit)
    with open_log(path) as log:
        assert log.get("e7") is None
        assert log.get("e2").position == 3  # type: ignore[union-attr]
        assert log.stream_version(streams[2]) == streams.count(streams[2])
        assert [r.position for r in log.read(2, stream=streams[2])] == [
            p for p, s in enumerate(streams, start=1) if s == streams[2] and p >= 2
        ]
        assert [r.position for r in log.read(3)] == [3, 4, 5]
        log.append([sample_event(5, id="e5")])
    assert same(loaded(path), rebuilt(path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_a_copy_this_user_may_only_read_is_used_and_left_as_it_is(path: Path) -> None:
    fill(path, 3)
    index_path(path).chmod(0o444)
    before = index_path(path).read_bytes()
    with open_log(path) as log:
        assert log._index.base == 3  # type: ignore[attr-defined]
        assert log.get("e1").position == 2  # type: ignore[union-attr]
        log.append([sample_event(7, id="later")])
        assert log.get("later").position == 4  # type: ignore[union-attr]
    assert index_path(path).read_bytes() == before
    with open_log(path) as log:
        assert [r.event.id for r in log.read()] == ["e0", "e1", "e2", "later"]
