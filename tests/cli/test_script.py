"""The installed ``sitrep`` script and ``python -m sitrep_core``, in processes of their own."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from _clitools import EVACUATION, HALT, SCRIPT, STATEMENT, jsonl, needs_plugins

from sitrep_core import Statement, open_log

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_a_session_from_init_to_html(script: Run, tmp_path: Path) -> None:
    needs_plugins()
    assert script("init", "log.jsonl", cwd=tmp_path).returncode == 0
    (tmp_path / "events.jsonl").write_text(jsonl(EVACUATION, HALT))
    appended = script("append", "log.jsonl", "events.jsonl", cwd=tmp_path)
    assert appended.returncode == 0, appended.stderr
    assert "appended 2 events at positions 1-2" in appended.stdout
    added = script(
        "add", "log.jsonl", "statement", "--occurred", "2017-08-29", "--speaker", "McGurk",
        "--subject", "qalamoun-deal", "--stance", "condemns", "--source", "Brett McGurk|A|2",
        cwd=tmp_path,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = script("log", "log.jsonl", cwd=tmp_path)
    assert len(listed.stdout.splitlines()) == 3
    assert script("verify", "log.jsonl", cwd=tmp_path).returncode == 0
    rendered = script("render", "log.jsonl", "-o", "report.html", cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    assert "McGurk" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert rendered.stderr == ""


def test_bad_input_through_the_script(script: Run, tmp_path: Path) -> None:
    assert script("init", "log.jsonl", cwd=tmp_path).returncode == 0
    script("append", "log.jsonl", "-", input=jsonl(STATEMENT), cwd=tmp_path)
    before = (tmp_path / "log.jsonl").read_bytes()
    bad = jsonl(HALT) + '{"type":"statement","id":"x","occurred":"2017-08-29"}\n{oops\n'
    done = script("append", "log.jsonl", "-", input=bad, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "<stdin>, line 2, field speaker: required field is missing",
        done.stderr.splitlines()[1],
    ]
    assert done.stderr.splitlines()[1].startswith("<stdin>, line 3: not valid JSON")
    assert "Traceback" not in done.stderr
    assert (tmp_path / "log.jsonl").read_bytes() == before
    stale = script(
        "append", "log.jsonl", "--expected-position", "0", input=jsonl(HALT), cwd=tmp_path
    )
    assert stale.returncode == 1
    assert len(stale.stderr.splitlines()) == 1
    assert (tmp_path / "log.jsonl").read_bytes() == before
    lines = before.splitlines(keepends=True)
    (tmp_path / "log.jsonl").write_bytes(lines[0].replace(b"McGurk", b"McGurq"))
    broken = script("verify", "log.jsonl", cwd=tmp_path)
    assert broken.returncode == 1
    assert broken.stderr.startswith("broken at log.jsonl, line 1, position 1: ")


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sitrep_core", "init", "log.jsonl"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "created log.jsonl\n"
    again = subprocess.run(
        [sys.executable, "-m", "sitrep_core", "init", "log.jsonl"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert again.returncode == 2
    assert again.stderr == "log.jsonl: already exists; not overwriting it\n"


@pytest.mark.skipif(not SCRIPT.exists(), reason="the sitrep script is not installed")
@pytest.mark.parametrize(
    "args",
    [["log", "--json"], ["render", "-f", "markdown"], ["replay"]],
    ids=["log", "render", "replay"],
)
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path, args: list[str]) -> None:
    needs_plugins()
    target = tmp_path / "log.jsonl"
    with open_log(target) as log:  # far more output than a pipe holds
        log.append(
            Statement(
                id=f"s{i}", occurred="2017-08-29", speaker="A", subject="b", stances=("warns",)
            )
            for i in range(3000)
        )
    command, *rest = args
    errors = tmp_path / "stderr"
    with (
        errors.open("wb") as err,
        subprocess.Popen(
            [str(SCRIPT), command, str(target), *rest], stdout=subprocess.PIPE, stderr=err
        ) as process,
    ):
        assert process.stdout is not None
        first = process.stdout.readline()  # ``| head -1``: one line, then the pipe closes
        process.stdout.close()
        code = process.wait(timeout=120)
    assert first
    assert errors.read_bytes() == b""  # no traceback, no "Exception ignored", no message
    assert code == 0


def _with_terminal_stderr(args: list[str], cwd: Path) -> tuple[int, str, bytes]:
    """Run the script with stderr on a pseudo-terminal; its exit code, stdout and terminal."""
    controller, terminal = pty.openpty()
    try:
        with subprocess.Popen(
            [str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=terminal, cwd=cwd
        ) as process:
            os.close(terminal)
            assert process.stdout is not None
            out = process.stdout.read().decode()
            code = process.wait(timeout=120)
    except BaseException:
        os.close(controller)
        raise
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return code, out, shown


@pytest.mark.skipif(not SCRIPT.exists(), reason="the sitrep script is not installed")
def test_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    needs_plugins()
    from sitrep_core.cli._output import PROGRESS_MIN

    target = tmp_path / "log.jsonl"
    with open_log(target) as log:
        log.append(
            Statement(
                id=f"s{i}", occurred="2017-08-29", speaker="A", subject="b", stances=("warns",)
            )
            for i in range(PROGRESS_MIN)
        )
    code, out, shown = _with_terminal_stderr(
        ["replay", str(target), "--projection", "stances"], tmp_path
    )
    assert code == 0
    assert b"replaying" in shown and b"%d/%d" % (PROGRESS_MIN, PROGRESS_MIN) in shown
    assert '"stances"' in out
    code, _, shown = _with_terminal_stderr(["render", str(target), "-f", "markdown"], tmp_path)
    assert code == 0
    assert b"rendering" in shown
    piped = subprocess.run(
        [str(SCRIPT), "replay", str(target), "--projection", "stances"],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert piped.returncode == 0
    assert piped.stderr == b""


@pytest.mark.skipif(not SCRIPT.exists(), reason="the sitrep script is not installed")
@pytest.mark.parametrize(
    "args",
    [["render", "-f", "markdown"], ["changes", "--since", "2017-09-01T12:00Z"]],
    ids=["render", "changes"],
)
def test_one_progress_bar_over_every_pass(tmp_path: Path, args: list[str]) -> None:
    needs_plugins()
    from sitrep_core.cli._output import PROGRESS_MIN

    target = tmp_path / "log.jsonl"
    with open_log(target) as log:  # two recorded days: the report reads the log again
        for day in (1, 2):
            log.append(
                Statement(
                    id=f"s{day}-{i}",
                    occurred=f"2017-09-0{day}",
                    recorded=f"2017-09-0{day}T12:00Z",
                    speaker=f"A{i % 7}",
                    subject="b",
                    stances=("warns",) if day == 1 else ("condemns",),
                )
                for i in range(PROGRESS_MIN)
            )
    command, *rest = args
    code, _, shown = _with_terminal_stderr([command, str(target), *rest], tmp_path)
    assert code == 0
    counts = [(int(a), int(b)) for a, b in re.findall(rb"(\d+)/(\d+)", shown)]
    assert counts, shown
    read = [done for done, _ in counts]
    assert read == sorted(read), read  # never back to 0 for a second pass
    assert counts[-1][0] == counts[-1][1]
    assert b"pass 2" not in shown
