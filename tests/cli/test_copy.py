"""``sitrep copy``: a log into another store, same chain, resumable, verified first."""

from __future__ import annotations

from pathlib import Path

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
    assert contents(target) == []


def test_copy_of_a_missing_log(sitrep: Sitrep, tmp_path: Path) -> None:
    done = sitrep("copy", tmp_path / "missing.jsonl", tmp_path / "copy.jsonl")
    assert done.code == 2
    assert done.err_lines == [f"{tmp_path / 'missing.jsonl'}: no such log"]
    assert not (tmp_path / "copy.jsonl").exists()
