"""The JSON Lines store: its file, torn tails, readers beside writers, corrupt lines."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
import tracemalloc
from itertools import accumulate
from pathlib import Path
from typing import Any

import orjson
import pytest
from _writers import sample_event

from sitrep_core import (
    BrokenChainError,
    Codec,
    ConflictError,
    CorruptLogError,
    DuplicateIdError,
    ReadOnlyLogError,
    TornTailWarning,
    open_log,
)
from sitrep_core.stores._jsonl import STREAMED_BATCH, JsonlLog
from sitrep_core.stores._jsonl_index import index_path
from sitrep_core.stores._log import chain_hash

WRITERS = Path(__file__).parent / "_writers.py"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "log.jsonl"


def fill(path: Path, *batches: int) -> None:
    """Append batches of the given sizes, ids ``e0``, ``e1``, ... in order."""
    n = 0
    with open_log(path) as log:
        for size in batches:
            log.append(sample_event(n + i, id=f"e{n + i}") for i in range(size))
            n += size


def batch_lines(tmp_path: Path, size: int, after: Path) -> list[bytes]:
    """The lines a batch of ``size`` would add to the log at ``after``, without adding it."""
    scratch = tmp_path / "scratch.jsonl"
    scratch.write_bytes(after.read_bytes())
    with open_log(scratch) as log:
        start = log.head
        log.append(sample_event(100 + i, id=f"x{i}") for i in range(size))
    lines = scratch.read_bytes().splitlines(keepends=True)[start:]
    scratch.unlink()
    return lines


def torn_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.torn-*"))


def ids(log: JsonlLog) -> list[str]:
    return [r.event.id for r in log.read()]


# -- the file ------------------------------------------------------------------------------


def test_the_created_file_is_not_world_writable(path: Path) -> None:
    old = os.umask(0)
    try:
        open_log(path).close()
    finally:
        os.umask(old)
    mode = stat.S_IMODE(path.stat().st_mode)
    assert not mode & (stat.S_IWOTH | stat.S_IWGRP), oct(mode)
    assert path.read_bytes() == b""


def test_creating_over_a_symlink_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "target.jsonl"
    elsewhere.parent.mkdir()
    link = tmp_path / "log.jsonl"
    link.symlink_to(elsewhere)
    with pytest.raises(FileExistsError):
        open_log(link)
    assert not elsewhere.exists()
    assert link.is_symlink()


def test_an_existing_log_is_never_recreated(path: Path) -> None:
    fill(path, 2)
    before = path.read_bytes()
    with open_log(path, create=True) as log:
        assert log.head == 2
    assert path.read_bytes() == before


def _open_at_once(paths: list[str], barrier: Any, codec: Codec) -> None:
    for path in paths:
        barrier.wait(timeout=30)  # a sibling that failed breaks the barrier: all stop
        open_log(path, codec=codec).close()


def test_processes_creating_the_log_at_once_all_open_it(tmp_path: Path) -> None:
    # one round in a few dozen used to find the file made between its check and its create
    context = multiprocessing.get_context("fork")
    paths = [str(tmp_path / f"race{n}.jsonl") for n in range(250)]
    barrier = context.Barrier(4)
    codec = Codec()
    children = [
        context.Process(target=_open_at_once, args=(paths, barrier, codec), daemon=True)
        for _ in range(4)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
        if child.is_alive():
            child.kill()
            child.join()
    assert [c.exitcode for c in children] == [0, 0, 0, 0]
    assert all(Path(p).read_bytes() == b"" for p in paths)


def test_each_line_is_one_record_and_batches_say_how_many_follow(path: Path) -> None:
    fill(path, 1, 3)
    lines = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert [line["position"] for line in lines] == [1, 2, 3, 4]
    assert [line.get("more", 0) for line in lines] == [0, 2, 1, 0]
    assert [line["event"]["id"] for line in lines] == ["e0", "e1", "e2", "e3"]
    assert lines[1]["prev"] == lines[0]["hash"]


# -- torn tails ----------------------------------------------------------------------------


def test_a_torn_last_line_is_set_aside_and_kept(path: Path, tmp_path: Path) -> None:
    fill(path, 2, 1)
    whole = path.read_bytes()
    half = batch_lines(tmp_path, 1, path)[0][:57]
    with path.open("ab") as handle:
        handle.write(half)
    with open_log(path) as log:
        # readers see the committed records and leave the tail alone
        assert log.head == 3
        assert ids(log) == ["e0", "e1", "e2"]
        assert log.verify().ok
        assert path.read_bytes() == whole + half
        # the next writer cuts it off, and says where it went
        with pytest.warns(TornTailWarning, match=r"57 bytes after line 3 .*log\.jsonl\.torn-"):
            result = log.append([sample_event(3, id="e3")])
        assert result.records[0].position == 4
        assert ids(log) == ["e0", "e1", "e2", "e3"]
        assert log.verify().ok
    (aside,) = torn_files(path)
    assert aside.read_bytes() == half
    assert path.read_bytes().startswith(whole)
    assert not stat.S_IMODE(aside.stat().st_mode) & stat.S_IWOTH


def test_a_batch_cut_short_is_set_aside_whole(path: Path, tmp_path: Path) -> None:
    fill(path, 1, 2)
    whole = path.read_bytes()
    lines = batch_lines(tmp_path, 4, path)
    assert [orjson.loads(line).get("more", 0) for line in lines] == [3, 2, 1, 0]
    tail = lines[0] + lines[1]  # two whole lines that say more follow, and no end
    with path.open("ab") as handle:
        handle.write(tail)
    with open_log(path) as log:
        assert log.head == 3
        assert ids(log) == ["e0", "e1", "e2"]
        assert log.get("x0") is None
        assert log.verify().ok
        with pytest.warns(TornTailWarning, match="after line 3"):
            log.recover()
        assert path.read_bytes() == whole
        log.recover()  # nothing left to set aside: no warning
        # the ids of the torn batch are free again
        assert log.append(sample_event(100 + i, id=f"x{i}") for i in range(4)).head == 7
    (aside,) = torn_files(path)
    assert aside.read_bytes() == tail


def test_a_batch_cut_mid_line_is_set_aside_whole(path: Path, tmp_path: Path) -> None:
    fill(path, 2)
    lines = batch_lines(tmp_path, 3, path)
    tail = lines[0] + lines[1][:-30]
    with path.open("ab") as handle:
        handle.write(tail)
    with pytest.warns(TornTailWarning), open_log(path) as log:
        log.append([sample_event(9, id="next")])
    (aside,) = torn_files(path)
    assert aside.read_bytes() == tail
    with open_log(path) as log:
        assert ids(log) == ["e0", "e1", "next"]
        assert log.verify().ok


def test_a_garbage_last_line_is_set_aside(path: Path) -> None:
    fill(path, 2)
    with path.open("ab") as handle:
        handle.write(b"\x00\x00\x00\x00\n")  # what some file systems leave after a crash
    with pytest.warns(TornTailWarning), open_log(path) as log:
        log.recover()
    with open_log(path) as log:
        assert ids(log) == ["e0", "e1"]
    assert torn_files(path)[0].read_bytes() == b"\x00\x00\x00\x00\n"


def test_each_recovery_keeps_its_own_file(path: Path) -> None:
    fill(path, 1)
    for n in range(3):
        with path.open("ab") as handle:
            handle.write(b'{"position":2,"pre')
        with pytest.warns(TornTailWarning), open_log(path) as log:
            log.append([sample_event(n, id=f"after-{n}")])
        with open_log(path) as log:
            assert log.head == 2 + n
    assert len(torn_files(path)) == 3


# -- readers beside a writer ---------------------------------------------------------------


def test_readers_ignore_a_batch_in_flight(path: Path, tmp_path: Path) -> None:
    fill(path, 2)
    lines = batch_lines(tmp_path, 3, path)
    payload = b"".join(lines)
    with open_log(path) as reader:
        assert reader.head == 2
        with path.open("ab") as writer:
            # the writer's bytes arrive a piece at a time; the reader never sees a part
            written = 0
            for cut in (10, len(lines[0]), len(lines[0]) + 5, len(lines[0] + lines[1])):
                writer.write(payload[written:cut])
                writer.flush()
                written = cut
                assert reader.head == 2
                assert ids(reader) == ["e0", "e1"]
                assert reader.verify().ok
                assert reader.get("x0") is None
            writer.write(payload[written:])
        assert reader.head == 5
        assert ids(reader)[2:] == ["x0", "x1", "x2"]
        assert reader.get("x1").position == 4  # type: ignore[union-attr]
    assert torn_files(path) == []


def torn_batch(path: Path, tmp_path: Path, size: int = 200) -> None:
    """Append the first ``size - 1`` lines of a batch of ``size``: a crashed writer's."""
    lines = batch_lines(tmp_path, size, path)
    with path.open("ab") as handle:
        handle.write(b"".join(lines[:-1]))


