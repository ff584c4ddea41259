"""Logs this user may only read open for reading; logs it may not read say so, typed.

As root every file can be written, so where the tests run as root the refusals are
made by the operating system's calls themselves failing as they would for another
user (``EACCES``); run as another user, the real ``chmod`` test runs too.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _writers import sample_event
from click.testing import CliRunner

from sitrep_core import LogPermissionError, ReadOnlyLogError, open_log
from sitrep_core.cli._main import cli

REAL_OPEN = os.open
REAL_ACCESS = os.access


def refuse(path: Path, *, read: bool) -> Callable[..., Any]:
    """``os.open`` as it is for a user who may not write ``path`` (nor read it, if not
    ``read``)."""

    def opener(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(file) == path and (flags & (os.O_WRONLY | os.O_RDWR) or not read):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return REAL_OPEN(file, flags, *args, **kwargs)

    return opener


@pytest.fixture(params=["jsonl", "sqlite"])
def path(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    made = tmp_path / f"log.{request.param}"
    with open_log(made) as log:
        log.append([sample_event(0, id="a"), sample_event(1, id="b")])
    return made


def unwritable(monkeypatch: pytest.MonkeyPatch, path: Path, *, read: bool = True) -> None:
    monkeypatch.setattr(os, "open", refuse(path, read=read))

    def access(file: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if Path(file) == path and (mode & os.W_OK or (not read and mode & os.R_OK)):
            return False
        return REAL_ACCESS(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_a_log_this_user_cannot_write_opens_for_reading(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unwritable(monkeypatch, path)
    with open_log(path) as log:
        assert log.readonly  # type: ignore[attr-defined]
        assert [r.event.id for r in log.read()] == ["a", "b"] and log.verify()
        with pytest.raises(ReadOnlyLogError) as caught:
            log.append([sample_event(2, id="c")])
        assert caught.value.source == str(path) and caught.value.committed is False


def test_sitrep_verify_and_render_read_a_read_only_log(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unwritable(monkeypatch, path)
    for args in (["verify", str(path)], ["render", str(path), "-f", "json"]):
        done = CliRunner().invoke(cli, args, prog_name="sitrep")
        assert done.exit_code == 0, done.stderr


def test_a_log_this_user_cannot_read_is_a_permission_error(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unwritable(monkeypatch, path, read=False)
    with pytest.raises(LogPermissionError, match="permission denied") as caught:
        open_log(path)
    assert caught.value.source == str(path)
    done = CliRunner().invoke(cli, ["verify", str(path)], prog_name="sitrep")
    assert done.exit_code == 2 and str(path) in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_chmod_444_opens_for_reading(path: Path) -> None:
    path.chmod(0o444)
    with open_log(path) as log:
        assert log.verify()
        with pytest.raises(ReadOnlyLogError):
            log.append([sample_event(2, id="c")])
