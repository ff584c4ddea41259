"""Many processes on one log, writers killed mid-append, and tampered files.

The figures (crash trials, events acknowledged and found, torn tails set aside,
concurrent writers' rates) are printed at the end of the module's run and written
to ``tests/artifacts/log_processes.json``::

    python -m pytest -n 0 tests/test_log_processes.py -s

``SITREP_CRASH_TRIALS=500`` runs 500 crash trials a backend (by default 12 for jsonl,
4 for the database stores, times ``SITREP_TRIALS_SCALE``: see ``tests/_trials.py``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import signal
import time
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pytest
from _trials import trials
from _writers import crash_batch_sizes, crash_writer, in_threads, sample_event, write_batches

from sitrep_core import Codec, TornTailWarning, open_log

if TYPE_CHECKING:
    from conftest import Targets

ARTIFACTS = Path(__file__).parent / "artifacts"
CRASH_TRIALS = "SITREP_CRASH_TRIALS"
"""Trials a backend; by default 12 for jsonl (the store that must recover by itself), 4 else."""
STORED_BACKENDS = ("jsonl", "sqlite", "postgresql")

SUMMARY: dict[str, Any] = {"concurrent": {}, "crash": {}}

# the module's figures are written when it is done: its tests run in one process
pytestmark = pytest.mark.xdist_group("log-processes")


@pytest.fixture(scope="module", autouse=True)
def summary() -> Iterator[dict[str, Any]]:
    """Print the module's figures when it is done, and keep them in tests/artifacts/."""
    yield SUMMARY
    if not SUMMARY["concurrent"] and not SUMMARY["crash"]:
        return
    lines = ["", "log processes summary:"]
    for backend, figures in SUMMARY["concurrent"].items():
        lines.append(
            f"  concurrent {backend}: {figures['processes']} processes x {figures['batches']} "
            f"batches x {figures['size']} events = {figures['events']} events, "
            f"all there once, gapless, chain ok ({figures['events_per_s']:.0f} events/s)"
        )
    for backend, figures in SUMMARY["crash"].items():
        lines.append(
            f"  crash {backend}: {figures['trials']} trials, {figures['batches_acknowledged']} "
            f"batches / {figures['events_acknowledged']} events acknowledged, "
            f"{figures['events_found']} events found (all acknowledged ones), "
            f"{figures['committed_unacknowledged_batches']} batches committed but not yet "
            f"acknowledged, {figures['torn_tails']} torn tails set aside "
            f"({figures['torn_bytes']} bytes), 0 partial batches"
        )
    print("\n".join(lines))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "log_processes.json").write_text(json.dumps(SUMMARY, indent=2) + "\n")