def test_a_reader_inside_a_torn_batch_reads_what_replaced_it(path: Path, tmp_path: Path) -> None:
    fill(path, 3)
    torn_batch(path, tmp_path)  # far longer than a read buffer
    with open_log(path) as reader, open_log(path) as writer:
        stream = reader.read()
        assert [next(stream).event.id for _ in range(3)] == ["e0", "e1", "e2"]
        # the reader has read into the torn batch when a writer sets it aside and appends
        with pytest.warns(TornTailWarning):
            writer.append(sample_event(n, id=f"new{n}") for n in range(150))
        rest = [r.event.id for r in stream]
    assert rest == [f"new{n}" for n in range(150)]


LARGE = 5 * STREAMED_BATCH
"""Lines of a batch large enough to be read a part at a time, in five parts."""


def test_a_large_batch_is_read_as_it_goes_and_reads_the_same(path: Path) -> None:
    fill(path, 8, LARGE, 3)
    expected = [f"e{n}" for n in range(LARGE + 11)]
    with open_log(path) as log:
        stream = log.read()
        assert [next(stream).event.id for _ in range(8)] == expected[:8]  # every type once
        tracemalloc.start()
        try:
            assert [next(stream).event.id for _ in range(2)] == expected[8:10]
            held = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert held < path.stat().st_size // 3  # one part of the batch held, not all of it
        assert [r.event.id for r in stream] == expected[10:]
        assert [r.position for r in log.read(LARGE)] == list(range(LARGE, LARGE + 12))
        assert log.verify().ok
    index_path(path).unlink()  # a reader that indexes the file itself
    with open_log(path) as log:
        assert ids(log) == expected and log.get(f"e{LARGE}").position == LARGE + 1  # type: ignore[union-attr]


