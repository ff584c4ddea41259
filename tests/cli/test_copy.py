"""``sitrep copy``: a log into another store, same chain, resumable, verified first."""

from __future__ import annotations

from pathlib import Path

import pytest
from _clitools import HALT, STATEMENT, Sitrep, contents, jsonl


def test_copy_into_any_store(sitrep: Sitrep, story_log: Path, log_target: str) -> None:
    done = sitrep("copy", story_log, log_target)
    assert done.code == 0, done.err
    assert done.out.startswith("copied 4 records (0 were there already); head 4 ")
    assert contents(log_target) == contents(story_log)
    assert sitrep("verify", log_target).code == 0


def test_copy_again_copies_what_is_new(sitrep: Sitrep, story_log: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite"
    sitrep("copy", story_log, target, ok=True)
    again = sitrep("copy", story_log, target, ok=True)
    assert again.out.startswith("copied 0 records (4 were there already)")
    sitrep("add", story_log, "statement", "--occurred", "2017-09-05", "--speaker", "Townsend",
           "--subject", "convoy", "--stance", "condemns", ok=True)  # fmt: skip
    more = sitrep("copy", story_log, target, ok=True)
    assert more.out.startswith("copied 1 records (4 were there already); head 5 ")
    assert contents(target) == contents(story_log)


def test_copy_into_another_log_is_a_conflict(sitrep: Sitrep, tmp_path: Path) -> None:
    source, target = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    sitrep("init", source, ok=True)
    sitrep("init", target, ok=True)
    sitrep("append", source, input=jsonl(STATEMENT), ok=True)
    sitrep("append", target, input=jsonl(HALT), ok=True)
    before = target.read_bytes()
    done = sitrep("copy", source, target)
    assert done.code == 1
    assert len(done.err_lines) == 1
    assert "not a copy of it" in done.err
    assert target.read_bytes() == before


def test_copy_of_a_broken_log_exits_1(sitrep: Sitrep, story_log: Path, tmp_path: Path) -> None:
    story_log.write_bytes(story_log.read_bytes().replace(b"McGurk", b"McGurq"))
    target = tmp_path / "copy.jsonl"
    done = sitrep("copy", story_log, target)
    assert done.code == 1
    assert len(done.err_lines) == 1
    assert "does not verify" in done.err
    assert not target.exists()  # a failed copy leaves no new log behind


def test_copy_of_a_missing_log(sitrep: Sitrep, tmp_path: Path) -> None:
    done = sitrep("copy", tmp_path / "missing.jsonl", tmp_path / "copy.jsonl")
    assert done.code == 2
    assert done.err_lines == [f"{tmp_path / 'missing.jsonl'}: no such log"]
    assert not (tmp_path / "copy.jsonl").exists()


@pytest.mark.parametrize("name", ["copy.jsonl", "copy.sqlite"])
def test_a_copy_that_fails_leaves_no_new_log(
    sitrep: Sitrep, story_log: Path, tmp_path: Path, name: str
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(jsonl(STATEMENT, HALT), encoding="utf-8")
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("shopping list\n", encoding="utf-8")
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(story_log.read_bytes().replace(b"McGurk", b"McGurq"))
    stale = tmp_path / f"{name}-stale-notes.txt"  # named after the log, there before: kept
    stale.write_text("kept")
    before = sorted(tmp_path.iterdir())
    for source, code in ((events, 2), (garbage, 1), (broken, 1)):
        done = sitrep("copy", source, tmp_path / name)
        assert done.code == code, (source, done.err)
        assert len(done.err_lines) == 1
        assert sorted(tmp_path.iterdir()) == before, source


def test_a_copy_that_fails_leaves_an_existing_log_as_it_was(
    sitrep: Sitrep, story_log: Path, tmp_path: Path
) -> None:
    target = tmp_path / "desk.sqlite"
    sitrep("init", target, ok=True)
    events = tmp_path / "events.jsonl"
    events.write_text(jsonl(STATEMENT), encoding="utf-8")
    assert sitrep("copy", events, target).code == 2
    assert target.exists() and contents(target) == []
    sitrep("copy", story_log, target, ok=True)
    story_log.write_bytes(story_log.read_bytes().replace(b"McGurk", b"McGurq"))
    assert sitrep("copy", story_log, target).code == 1
    assert len(contents(target)) == 4
