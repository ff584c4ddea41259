"""``sitrep init``: an empty log in any store; never over an existing one."""

from __future__ import annotations

from pathlib import Path

from _clitools import Sitrep, contents, snapshot


def test_init_creates_an_empty_log(sitrep: Sitrep, log_target: str) -> None:
    done = sitrep("init", log_target)
    assert done.code == 0, done.err
    assert done.out.startswith("created ")
    assert contents(log_target) == []
    assert sitrep("verify", log_target).code == 0


def test_init_refuses_an_existing_log(sitrep: Sitrep, log_target: str) -> None:
    sitrep("init", log_target, ok=True)
    sitrep(
        "add",
        log_target,
        "statement",
        "--occurred",
        "2017-08-29",
        "--speaker",
        "Abadi",
        "--subject",
        "deal",
        "--stance",
        "concerned",
        ok=True,
    )
    before = snapshot(log_target)
    again = sitrep("init", log_target)
    assert again.code == 2
    assert len(again.err_lines) == 1
    assert "not overwriting" in again.err or "already" in again.err
    assert snapshot(log_target) == before


def test_init_refuses_any_existing_file(sitrep: Sitrep, tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text("my notes\n")
    done = sitrep("init", path)
    assert done.code == 2
    assert done.err_lines == [f"{path}: already exists; not overwriting it"]
    assert path.read_text() == "my notes\n"


def test_init_in_a_missing_directory_is_one_line(sitrep: Sitrep, tmp_path: Path) -> None:
    done = sitrep("init", tmp_path / "nowhere" / "log.jsonl")
    assert done.code == 2
    assert len(done.err_lines) == 1
    assert "nowhere" in done.err


def test_init_sqlite_url(sitrep: Sitrep, tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    sitrep("init", f"sqlite://{path}", ok=True)
    assert path.exists()
    assert sitrep("init", f"sqlite://{path}").code == 2