def test_indexing_a_large_batch_holds_what_the_index_needs_not_its_lines(path: Path) -> None:
    fill(path, 2, LARGE)
    index_path(path).unlink()  # no copy of the index: the file is indexed, batch by batch
    tracemalloc.start()
    try:
        with open_log(path) as log:
            assert log.head == LARGE + 2
            held = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert held < path.stat().st_size  # holding the batch's lines took about twice that
    with open_log(path) as log:
        assert ids(log) == [f"e{n}" for n in range(LARGE + 2)]


def test_a_large_batch_in_flight_is_not_read(path: Path, tmp_path: Path) -> None:
    fill(path, 2)
    lines = batch_lines(tmp_path, LARGE, path)
    before = path.stat().st_size
    with open_log(path) as reader:
        for cut in (1, LARGE // 2, LARGE - 1):
            with path.open("ab") as writer:  # a writer's lines arrive, not all of them yet
                writer.write(b"".join(lines[:cut]))
            assert ids(reader) == ["e0", "e1"]
            os.truncate(path, before)
        with path.open("ab") as writer:
            writer.write(b"".join(lines))
        assert ids(reader) == ["e0", "e1", *(f"x{n}" for n in range(LARGE))]


def test_a_line_damaged_inside_a_large_batch_is_named_after_the_lines_before_it(
    path: Path,
) -> None:
    fill(path, 1, LARGE)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[500] = lines[500].replace(b'"occurred":"2017-08', b'"occurred":"2017-09')
    path.write_bytes(b"".join(lines))
    read: list[str] = []
    with open_log(path) as log, pytest.raises(CorruptLogError) as caught:
        read.extend(r.event.id for r in log.read())
    assert caught.value.line == 501 and read == [f"e{n}" for n in range(500)]


@pytest.mark.parametrize("mid_line", [False, True], ids=["at a line's end", "inside a line"])
def test_a_large_batch_cut_while_it_is_read_is_reported(path: Path, mid_line: bool) -> None:
    """A batch found whole is not cut by any writer; a file cut under a reader anyway
    (by hand, or a disk) is reported, not taken for the end of the log."""
    fill(path, 1, LARGE)
    ends = list(accumulate(map(len, path.read_bytes().splitlines(keepends=True))))
    with open_log(path) as log:
        stream = log.read()
        assert [next(stream).position for _ in range(STREAMED_BATCH + 10)][-1] == (
            STREAMED_BATCH + 10
        )
        os.truncate(path, ends[3 * STREAMED_BATCH] - (20 if mid_line else 0))
        with pytest.raises(CorruptLogError, match="cut inside a batch"):
            list(stream)


def test_a_reader_inside_a_large_torn_batch_reads_what_replaced_it(
    path: Path, tmp_path: Path
) -> None:
    fill(path, 3)
    torn_batch(path, tmp_path, LARGE)
    with open_log(path) as reader, open_log(path) as writer:
        stream = reader.read()
        assert [next(stream).event.id for _ in range(3)] == ["e0", "e1", "e2"]
        with pytest.warns(TornTailWarning):
            writer.append(sample_event(n, id=f"new{n}") for n in range(LARGE))
        rest = [r.event.id for r in stream]
    assert rest == [f"new{n}" for n in range(LARGE)]


class Interleaved:
    """A file whose reader lets ``action`` run after its ``after``-th line."""

    def __init__(self, handle: Any, after: int, action: Any) -> None:
        self.handle, self.after, self.action, self.lines = handle, after, action, 0

    def readline(self) -> bytes:
        self.lines += 1
        if self.lines == self.after:
            self.action()
        return self.handle.readline()

    def __iter__(self) -> Any:
        return iter(self.readline, b"")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)

    def __enter__(self) -> Interleaved:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def test_head_inside_a_torn_batch_indexes_what_replaced_it(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sitrep_core.stores._jsonl as jsonl

    fill(path, 3)
    torn_batch(path, tmp_path)
    reader, writer = open_log(path), open_log(path)

    def recover_and_append() -> None:
        monkeypatch.undo()  # the writer reads the file as it is
        with pytest.warns(TornTailWarning):
            writer.append(sample_event(n, id=f"new{n}") for n in range(150))

    def interleaved_open(*args: Any, **kwargs: Any) -> Interleaved:
        return Interleaved(open(*args, **kwargs), 20, recover_and_append)

    monkeypatch.setattr(jsonl, "open", interleaved_open, raising=False)
    with reader, writer:
        assert reader.head == 153
        assert reader.get("new0").position == 4  # type: ignore[union-attr]
        assert reader.get("x0") is None  # the torn batch's ids were never stored
        assert [r.position for r in reader.read(150)] == [150, 151, 152, 153]
        assert reader.verify().ok


def test_head_and_read_after_another_process_appended(path: Path) -> None:
    fill(path, 3)
    with open_log(path) as log:
        assert log.head == 3
        seen = log.head
        assert len(list(log.read())) == 3
        command = ["batches", str(path), "--prefix", "other", "--batches", "2", "--size", "4"]
        subprocess.run([sys.executable, str(WRITERS), *command], check=True)
        assert log.head == 11
        assert [r.event.id for r in log.read(seen + 1)][:2] == ["other-b0-e0", "other-b0-e1"]
        assert [r.position for r in log.read(10)] == [10, 11]
        assert log.get("other-b1-e3").position == 11  # type: ignore[union-attr]
        with pytest.raises(ConflictError):
            log.append([sample_event(0, id="late")], expected_position=seen)
        assert log.append([sample_event(0, id="late")], expected_position=11).head == 12
        assert log.verify().ok


def test_reading_from_a_position_not_yet_indexed(path: Path) -> None:
    with open_log(path) as log:
        fill(path, 5, 5)  # through another handle: this one has indexed nothing
        assert [r.position for r in log.read(7)] == [7, 8, 9, 10]
        assert [r.event.id for r in log.read(10)] == ["e9"]


# -- corruption ----------------------------------------------------------------------------


def test_a_corrupt_line_mid_file_names_the_file_and_line(path: Path) -> None:
    fill(path, 1, 1, 1)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + b"{not json at all\n" + lines[2])
    with open_log(path) as log:
        with pytest.raises(CorruptLogError) as caught:
            _ = log.head
        assert (caught.value.source, caught.value.line) == (str(path), 2)
        assert f"{path}, line 2" in str(caught.value)
        with pytest.raises(CorruptLogError, match="line 2"):
            list(log.read())
        # a writer will not cut away good records that follow a bad line
        with pytest.raises(CorruptLogError, match="line 2"):
            log.append([sample_event(5, id="new")])
        result = log.verify()
        assert not result.ok and result.line == 2
    assert path.read_bytes().endswith(lines[2])
    assert torn_files(path) == []


