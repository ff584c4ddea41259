"""Errors: one readable line each on stderr, the right exit code, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from _clitools import Sitrep

from sitrep_core import ConflictError, CorruptLogError, DuplicateIdError, ValidationError
from sitrep_core.cli._failures import Failure, failure_for
from sitrep_core.codec._codec import InputErrors
from sitrep_core.errors import PluginError


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bogus"], "sitrep: No such command 'bogus'. (see 'sitrep --help')"),
        (["log"], "sitrep log: Missing argument 'LOG'. (see 'sitrep log --help')"),
        (
            ["log", "x.jsonl", "--limit", "many"],
            "sitrep log: Invalid value for '--limit': 'many' is not a valid integer range. "
            "(see 'sitrep log --help')",
        ),
        (["--bogus"], "sitrep: No such option '--bogus'. (see 'sitrep --help')"),
    ],
)
def test_usage_errors_are_one_line_exit_2(sitrep: Sitrep, args: list[str], message: str) -> None:
    done = sitrep(*args)
    assert done.code == 2
    assert done.err_lines == [message]
    assert done.out == ""


def test_every_command_has_help_with_examples(sitrep: Sitrep) -> None:
    top = sitrep("--help", ok=True).out
    commands = [
        "init", "append", "add", "log", "replay", "render", "changes",
        "verify", "plugins", "schema", "copy", "follow",
    ]  # fmt: skip
    for name in commands:
        assert f"  {name} " in top
        page = sitrep(name, "--help", ok=True).out
        assert "Examples:" in page, name
        assert f"sitrep {name}" in page.split("Examples:")[1], name


def test_version(sitrep: Sitrep) -> None:
    assert sitrep("--version", ok=True).out.startswith("sitrep, version ")


@pytest.mark.parametrize(
    ("error", "code", "lines"),
    [
        (
            ValidationError("bad", source="e.jsonl", line=3, field="x"),
            2,
            ["e.jsonl, line 3, field x: bad"],
        ),
        (
            InputErrors([ValidationError("a", line=1), ValidationError("b", line=4)]),
            2,
            ["line 1: a", "line 4: b"],
        ),
        (ConflictError("moved on"), 1, ["conflict: moved on; nothing was appended"]),
        (DuplicateIdError("e1", 3), 1, None),
        (
            CorruptLogError("not a log record", source="l.jsonl", line=2),
            2,
            ["l.jsonl, line 2: not a log record"],
        ),
        (PluginError("broken", plugin="p"), 2, ["plugin 'p': broken"]),
        (
            FileNotFoundError(2, "No such file or directory", "x.jsonl"),
            2,
            ["x.jsonl: no such file or directory"],
        ),
        (ValueError("not a PostgreSQL URL: x\ny"), 2, ["not a PostgreSQL URL: x y"]),
    ],
)  # fmt: skip
def test_library_errors_map_to_one_line_and_a_code(
    error: Exception, code: int, lines: list[str] | None
) -> None:
    failure = failure_for(error)
    assert isinstance(failure, Failure)
    assert failure.exit_code == code
    if lines is not None:
        assert failure.lines == lines
    assert all("\n" not in line for line in failure.lines)


def test_bugs_are_not_mapped() -> None:
    assert failure_for(KeyError("x")) is None
    assert failure_for(AttributeError("x")) is None


def test_debug_shows_the_traceback(script, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    quiet = script("log", tmp_path / "missing.jsonl")
    assert quiet.returncode == 2
    assert quiet.stderr == f"{tmp_path / 'missing.jsonl'}: no such log\n"
    loud = script("log", tmp_path / "missing.jsonl", SITREP_DEBUG="1")
    assert loud.returncode != 0
    assert "Traceback (most recent call last)" in loud.stderr
    assert "FileNotFoundError" in loud.stderr


def test_a_postgres_url_that_does_not_parse(sitrep: Sitrep) -> None:
    done = sitrep("log", "postgresql://[::1")
    assert done.code == 2
    assert len(done.err_lines) == 1


def test_a_directory_as_log(sitrep: Sitrep, tmp_path: Path) -> None:
    done = sitrep("log", tmp_path)
    assert done.code == 2
    assert len(done.err_lines) == 1


def test_a_log_file_that_is_not_a_log(sitrep: Sitrep, tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text("shopping list\nmilk\n")
    for args in (["log", path], ["replay", path], ["changes", path, "--since", "2017"]):
        done = sitrep(*args)
        assert done.code == 2, args
        assert len(done.err_lines) == 1
        assert done.err.startswith(f"{path}, line 1: not a log record")
    verify = sitrep("verify", path)
    assert verify.code == 1
    assert verify.err_lines == [
        f"broken at {path}, line 1, position 1: not a log record (not the JSON of one)"
    ]
    assert path.read_text() == "shopping list\nmilk\n"