@pytest.fixture(params=STORED_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Only stores another process can open (not memory); ``targets`` skips the absent."""
    return str(request.param)


FORK = multiprocessing.get_context("fork")


def forked(target: Any, *args: Any, **kwargs: Any) -> multiprocessing.process.BaseProcess:
    """A child process running ``target``: forked, so it starts in milliseconds."""
    child = FORK.Process(target=target, args=args, kwargs=kwargs, daemon=True)
    child.start()
    return child


def batch_of(event_id: str) -> tuple[str, int]:
    """``w3-b7-e2`` -> (``w3-b7``, 2)."""
    batch, _, index = event_id.rpartition("-e")
    return batch, int(index)


# -- (a) writers at once -----------------------------------------------------------------


def test_concurrent_writers_lose_nothing_and_never_interleave(targets: Targets) -> None:
    processes = 4 if targets.backend == "jsonl" else 8
    batches, size = 25, 7
    target = targets.new()
    codec = Codec()
    start = FORK.Barrier(processes + 1)
    # they race to create the log, then to append, all at once
    children = [
        forked(write_batches, target, f"w{n}", batches, size, codec=codec, start=start)
        for n in range(processes)
    ]
    start.wait(timeout=60)
    started = time.perf_counter()
    for child in children:
        child.join(120)
    elapsed = time.perf_counter() - started
    assert [c.exitcode for c in children] == [0] * processes
    total = processes * batches * size

    with open_log(target) as log:
        records = list(log.read())
        assert log.head == total
        result = log.verify()
        assert result.ok, str(result)
    assert [r.position for r in records] == list(range(1, total + 1))
    ids = [r.event.id for r in records]
    assert Counter(ids).most_common(1)[0][1] == 1
    assert set(ids) == {
        f"w{n}-b{b}-e{i}" for n in range(processes) for b in range(batches) for i in range(size)
    }
    # each batch holds consecutive positions, in order: no other writer got in between
    for start in range(0, total, size):
        chunk = [batch_of(i) for i in ids[start : start + size]]
        assert {b for b, _ in chunk} == {chunk[0][0]}, chunk
        assert [i for _, i in chunk] == list(range(size))
    # and each writer's batches land in the order it appended them
    for n in range(processes):
        mine = [batch_of(i)[0] for i in ids if i.startswith(f"w{n}-")][::size]
        assert mine == [f"w{n}-b{b}" for b in range(batches)]
    if targets.backend == "jsonl":
        assert_whole_lines(Path(target), total)
    SUMMARY["concurrent"][targets.backend] = {
        "processes": processes,
        "batches": batches,
        "size": size,
        "events": total,
        "seconds": round(elapsed, 3),
        "events_per_s": total / elapsed,
    }


def assert_whole_lines(path: Path, total: int) -> None:
    """Every line of the file is one record, and batch markers count down in order."""
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    lines = lines[:-1]
    assert len(lines) == total
    more = 0
    for number, line in enumerate(lines, start=1):
        data = orjson.loads(line)
        assert data["position"] == number
        if more:
            assert data.get("more", 0) == more - 1, f"line {number}"
        more = data.get("more", 0)
    assert more == 0


def test_threads_with_their_own_handles(targets: Targets) -> None:
    target = targets.new()
    if targets.backend == "jsonl":
        open_log(target).close()  # threads of one process share the creation

    def work(n: int) -> None:
        with open_log(target) as log:
            for b in range(10):
                log.append(sample_event(b * 3 + i, id=f"t{n}-b{b}-e{i}") for i in range(3))

    assert in_threads(work, 4) == []
    with open_log(target) as log:
        assert log.verify().ok
        ids = [r.event.id for r in log.read()]
    assert len(ids) == len(set(ids)) == 120


# -- (b) writers killed at random moments ------------------------------------------------


def committed_end(data: bytes) -> int:
    """Bytes of a JSON Lines log up to the end of its last whole batch."""
    end = offset = 0
    for line in data.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            break
        offset += len(line)
        try:
            more = orjson.loads(line).get("more", 0)
        except orjson.JSONDecodeError:
            break
        if not more:
            end = offset
    return end


def run_crash_trial(
    target: str, trial: int, delay: float, short_writes: int | None, codec: Codec
) -> dict[str, int]:
    """Fork a writer, kill it ``delay`` seconds after it is ready; its acknowledged batches."""
    read_end, write_end = os.pipe()
    child = forked(
        crash_writer,
        target,
        f"t{trial}",
        trial,
        short_writes=short_writes,
        out=write_end,
        codec=codec,
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        try:
            ready = pipe.readline()  # unbuffered: the acknowledgements after it stay in the pipe
            time.sleep(delay)
        finally:
            os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
            child.join(30)
        out = pipe.read()
    assert ready == b"ready\n", f"trial {trial}: the writer did not start"
    assert child.exitcode == -signal.SIGKILL
    acked: dict[str, int] = {}
    for line in out.splitlines(keepends=True):
        if line.endswith(b"\n"):
            _, batch, size = line.split()
            acked[batch.decode()] = int(size)
    return acked


def test_a_killed_writer_loses_no_acknowledged_batch_and_leaves_no_partial_one(
    targets: Targets,
) -> None:
    rng = random.Random(20170828)
    codec = Codec()
    figures = Counter[str]()
    for trial in range(trials(CRASH_TRIALS, 12 if targets.backend == "jsonl" else 4)):
        target = targets.new()
        # half the jsonl trials write in small pieces, so kills land inside batches
        short = 1024 if targets.backend == "jsonl" and trial % 2 else None
        acked = run_crash_trial(target, trial, rng.uniform(0.0, 0.1), short, codec)
        check_after_crash(targets.backend, target, trial, acked, figures)
        figures["short_write_trials"] += bool(short)
    SUMMARY["crash"][targets.backend] = dict(figures)


def check_after_crash(
    backend: str, target: str, trial: int, acked: dict[str, int], figures: Counter[str]
) -> None:
    torn = 0
    if backend == "jsonl":
        raw = Path(target).read_bytes()
        torn = len(raw) - committed_end(raw)
    if backend == "postgresql":
        # a killed client's transaction ends on the server a moment later (its COMMIT may
        # have been sent): wait for the writers' lock it held, then look
        with open_log(target) as waiting, waiting.exclusive():
            pass

    with open_log(target) as log:
        # readers see only whole batches, and need no recovery
        records = list(log.read())
        check = log.verify()
        assert check.ok, f"trial {trial}: {check}"
        if torn:
            with pytest.warns(TornTailWarning, match=r"\.torn-"):
                log.append([sample_event(0, id=f"after-{trial}")])
            (aside,) = Path(target).parent.glob(f"{Path(target).name}.torn-*")
            assert aside.read_bytes() == raw[len(raw) - torn :]
        else:
            log.append([sample_event(0, id=f"after-{trial}")])
        after = log.verify()
        assert after.ok and after.head == len(records) + 1, str(after)

    found = Counter(batch_of(r.event.id)[0] for r in records)
    sizes = list(islice(crash_batch_sizes(trial), len(found) + 1))
    prefix = f"t{trial}-b"
    # every acknowledged batch is there, whole
    for batch, size in acked.items():
        assert found[batch] == size, f"trial {trial}: {batch} acknowledged, {found[batch]} found"
    # every batch there is whole, and they are the writer's first ones, in order
    assert [batch_of(r.event.id)[0] for r in records] == [
        f"{prefix}{n}" for n in range(len(found)) for _ in range(sizes[n])
    ], f"trial {trial}: a partial or out-of-order batch"
    # at most the one batch in flight was committed without its acknowledgement
    assert len(acked) <= len(found) <= len(acked) + 1
    figures["trials"] += 1
    figures["batches_acknowledged"] += len(acked)
    figures["events_acknowledged"] += sum(acked.values())
    figures["events_found"] += len(records)
    figures["committed_unacknowledged_batches"] += len(found) - len(acked)
    figures["torn_tails"] += bool(torn)
    figures["torn_bytes"] += torn


# -- tampering ---------------------------------------------------------------------------


@pytest.fixture
def tamper_log(tmp_path: Path) -> Path:
    """Six single-event batches, then one batch of three (lines 7-9)."""
    path = tmp_path / "log.jsonl"
    with open_log(path) as log:
        for n in range(6):
            log.append([sample_event(n, id=f"e{n}")])
        log.append([sample_event(n, id=f"e{n}") for n in range(6, 9)])
        assert log.verify().ok
    return path


def verify_file(path: Path) -> Any:
    with open_log(path) as log:
        return log.verify()


def rewrite(path: Path, change: Any) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(change(lines)))


def test_verify_reports_an_edited_line(tamper_log: Path) -> None:
    def edit(lines: list[bytes]) -> list[bytes]:
        assert b"Abu Kamal" in lines[4]
        lines[4] = lines[4].replace(b"Abu Kamal", b"Abu Kamel")
        return lines

    rewrite(tamper_log, edit)
    result = verify_file(tamper_log)
    assert not result.ok
    assert (result.position, result.line, result.checked) == (5, 5, 4)
    assert "edited" in result.problem
    assert re.search(r"log\.jsonl, line 5, position 5", str(result)), str(result)


def test_verify_reports_a_removed_line(tamper_log: Path) -> None:
    rewrite(tamper_log, lambda lines: lines[:2] + lines[3:])
    result = verify_file(tamper_log)
    assert not result.ok
    # line 3 now holds position 4: the first record that is not where it should be
    assert (result.line, result.position, result.checked) == (3, 4, 2)
    assert "removed" in result.problem


def test_verify_reports_a_line_removed_from_a_batch(tamper_log: Path) -> None:
    rewrite(tamper_log, lambda lines: lines[:7] + lines[8:])
    result = verify_file(tamper_log)
    assert not result.ok
    assert (result.line, result.checked) == (8, 7)
    assert "batch markers" in result.problem or "removed" in result.problem


def test_verify_reports_two_lines_swapped(tamper_log: Path) -> None:
    rewrite(tamper_log, lambda lines: [*lines[:1], lines[2], lines[1], *lines[3:]])
    result = verify_file(tamper_log)
    assert not result.ok
    assert (result.line, result.position, result.checked) == (2, 3, 1)
    assert "reordered" in result.problem


def test_verify_reports_an_inserted_copy(tamper_log: Path) -> None:
    rewrite(tamper_log, lambda lines: [*lines[:4], lines[1], *lines[4:]])
    result = verify_file(tamper_log)
    assert not result.ok
    assert (result.line, result.position, result.checked) == (5, 2, 4)
    assert "inserted" in result.problem


def test_verify_reports_a_rehashed_edit(tamper_log: Path) -> None:
    """An edit whose own hash was recomputed still breaks the next record's link."""
    from sitrep_core.stores._log import chain_hash

    def forge(lines: list[bytes]) -> list[bytes]:
        data = orjson.loads(lines[2])
        data["event"]["notes"] = "forged"
        event = orjson.dumps(data["event"])
        data["hash"] = chain_hash(data["position"], data["prev"], event)
        lines[2] = orjson.dumps(data) + b"\n"
        return lines

    rewrite(tamper_log, forge)
    result = verify_file(tamper_log)
    assert not result.ok
    assert (result.line, result.position, result.checked) == (4, 4, 3)
    assert "link" in result.problem


def test_verify_reports_a_line_that_is_not_a_record(tamper_log: Path) -> None:
    rewrite(tamper_log, lambda lines: [*lines[:3], b"hello\n", *lines[3:]])
    result = verify_file(tamper_log)
    assert not result.ok
    assert (result.line, result.checked) == (4, 3)
    assert "not a log record" in result.problem