def rechained(lines: list[bytes], prev: str = "0" * 64) -> bytes:
    """The lines with every hash made again: a forger's edit, invisible to the chain
    (from ``prev``: the link into the first line)."""
    out = []
    for line in lines:
        data = orjson.loads(line)
        event = line[line.index(b',"event":') + 9 : line.rindex(b"}")]
        digest = chain_hash(data["position"], prev, event)
        head = line[: line.index(b',"prev":')]
        rest = line[line.index(b'"hash":') + 7 + 66 :]
        out.append(head + b',"prev":"%s","hash":"%s"' % (prev.encode(), digest.encode()) + rest)
        prev = digest
    return b"".join(out)


def test_an_event_that_does_not_decode_names_the_line(path: Path) -> None:
    fill(path, 1, 1)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"type":"convoy-move"', b'"type":"no-such-type"')
    path.write_bytes(rechained(lines))
    with open_log(path) as log:
        with pytest.raises(CorruptLogError, match=r"line 2, event 'e1': the event does not decode"):
            list(log.read())
        assert not log.verify().ok


def test_a_batch_that_does_not_link_to_the_head_is_refused_when_indexed(path: Path) -> None:
    fill(path, 2, 2)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2]) + rechained(lines[2:], prev="ab" * 32))
    index_path(path).unlink()  # the file is indexed, batch by batch
    with open_log(path) as log:
        with pytest.raises(BrokenChainError, match=r"line 3.*link to the previous record"):
            log.head
        with pytest.raises(CorruptLogError, match="line 3"):
            list(log.read())


