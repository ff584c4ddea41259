"""``sitrep verify``: exit 0 with a summary, or exit 1 naming the first bad record."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from _clitools import STATEMENT, Sitrep, jsonl


def test_verify_a_sound_log(sitrep: Sitrep, log_target: str) -> None:
    sitrep("init", log_target, ok=True)
    sitrep("append", log_target, input=jsonl(STATEMENT), ok=True)
    done = sitrep("verify", log_target)
    assert done.code == 0
    assert done.out.count("\n") == 1
    assert "ok: 1 records, head 1 " in done.out


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        pytest.param(
            lambda lines: lines.__setitem__(1, lines[1].replace(b"McGurk", b"McGurq")),
            "line 2, position 2: the content does not match its hash (the record was edited)",
            id="edited",
        ),
        pytest.param(
            lambda lines: lines.pop(1),
            "line 2, position 3: ",
            id="removed",
        ),
        pytest.param(
            lambda lines: lines.__setitem__(2, b"{not json\n"),
            "line 3, position 3: not a log record",
            id="garbled",
        ),
        pytest.param(
            lambda lines: lines.insert(1, lines[2]),
            "line 2, position 3: ",
            id="duplicated",
        ),
    ],
)
def test_a_log_edited_by_hand_exits_1(
    sitrep: Sitrep, story_log: Path, edit: object, problem: str
) -> None:
    lines = story_log.read_bytes().splitlines(keepends=True)
    edit(lines)  # type: ignore[operator]
    story_log.write_bytes(b"".join(lines))
    done = sitrep("verify", story_log)
    assert done.code == 1
    assert done.out == ""
    assert len(done.err_lines) == 1
    assert done.err.startswith(f"broken at {story_log}, {problem}")


def test_a_sqlite_log_edited_by_hand_exits_1(sitrep: Sitrep, tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    sitrep("init", path, ok=True)
    sitrep("append", path, input=jsonl(STATEMENT), ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE sitrep_events SET event = replace(event, 'McGurk', 'McGurq')")
    conn.close()
    done = sitrep("verify", path)
    assert done.code == 1
    assert len(done.err_lines) == 1
    assert "position 1: the content does not match its hash" in done.err


def test_verify_a_missing_log(sitrep: Sitrep, tmp_path: Path) -> None:
    done = sitrep("verify", tmp_path / "nothing.jsonl")
    assert done.code == 2
    assert done.err_lines == [f"{tmp_path / 'nothing.jsonl'}: no such log"]
