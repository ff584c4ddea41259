"""Fixtures of the command-line tests: a runner, the installed script, logs and inputs.

``log_target`` here names a new, empty log of a store that outlives one command:
JSON Lines, SQLite, and PostgreSQL when ``SITREP_TEST_POSTGRES_URL`` names a server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _clitools import (
    EVACUATION,
    HALT,
    SCRIPT,
    STATEMENT_RECORDED,
    STRIKE,
    Outcome,
    Sitrep,
    jsonl,
)
from click.testing import CliRunner

from sitrep_core import open_log
from sitrep_core.cli import cli

CLI_BACKENDS = ("jsonl", "sqlite", "postgresql")


@pytest.fixture(params=CLI_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The stores a log must outlive a command in (memory cannot)."""
    return str(request.param)


@pytest.fixture
def sitrep(monkeypatch: pytest.MonkeyPatch) -> Sitrep:
    """``sitrep("log", path, input=..., env=...)``: run the command in-process, as the
    script would.

    An error that escapes the command (a bug, not bad input) fails the test with it.
    """
    monkeypatch.delenv("SITREP_DEBUG", raising=False)

    def run(
        *args: str | Path,
        input: str | bytes | None = None,
        ok: bool = False,
        env: dict[str, str] | None = None,
    ) -> Outcome:
        result = CliRunner().invoke(
            cli, [str(a) for a in args], input=input, prog_name="sitrep", env=env
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        outcome = Outcome(result.exit_code, result.stdout, result.stderr)
        if ok:
            assert outcome.code == 0, outcome.err
        return outcome

    return run


@pytest.fixture
def script() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``sitrep`` script in a process of its own."""
    found = str(SCRIPT) if SCRIPT.exists() else shutil.which("sitrep")
    if found is None:
        pytest.skip("the sitrep script is not installed next to this Python")

    def run(
        *args: str | Path, input: str | None = None, cwd: Path | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        environ = {k: v for k, v in os.environ.items() if k != "SITREP_DEBUG"}
        environ.update(env)
        return subprocess.run(
            [found, *map(str, args)],
            input=input,
            capture_output=True,
            text=True,
            cwd=cwd,
            env=environ,
            timeout=60,
        )

    return run


@pytest.fixture
def write_events(tmp_path: Path) -> Callable[..., Path]:
    """``write_events(event, ..., name="events.jsonl")``: a JSON Lines file in tmp_path."""

    def write(*events: dict[str, Any], name: str = "events.jsonl") -> Path:
        path = tmp_path / name
        path.write_text(jsonl(*events), encoding="utf-8")
        return path

    return write


@pytest.fixture
def jsonl_log(tmp_path: Path, sitrep: Sitrep) -> Path:
    """A JSON Lines log made with ``sitrep init``, empty."""
    path = tmp_path / "log.jsonl"
    sitrep("init", path, ok=True)
    return path


@pytest.fixture
def story_log(tmp_path: Path) -> Iterator[Path]:
    """A JSON Lines log of the convoy's first days, each block recorded at its moment."""
    path = tmp_path / "story.jsonl"
    with open_log(path) as log:
        codec = log.codec
        log.append([codec.from_dict(e) for e in (EVACUATION, STATEMENT_RECORDED)])
        log.append([codec.from_dict(e) for e in (STRIKE, HALT)])
    yield path