def test_a_duplicate_id_deep_in_a_large_batch_is_named_at_its_line(path: Path) -> None:
    fill(path, 2, LARGE)
    lines = path.read_bytes().splitlines(keepends=True)
    at = 2 + STREAMED_BATCH + 7  # past the first part of the batch whose ids are looked up
    lines[at] = lines[at].replace(b'"id":"e%d"' % at, b'"id":"e1"')
    path.write_bytes(rechained(lines))
    index_path(path).unlink()
    with (
        open_log(path) as log,
        pytest.raises(CorruptLogError, match=rf"line {at + 1}.*'e1' is stored twice"),
    ):
        log.head


def test_a_file_that_shrank_is_refused(path: Path) -> None:
    fill(path, 2)
    with open_log(path) as log:
        assert log.head == 2
        data = path.read_bytes()
        path.write_bytes(data[: data.index(b"\n") + 1])
        with pytest.raises(CorruptLogError, match="shrank"):
            _ = log.head


def test_a_closed_log_says_so(path: Path) -> None:
    log = open_log(path)
    log.close()
    log.close()
    with pytest.raises(ValueError, match="closed"):
        log.append([sample_event(0)])


# -- every read checks the chain -------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "line"),
    [
        pytest.param(lambda lines: lines.pop(2), 3, id="a line deleted"),
        pytest.param(lambda lines: lines.insert(3, lines[2]), 4, id="a line repeated"),
        pytest.param(lambda lines: lines.append(lines[-1]), 7, id="the last line repeated"),
        pytest.param(
            lambda lines: lines.__setitem__(slice(1, 3), [lines[2], lines[1]]),
            2,
            id="two lines swapped",
        ),
        pytest.param(
            lambda lines: lines.__setitem__(1, lines[1].replace(b"Humayma", b"Hamaymah")),
            2,
            id="a line edited",
        ),
    ],
)
def test_every_read_stops_at_damage_naming_the_line(path: Path, edit: Any, line: int) -> None:
    fill(path, 1, 1, 1, 1, 1, 1)
    lines = path.read_bytes().splitlines(keepends=True)
    edit(lines)
    path.write_bytes(b"".join(lines))
    with open_log(path) as log:
        with pytest.raises(CorruptLogError) as caught:
            list(log.read())
        assert (caught.value.source, caught.value.line) == (str(path), line)
        assert not log.verify().ok
    # a writer reads what its index beside the log does not cover: without one, all of it
    index_path(path).unlink()
    with open_log(path) as log, pytest.raises(CorruptLogError):
        log.append([sample_event(9, id="new")])
    assert torn_files(path) == []


