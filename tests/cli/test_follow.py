"""``sitrep follow``: each record as a JSON line, then each new one; Ctrl-C ends it."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from _clitools import HALT, SCRIPT, STATEMENT, Sitrep, jsonl


def test_follow_prints_the_records_then_waits(sitrep: Sitrep, log_target: str) -> None:
    sitrep("init", log_target, ok=True)
    sitrep("append", log_target, input=jsonl(STATEMENT, HALT), ok=True)
    done = sitrep("follow", log_target, "--timeout", "0.2", "--interval", "0.05")
    assert done.code == 0, done.err
    records = done.json_lines()
    assert [r["position"] for r in records] == [1, 2]
    assert records[0]["event"]["id"] == "mcgurk-condemns"
    later = sitrep("follow", log_target, "--from", "2", "--timeout", "0.2", "--interval", "0.05")
    assert [r["position"] for r in later.json_lines()] == [2]


@pytest.mark.skipif(not SCRIPT.exists(), reason="the sitrep script is not installed")
@pytest.mark.parametrize("store", ["log.jsonl", "log.sqlite"])
def test_follow_sees_new_records_and_ends_on_ctrl_c(
    sitrep: Sitrep, tmp_path: Path, store: str
) -> None:
    target = tmp_path / store
    sitrep("init", target, ok=True)
    sitrep("append", target, input=jsonl(STATEMENT), ok=True)
    follower = subprocess.Popen(
        [str(SCRIPT), "follow", str(target), "--interval", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert follower.stdout is not None
        first = follower.stdout.readline()
        assert '"position":1' in first
        sitrep("append", target, input=jsonl(HALT), ok=True)
        second = follower.stdout.readline()
        assert '"position":2' in second and '"id":"halt"' in second
        follower.send_signal(signal.SIGINT)
        _, err = follower.communicate(timeout=20)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 0
    assert "Traceback" not in err
    assert err == ""


def test_follow_a_missing_log(sitrep: Sitrep, tmp_path: Path) -> None:
    done = sitrep("follow", tmp_path / "missing.jsonl", "--timeout", "0")
    assert done.code == 2
    assert len(done.err_lines) == 1


def test_the_poll_loop_ends_after_the_timeout(sitrep: Sitrep, tmp_path: Path) -> None:
    target = tmp_path / "log.jsonl"
    sitrep("init", target, ok=True)
    start = time.monotonic()
    done = sitrep("follow", target, "--timeout", "0.3", "--interval", "0.05")
    assert done.code == 0 and done.out == ""
    assert 0.25 <= time.monotonic() - start < 10
