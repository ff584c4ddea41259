"""Faults on append: a full disk, a write or fsync that fails part-way, writers killed.

After each fault: every acknowledged event is readable, no unacknowledged batch is
partly visible (to a reader, or after a reopen), the chain verifies, and the next
append works. The multi-process trial starts several writers on one JSON Lines log
and kills them with SIGKILL at random moments; its figures are printed at the end
and kept in ``tests/artifacts/hardening_faults.json``::

    SITREP_FAULT_TRIALS=300 python -m pytest -n 0 tests/hardening/test_faults.py -k killed -s

``SITREP_FAULT_TRIALS`` (default 8) sets the number of trials, ``SITREP_FAULT_EXAMPLES``
(default 15) the number of fault sequences tried on each store; ``SITREP_TRIALS_SCALE``
multiplies both defaults (``tests/_trials.py``).
"""

from __future__ import annotations

import errno
import json
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any
from unittest import mock

import orjson
import pytest
from _fault_writer import batch_sizes
from _hardening import ARTIFACTS, time_limit
from _trials import trials
from _writers import sample_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitrep_core.stores._jsonl as jsonl_store
from sitrep_core import Event, StoreUnavailableError, TornTailWarning
from sitrep_core.stores._jsonl import JsonlLog
from sitrep_core.stores._sqlite import SqliteLog

TRIALS = trials("SITREP_FAULT_TRIALS", 8)
EXAMPLES = trials("SITREP_FAULT_EXAMPLES", 15)
WRITER = Path(__file__).parent / "_fault_writer.py"
WRITERS_PER_TRIAL = 3

fault_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

FIGURES: dict[str, Any] = {}