def test_reading_from_a_position_checks_the_link_into_it(path: Path) -> None:
    fill(path, 1, 1, 1, 1)
    lines = path.read_bytes().splitlines(keepends=True)
    del lines[1]  # position 2 gone: 3 no longer follows 1
    path.write_bytes(b"".join(lines))
    with JsonlLog(path, readonly=True) as log, pytest.raises(CorruptLogError):
        list(log.read(3))


def test_a_committed_batch_at_the_end_is_never_cut_off(path: Path) -> None:
    fill(path, 2, 3)
    lines = path.read_bytes().splitlines(keepends=True)
    # the last record of the last batch edited: whole lines, a whole batch: not a torn write
    lines[-1] = lines[-1].replace(b"qalamoun", b"Qalamoun")
    damaged = b"".join(lines)
    path.write_bytes(damaged)
    with open_log(path) as log:
        with pytest.raises(CorruptLogError, match="does not match its hash"):
            log.append([sample_event(9, id="new")])
        with pytest.raises(CorruptLogError):
            log.recover()
    assert path.read_bytes() == damaged
    assert torn_files(path) == []


def test_a_torn_batch_whose_lines_do_not_check_out_is_not_cut_off(
    path: Path, tmp_path: Path
) -> None:
    fill(path, 2)
    lines = batch_lines(tmp_path, 3, path)
    tail = lines[0].replace(b"qalamoun", b"Qalamoun") + lines[1][:20]  # edited, then torn
    with path.open("ab") as handle:
        handle.write(tail)
    with open_log(path) as log, pytest.raises(CorruptLogError, match="does not match its hash"):
        log.recover()
    assert path.read_bytes().endswith(tail)


# -- files that are not logs, read-only logs -------------------------------------------------


def test_a_fifo_is_refused_with_its_path_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "log.jsonl"
    os.mkfifo(fifo)
    for readonly in (False, True):
        with pytest.raises(CorruptLogError, match="is a FIFO") as caught:
            JsonlLog(fifo, readonly=readonly)
        assert caught.value.source == str(fifo)


def test_a_log_opened_read_only_reads_and_refuses_appends(path: Path) -> None:
    fill(path, 2)
    before = path.read_bytes()
    with JsonlLog(path, readonly=True) as log:
        assert log.readonly
        assert ids(log) == ["e0", "e1"] and log.verify().ok
        with pytest.raises(ReadOnlyLogError) as caught:
            log.append([sample_event(5, id="new")])
        assert caught.value.source == str(path) and caught.value.committed is False
    assert path.read_bytes() == before


def test_a_reopened_log_finds_stored_ids_before_and_after_it_makes_its_id_table(
    path: Path,
) -> None:
    """A log opened anew looks its first ids up by scanning its list of ids, then makes
    a table of them: either way a stored id is found (the same event is skipped, other
    content refused) and a new one is appended, and a stream's version counts them."""
    fill(path, 30, 30)
    with open_log(path) as log:
        head = log.head
        for n in range(20):  # more lookups than the scans made before the table
            stored = 2 * n
            again = log.append([sample_event(stored, id=f"e{stored}")])
            assert again.records == () and again.skipped == (f"e{stored}",), n
            with pytest.raises(DuplicateIdError):
                log.append([sample_event(stored, id=f"e{stored}", variant=1)])
            log.append([sample_event(100 + n, id=f"new{n}")])
            assert log.head == head + n + 1
        assert [r.event.id for r in log.read(head + 1)] == [f"new{n}" for n in range(20)]
        assert log.get("e59") is not None and log.get("new19") is not None
    with open_log(path) as log:  # and from the copy of the index beside the log
        assert log.get("new0") is not None and log.get("e0") is not None
        assert log.get("missing") is None
