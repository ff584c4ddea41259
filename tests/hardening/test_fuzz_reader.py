"""The stored-log reader under damaged files: a CorruptLogError, a failed verify, or a
documented recovery (a torn tail set aside, kept whole); never a crash, never a hang.

The JSON Lines log of the seed example has bytes flipped, cut, inserted, deleted or
repeated; then it is opened, read, verified, looked up and appended to. What
verifies is exactly a prefix of what was written; what is cut off is kept aside.
Opening a directory or a binary file, and the command line over damaged logs, too.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest
from _hardening import fuzz_settings, mutated, seed_lines, time_limit
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sitrep_core import Codec, CorruptLogError, Statement, TornTailWarning, open_log
from sitrep_core.stores._jsonl import JsonlLog

CODEC = Codec()
BATCHES = (1, 2, 5, 10, 1, 20, 3, 30, 22)
"""How the seed's 86 events are appended: batches of several sizes, so the file holds
batch markers of every kind."""


@cache
def seed_log() -> tuple[bytes, tuple[bytes, ...]]:
    """The bytes of the seed example's log, and each record's event as stored."""
    events = [CODEC.decode(line) for line in seed_lines()]
    assert sum(BATCHES) == len(events)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "seed.jsonl"
        with JsonlLog(path, codec=CODEC) as log:
            start = 0
            for size in BATCHES:
                log.append(events[start : start + size])
                start += size
            stored = tuple(CODEC.encode(r.event) for r in log.read())
        return path.read_bytes(), stored


def torn_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.torn-*"))


NEW = Statement(
    id="fuzz-new",
    occurred="2017-09-06",
    recorded="2017-09-06T12:00:00Z",
    speaker="desk",
    subject="log",
    stances=("neutral",),
)


@cache
def new_line() -> bytes:
    return CODEC.encode(NEW)


def exercise(path: Path) -> dict[str, Any]:
    """Open, read, verify, look up and append to a log file that may be damaged.

    Returns what happened; raises on any error but CorruptLogError (and on a hang).
    """
    original, stored = seed_log()
    damaged = path.read_bytes()
    seen: dict[str, Any] = {}
    with time_limit(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with JsonlLog(path, codec=CODEC, create=False) as log:
            try:
                records = list(log.read())
            except CorruptLogError as exc:
                assert exc.source == str(path)
                records = None
            result = log.verify()
            seen["verified"] = result.ok
            if result.ok:
                # what verifies is what was written, up to some record
                assert records is not None
                assert [r.position for r in records] == list(range(1, len(records) + 1))
                assert [CODEC.encode(r.event) for r in records] == list(stored[: len(records)])
                assert log.head == len(records) == result.head
            else:
                assert result.problem and "\n" not in result.problem
            for event_id in ("qal-001-actor-isis", "qal-086-statement", "nowhere"):
                try:
                    found = log.get(event_id)
                except CorruptLogError:
                    continue
                if found is not None:
                    assert found.event.id == event_id
            try:
                appended = log.append([NEW])
            except CorruptLogError as exc:
                seen["appended"] = False
                assert exc.source == str(path)
            else:
                seen["appended"] = True
                if result.ok:
                    assert appended.head == len(records or []) + 1
                    assert log.verify().ok
                    assert [r.event.id for r in log.read()][-1] == NEW.id
    assert all(issubclass(w.category, TornTailWarning) for w in caught), [
        str(w.message) for w in caught
    ]
    # nothing was lost: the file is what it was, with a tail set aside, plus the new line
    after = path.read_bytes()
    aside = b"".join(p.read_bytes() for p in torn_files(path))
    seen["torn"] = len(aside)
    if seen.get("appended"):
        kept = after[: len(after) - len(after.split(b"\n")[-2]) - 1]
        assert kept + aside == damaged, "the append changed what was already there"
        assert after.endswith(b'"event":' + new_line() + b"}\n")
    else:
        assert after == damaged and not aside
    assert bool(caught) == bool(aside)
    seen["same"] = damaged == original
    return seen


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def test_the_undamaged_seed_log_reads_verifies_and_appends(folder: Path) -> None:
    path = folder / "log.jsonl"
    path.write_bytes(seed_log()[0])
    seen = exercise(path)
    assert seen == {"verified": True, "appended": True, "torn": 0, "same": True}


@fuzz_settings
@given(st.data())
def test_a_damaged_log_is_refused_or_recovered_never_a_crash(data: st.DataObject) -> None:
    original, _ = seed_log()
    damaged = data.draw(mutated(original, 3), label="damaged")
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "log.jsonl"
        path.write_bytes(damaged)
        exercise(path)


@fuzz_settings
@given(st.data())
def test_a_damaged_line_is_refused_or_recovered_never_a_crash(data: st.DataObject) -> None:
    """One line damaged at a time, so each kind of damage is tried on every field."""
    original, _ = seed_log()
    lines = original.splitlines(keepends=True)
    index = data.draw(st.integers(0, len(lines) - 1), label="line")
    lines[index] = data.draw(mutated(lines[index], 2), label="damaged")
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "log.jsonl"
        path.write_bytes(b"".join(lines))
        exercise(path)


@fuzz_settings
@given(st.data())
def test_lines_removed_repeated_or_swapped(data: st.DataObject) -> None:
    original, _ = seed_log()
    lines = original.splitlines(keepends=True)
    how = data.draw(st.sampled_from(("remove", "repeat", "swap", "replace")))
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines) - 1))
    if how == "remove":
        del lines[i]
    elif how == "repeat":
        lines.insert(j, lines[i])
    elif how == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    else:
        record = orjson.loads(lines[i])
        field = data.draw(st.sampled_from(("position", "prev", "hash", "more", "event")))
        record[field] = data.draw(
            st.sampled_from(
                (None, 0, -1, 2**63 - 1, 1.5, "", "x" * 64, "\u00e9" * 64, [], {}, {"id": [1]})
            )
        )
        lines[i] = orjson.dumps(record) + b"\n"
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "log.jsonl"
        path.write_bytes(b"".join(lines))
        seen = exercise(path)
        if how in ("remove", "repeat", "swap") and b"".join(lines) != original:
            # a whole line gone, doubled or moved is never taken for a good log
            assert not seen["verified"] or (how == "remove" and i == len(lines))


# -- what is not a log at all --------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


@pytest.mark.parametrize(
    "content",
    [
        PNG,
        bytes(range(256)) * 8,
        b"hello world\n",
        b"# notes\nnot a log at all\n",
        b"hello world",  # no newline at all
        b'{"position":1}\n',
        b"[]\n",
        b"\xef\xbb\xbf" + seed_lines()[0] + b"\n",
    ],
    ids=["png", "binary", "text", "two-lines", "no-newline", "json", "array", "event-line"],
)
def test_a_file_that_is_not_a_log_is_refused_and_left_alone(content: bytes, folder: Path) -> None:
    path = folder / "notes.jsonl"
    path.write_bytes(content)
    log = JsonlLog(path, codec=CODEC, create=False)
    with time_limit(), log:
        if b"\n" in content:
            with pytest.raises(CorruptLogError) as caught:
                list(log.read())
            assert caught.value.source == str(path) and caught.value.line == 1
        # without a newline it might be a first write in progress to a reader, but
        # verify and writers see it is not the start of a record
        assert not log.verify().ok
        with pytest.raises(CorruptLogError):
            log.append([NEW])
        with pytest.raises(CorruptLogError):
            log.recover()
    assert path.read_bytes() == content
    assert torn_files(path) == []


def test_open_log_on_a_directory_is_an_os_error(folder: Path) -> None:
    for name in ("dir.jsonl", "dir.sqlite"):
        target = folder / name
        target.mkdir()
        with pytest.raises((IsADirectoryError, CorruptLogError)) as caught:
            open_log(target, codec=CODEC)
        assert str(target) in str(caught.value) or name in str(caught.value)


def test_open_log_on_a_binary_sqlite_file_is_a_corrupt_log(folder: Path) -> None:
    path = folder / "binary.sqlite"
    path.write_bytes(PNG * 16)
    with pytest.raises(CorruptLogError, match="not a database"):
        open_log(path, codec=CODEC)
    assert path.read_bytes() == PNG * 16


# -- the command line over damaged logs ------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    from sitrep_core.cli._main import cli

    result = CliRunner().invoke(cli, list(args), prog_name="sitrep")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def damaged_logs(folder: Path) -> dict[str, Path]:
    original, _ = seed_log()
    lines = original.splitlines(keepends=True)
    made = {
        "binary": PNG * 4,
        "a line not json": b"".join([*lines[:3], b"{not json\n", *lines[3:]]),
        "an event that does not decode": b"".join(
            [*lines[:4], lines[4].replace(b'"type":"actor"', b'"type":"nothing"'), *lines[5:]]
        ),
        "an edited event": original.replace(b"Hezbollah", b"Hizbullah", 1),
        "a removed line": b"".join(lines[:10] + lines[11:]),
        "nested 100k deep": b"".join([*lines[:2], b"[" * 100_000 + b"\n", *lines[2:]]),
    }
    paths = {}
    for name, content in made.items():
        path = folder / f"{name.replace(' ', '-')}.jsonl"
        path.write_bytes(content)
        paths[name] = path
    return paths


def test_sitrep_log_and_verify_over_damaged_logs(folder: Path) -> None:
    for name, path in damaged_logs(folder).items():
        before = path.read_bytes()
        with time_limit(30):
            code, out, err = run("verify", str(path))
            assert code == 1, (name, code, out, err)  # a verification failure: exit 1
            assert len(err.splitlines()) == 1 and str(path) in err, (name, err)
            # every read checks the chain: listing a damaged log stops at the damage, a
            # broken chain as a failed verify (exit 1), what is no record as bad input
            code, out, err = run("log", str(path))
            broken = name in ("an edited event", "a removed line", "an event that does not decode")
            assert code == (1 if broken else 2), (name, code, out, err)
            assert len(err.splitlines()) == 1 and "Traceback" not in err, (name, err)
            assert err.startswith(str(path)), (name, err)
        assert path.read_bytes() == before, name


def test_sitrep_append_to_damaged_logs_changes_nothing(folder: Path) -> None:
    events = folder / "new.jsonl"
    events.write_bytes(new_line() + b"\n")
    for name, path in damaged_logs(folder).items():
        # a writer checks the chain it appends to: a damaged log takes nothing
        before = path.read_bytes()
        with time_limit(30):
            code, out, err = run("append", str(path), str(events))
        broken = name in ("an edited event", "a removed line", "an event that does not decode")
        assert code == (1 if broken else 2), (name, code, out, err)
        assert len(err.splitlines()) == 1 and err.startswith(str(path)), (name, err)
        assert path.read_bytes() == before, name
        assert torn_files(path) == []