# the module's figures are written when it is done: its tests run in one process
pytestmark = pytest.mark.xdist_group("hardening-faults")


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[dict[str, Any]]:
    """Print the module's figures when it is done, and keep them in tests/artifacts/."""
    yield FIGURES
    if not FIGURES:
        return
    lines = ["", "fault figures:"]
    for name, counts in FIGURES.items():
        lines.append(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("\n".join(lines))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hardening_faults.json").write_text(json.dumps(FIGURES, indent=2) + "\n")


def batch(tag: str, size: int) -> list[Event]:
    return [sample_event(i, id=f"{tag}-e{i}") for i in range(size)]


def batch_counts(ids: list[str]) -> Counter[str]:
    return Counter(event_id.rpartition("-e")[0] for event_id in ids)


# -- a disk that fails, for the JSON Lines store -------------------------------------------

REAL_WRITE, REAL_FSYNC, REAL_FTRUNCATE = os.write, os.fsync, os.ftruncate

MODES = (
    "enospc",  # the disk fills after some bytes
    "enospc, truncate fails",  # ... and the half batch cannot be cut off either
    "fsync fails",  # every byte written, then fsync reports an I/O error
    "fsync fails, truncate fails",  # ... and the whole batch stays, unacknowledged
    "short writes",  # no failure: the kernel takes a few bytes at a time
)


class FailingDisk:
    """Patches os.write, os.fsync and os.ftruncate for one file descriptor."""

    def __init__(self, fd: int, mode: str, budget: int) -> None:
        self.fd, self.mode, self.budget = fd, mode, budget

    def write(self, fd: int, data: Any) -> int:
        if fd != self.fd:
            return REAL_WRITE(fd, data)
        if self.mode == "short writes":
            return REAL_WRITE(fd, bytes(data[: max(1, self.budget % 97)]))
        if self.mode.startswith("enospc"):
            if self.budget <= 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            take = min(len(data), self.budget)
            self.budget -= take
            return REAL_WRITE(fd, bytes(data[:take]))
        return REAL_WRITE(fd, data)

    def fsync(self, fd: int) -> None:
        if fd == self.fd and self.mode.startswith("fsync fails"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        REAL_FSYNC(fd)

    def ftruncate(self, fd: int, length: int) -> None:
        if fd == self.fd and self.mode.endswith("truncate fails"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        REAL_FTRUNCATE(fd, length)

    def __enter__(self) -> FailingDisk:
        os.write, os.fsync, os.ftruncate = self.write, self.fsync, self.ftruncate  # type: ignore[assignment]
        return self

    def __exit__(self, *_: object) -> None:
        os.write, os.fsync, os.ftruncate = REAL_WRITE, REAL_FSYNC, REAL_FTRUNCATE


def read_ids(path: Path) -> list[str]:
    """What a reader (no lock, no recovery) sees."""
    with JsonlLog(path, create=False) as reader:
        assert reader.verify().ok
        return [r.event.id for r in reader.read()]


steps = st.lists(
    st.tuples(st.integers(1, 40), st.sampled_from(MODES), st.integers(0, 30_000)),
    min_size=1,
    max_size=4,
)


@pytest.mark.parametrize("part", [jsonl_store.WRITE_LINES, 7], ids=["whole", "in parts"])
@fault_settings
@given(steps=steps, reopen=st.booleans())
def test_jsonl_append_on_a_failing_disk(
    part: int, steps: list[tuple[int, str, int]], reopen: bool
) -> None:
    """``part``: lines written at a time (a batch of more is written in several)."""
    counts = FIGURES.setdefault("jsonl disk faults", Counter())
    with (
        tempfile.TemporaryDirectory() as folder,
        time_limit(60),
        mock.patch.object(jsonl_store, "WRITE_LINES", part),
    ):
        path = Path(folder) / "log.jsonl"
        log = JsonlLog(path)
        log.append(batch("first", 3))
        acked = {"first": 3}
        failed: dict[str, int] = {}
        for number, (size, mode, budget) in enumerate(steps):
            tag = f"s{number}"
            events = batch(tag, size)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    with FailingDisk(log._fileno(), mode, budget):
                        log.append(events)
                except StoreUnavailableError as exc:
                    # the path, and whether anything of the batch may be in the log
                    assert exc.source == str(path)
                    assert exc.committed in (False, None)
                    assert ("no space left" in str(exc)) or ("input/output" in str(exc))
                    failed[tag] = size
                    counts["appends failed"] += 1
                else:
                    acked[tag] = size
                    counts["appends acknowledged"] += 1
            assert all(issubclass(w.category, TornTailWarning) for w in caught)
            counts["torn tails set aside"] += len(caught)
            # a reader sees every acknowledged batch and no part of a failed one
            seen = batch_counts(read_ids(path))
            for name, count in acked.items():
                assert seen[name] == count, (name, seen)
            for name, count in failed.items():
                assert seen[name] in (0, count), (name, seen)
            if reopen:
                log.close()
                log = JsonlLog(path)
        # the disk has room again: the next append works, and a retry of a failed batch
        # stores it exactly once
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for tag, size in failed.items():
                log.append(batch(tag, size))
            log.append(batch("after", 2))
        assert all(issubclass(w.category, TornTailWarning) for w in caught)
        counts["torn tails set aside"] += len(caught)
        assert log.verify().ok
        log.close()
        ids = read_ids(path)
        assert len(ids) == len(set(ids))
        assert batch_counts(ids) == Counter({**acked, **failed, "after": 2})
        counts["sequences"] += 1


# -- a full disk, for the SQLite store -----------------------------------------------------


@fault_settings
@given(
    steps=st.lists(st.tuples(st.integers(1, 120), st.integers(0, 6)), min_size=1, max_size=4),
    reopen=st.booleans(),
)
def test_sqlite_append_on_a_full_disk(steps: list[tuple[int, int]], reopen: bool) -> None:
    """SQLite's max_page_count stands for the disk: past it, SQLITE_FULL, as on ENOSPC."""
    counts = FIGURES.setdefault("sqlite disk full", Counter())
    with tempfile.TemporaryDirectory() as folder, time_limit(60):
        path = Path(folder) / "log.sqlite"
        log = SqliteLog(path)
        log.append(batch("first", 3))
        acked = {"first": 3}
        failed: dict[str, int] = {}
        for number, (size, room) in enumerate(steps):
            tag = f"s{number}"
            conn = log._connection()
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + room}")
            try:
                log.append(batch(tag, size))
            except StoreUnavailableError as exc:
                assert exc.committed is False and "full" in str(exc)
                failed[tag] = size
                counts["appends failed"] += 1
            else:
                acked[tag] = size
                counts["appends acknowledged"] += 1
            with SqliteLog(path, create=False) as reader:
                assert reader.verify().ok
                seen = batch_counts([r.event.id for r in reader.read()])
            for name, count in acked.items():
                assert seen[name] == count
            for name in failed:
                assert seen[name] == 0  # rolled back whole
            if reopen:
                log.close()
                log = SqliteLog(path)
        log._connection().execute("PRAGMA max_page_count = 1073741823")
        for tag, size in failed.items():
            log.append(batch(tag, size))
        log.append(batch("after", 2))
        assert log.verify().ok
        log.close()
        with SqliteLog(path, create=False) as reader:
            ids = [r.event.id for r in reader.read()]
        assert batch_counts(ids) == Counter({**acked, **failed, "after": 2})
        counts["sequences"] += 1


def test_the_command_line_reports_a_full_disk_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sitrep_core.cli._main import cli

    path = tmp_path / "log.jsonl"
    JsonlLog(path).close()
    events = tmp_path / "events.jsonl"
    with JsonlLog(tmp_path / "scratch.jsonl") as scratch:
        events.write_bytes(b"".join(scratch.codec.encode(e) + b"\n" for e in batch("cli", 5)))
    real_open = os.open
    fds: list[int] = []

    def spying_open(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        fd = real_open(file, flags, *args, **kwargs)
        if str(file) == str(path) and flags & os.O_APPEND:
            fds.append(fd)
        return fd

    def full_write(fd: int, data: Any) -> int:
        if fd in fds:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return REAL_WRITE(fd, data)

    os.open, os.write = spying_open, full_write  # type: ignore[assignment]
    try:
        result = CliRunner().invoke(cli, ["append", str(path), str(events)], prog_name="sitrep")
    finally:
        os.open, os.write = real_open, REAL_WRITE
    assert fds, "the log was not opened for appending"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no space left" in result.stderr.lower()
    assert path.read_bytes() == b""


# -- writers killed at random moments ------------------------------------------------------


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


def start_writer(
    target: Path, prefix: str, seed: int, short: int | None
) -> subprocess.Popen[bytes]:
    args = [sys.executable, str(WRITER), str(target), "--prefix", prefix, "--seed", str(seed)]
    if short:
        args += ["--short-writes", str(short)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_ready(child: subprocess.Popen[bytes], timeout: float = 60) -> bytes:
    """Wait for the writer's ``ready``; what it printed after it, already read.

    The pipe is read unbuffered: ``communicate`` reads the descriptor itself, so what a
    buffered ``readline`` took in beyond its line would be lost.
    """
    assert child.stdout is not None
    fd, got = child.stdout.fileno(), b""
    deadline = time.monotonic() + timeout
    while b"\n" not in got and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:
            break
        got += chunk
    first, _, rest = got.partition(b"\n")
    if first != b"ready":
        child.kill()
        _, err = child.communicate(timeout=30)
        raise AssertionError(f"writer did not start: {got!r} {err.decode()}")
    return rest


def run_trial(folder: Path, trial: int, rng: random.Random) -> Counter[str]:
    """Several writers on one log, each killed at a random moment; check and count."""
    path = folder / f"trial{trial}.jsonl"
    JsonlLog(path).close()
    prefixes = [f"t{trial}w{n}" for n in range(WRITERS_PER_TRIAL)]
    seeds = [trial * 100 + n for n in range(WRITERS_PER_TRIAL)]
    shorts = [rng.choice((None, 4096, 512)) for _ in prefixes]
    children = [
        start_writer(path, p, s, short) for p, s, short in zip(prefixes, seeds, shorts, strict=True)
    ]
    acked: dict[str, dict[str, int]] = {}
    early: dict[int, bytes] = {}
    try:
        for child in children:
            early[child.pid] = wait_ready(child)
        time.sleep(rng.uniform(0.0, 0.25))
        for child in rng.sample(children, len(children)):
            child.send_signal(signal.SIGKILL)
            time.sleep(rng.uniform(0.0, 0.05))
    finally:
        for prefix, child in zip(prefixes, children, strict=True):
            child.kill()
            out, err = child.communicate(timeout=30)
            assert child.returncode == -signal.SIGKILL, err.decode()
            acked[prefix] = {}
            for line in (early.get(child.pid, b"") + out).splitlines(keepends=True):
                if line.startswith(b"ack ") and line.endswith(b"\n"):
                    _, acked_batch, size = line.split()
                    acked[prefix][acked_batch.decode()] = int(size)

    raw = path.read_bytes()
    torn = len(raw) - committed_end(raw)
    # a writer still running sets aside the tail of one killed before it
    set_aside = set(path.parent.glob(f"{path.name}.torn-*"))
    with JsonlLog(path, create=False) as log:
        records = list(log.read())  # a reader needs no recovery
        check = log.verify()
        assert check.ok, f"trial {trial}: {check}"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            log.append([sample_event(0, id=f"after-{trial}")])
        assert [w.category for w in caught] == ([TornTailWarning] if torn else [])
        after = log.verify()
        assert after.ok and after.head == len(records) + 1, str(after)
    if torn:
        (aside,) = set(path.parent.glob(f"{path.name}.torn-*")) - set_aside
        assert aside.read_bytes() == raw[len(raw) - torn :]

    ids = [r.event.id for r in records]
    assert len(ids) == len(set(ids)), f"trial {trial}: an event stored twice"
    found = batch_counts(ids)
    # batches never interleave: each one's records are consecutive
    starts: dict[str, int] = {}
    for position, event_id in enumerate(ids):
        name = event_id.rpartition("-e")[0]
        starts.setdefault(name, position)
        assert position - starts[name] == int(event_id.rpartition("-e")[2]), event_id
    counts = Counter[str]()
    for prefix, seed in zip(prefixes, seeds, strict=True):
        mine = {name: n for name, n in found.items() if name.startswith(f"{prefix}-")}
        sizes = list(islice(batch_sizes(seed), len(mine) + 1))
        # each writer's batches there are its first ones, each whole
        assert sorted(mine, key=lambda b: int(b.rpartition("-b")[2])) == [
            f"{prefix}-b{n}" for n in range(len(mine))
        ], f"trial {trial}: {sorted(mine)}"
        for name, count in mine.items():
            assert count == sizes[int(name.rpartition("-b")[2])], f"trial {trial}: {name} partial"
        # every acknowledged batch is there; at most the one in flight is there unacknowledged
        for name, acked_size in acked[prefix].items():
            assert mine.get(name) == acked_size, f"trial {trial}: {name} acknowledged, not found"
        assert len(acked[prefix]) <= len(mine) <= len(acked[prefix]) + 1
        counts["batches acknowledged"] += len(acked[prefix])
        counts["events acknowledged"] += sum(acked[prefix].values())
        counts["batches committed, not yet acknowledged"] += len(mine) - len(acked[prefix])
    counts["trials"] += 1
    counts["writers killed"] += len(children)
    counts["events found"] += len(records)
    counts["torn tails set aside"] += bool(torn)
    counts["torn bytes"] += torn
    counts["torn tails set aside by surviving writers"] += len(set_aside)
    return counts


def test_writers_killed_at_random_lose_no_acknowledged_batch_and_leave_no_partial_one(
    tmp_path: Path,
) -> None:
    rng = random.Random(20170828)
    totals = Counter[str]()
    started = time.monotonic()
    for trial in range(TRIALS):
        totals += run_trial(tmp_path, trial, rng)
    totals["seconds"] = round(time.monotonic() - started)
    FIGURES["killed writers (jsonl)"] = {
        "trials": totals["trials"],
        "writers per trial": WRITERS_PER_TRIAL,
        **{k: v for k, v in totals.items() if k != "trials"},
    }
    assert totals["trials"] == TRIALS
    assert totals["events found"] >= totals["events acknowledged"]
