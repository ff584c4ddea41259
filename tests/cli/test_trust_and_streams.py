"""The command line over streams and a log's trust: --expect, --stream, --expect-head,
reads stopped by a broken chain, render -o keeping permissions, python -m."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import orjson
from _clitools import Outcome, Sitrep, jsonl

CONVOY = "convoy:convoy"
"""The stream of the story's convoy: its evacuation, the strike on it and its halt."""


def note(event_id: str, stream_of: str = "convoy") -> dict[str, object]:
    return {
        "type": "convoy-move",
        "id": event_id,
        "occurred": "2017-08-31",
        "convoy": stream_of,
        "status": "moving",
    }


def test_log_lists_one_stream(sitrep: Sitrep, story_log: Path) -> None:
    listed = sitrep("log", story_log, "--stream", CONVOY, "--json", ok=True)
    assert [r["event"]["id"] for r in listed.json_lines()] == ["evacuation", "strike", "halt"]
    assert sitrep("log", story_log, "--stream", "convoy:nowhere", ok=True).out == ""


def test_append_with_the_stream_version_it_saw(
    sitrep: Sitrep, story_log: Path, tmp_path: Path
) -> None:
    events = tmp_path / "new.jsonl"
    events.write_text(jsonl(note("moving-again")), encoding="utf-8")
    stale = sitrep("append", story_log, events, "--expect", f"{CONVOY}=2")
    assert stale.code == 1
    assert "stream 'convoy:convoy' at version 2, it is at 3" in stale.err
    assert "nothing was appended" in stale.err
    # another stream's version says nothing about this one
    sitrep("append", story_log, events, "--expect", f"{CONVOY}=3", "--expect", "x:y=0", ok=True)
    listed = sitrep("log", story_log, "--stream", CONVOY, "--json", ok=True).json_lines()
    assert listed[-1]["event"]["id"] == "moving-again"


def test_add_with_the_stream_version_it_saw(sitrep: Sitrep, story_log: Path) -> None:
    words = ["--occurred", "2017-09-01", "--convoy", "convoy", "--status", "halted"]
    stale = sitrep("add", story_log, "convoy-move", *words, "--expect", f"{CONVOY}=0")
    assert stale.code == 1
    done = sitrep("add", story_log, "convoy-move", *words, "--expect", f"{CONVOY}=3", ok=True)
    assert "appended convoy-move" in done.out


def test_expect_takes_stream_equals_version(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("append", story_log, "-", "--expect", "convoy", input="")
    assert done.code == 2
    assert "give STREAM=VERSION" in done.err


def test_an_input_error_names_the_line_of_the_event(
    sitrep: Sitrep, story_log: Path, tmp_path: Path
) -> None:
    retraction = {"type": "retraction", "id": "r", "occurred": "2017-09", "retracts": "nothing"}
    events = tmp_path / "new.jsonl"
    events.write_text(jsonl(note("fine"), retraction), encoding="utf-8")
    done = sitrep("append", story_log, events)
    assert done.code == 2
    assert done.err_lines == [
        f"{events}, line 2, field retracts: 'nothing' names no event in this log"
    ]


def test_verify_catches_a_log_cut_back_below_a_published_head(
    sitrep: Sitrep, story_log: Path
) -> None:
    verified = sitrep("verify", story_log, ok=True).out.split()
    head = f"{verified[-2]}:{verified[-1]}"  # "... head 4 <hash>"
    assert sitrep("verify", story_log, "--expect-head", head, ok=True)
    lines = story_log.read_bytes().splitlines(keepends=True)
    story_log.write_bytes(b"".join(lines[:2]))  # the last batch gone whole: a sound chain
    # the index kept beside the log knows it held more
    cut = sitrep("verify", story_log)
    assert cut.code == 1 and "whole batches were removed from its end" in cut.err
    # without it (the log copied alone), only a published head shows the cut
    story_log.with_name(f"{story_log.name}.index").unlink()
    assert sitrep("verify", story_log, ok=True)
    cut = sitrep("verify", story_log, "--expect-head", head)
    assert cut.code == 1
    assert "before the expected head 4" in cut.err
    wrong = sitrep("verify", story_log, "--expect-head", "2:" + "0" * 64)
    assert wrong.code == 1 and "not the expected head's" in wrong.err
    assert sitrep("verify", story_log, "--expect-head", "x").code == 2


def test_a_read_stopped_by_a_broken_chain_exits_1(sitrep: Sitrep, story_log: Path) -> None:
    lines = story_log.read_bytes().splitlines(keepends=True)
    del lines[1]
    story_log.write_bytes(b"".join(lines))
    for args in (["log"], ["replay"], ["render", "-f", "json"], ["changes", "--since", "2017"]):
        done: Outcome = sitrep(args[0], story_log, *args[1:])
        assert done.code == 1, (args, done)
        assert len(done.err_lines) == 1 and f"{story_log}, line 2" in done.err
        if args[0] != "log":  # a listing streams what came before the damage
            assert done.out == ""


def test_a_report_cites_the_head_it_checked(sitrep: Sitrep, story_log: Path) -> None:
    report = orjson.loads(sitrep("render", story_log, "-f", "json", ok=True).out)
    verified = sitrep("verify", story_log, ok=True).out.split()
    assert verified[-1] in orjson.dumps(report).decode()


def test_render_o_keeps_the_permissions_of_the_file_it_replaces(
    sitrep: Sitrep, story_log: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.md"
    out.write_text("old")
    out.chmod(0o600)
    sitrep("render", story_log, "-o", out, ok=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text().startswith("#")
    fresh = tmp_path / "fresh.md"
    old = os.umask(0o022)
    try:
        sitrep("render", story_log, "-o", fresh, ok=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_python_m_imports_nothing_from_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "sitrep_geojson.py").write_text("raise SystemExit('imported from the cwd')\n")
    (tmp_path / "click.py").write_text("raise SystemExit('imported from the cwd')\n")
    done = subprocess.run(
        [sys.executable, "-m", "sitrep_core", "plugins"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "SITREP_DISABLE_PLUGIN_AUTOLOAD"},
    )
    assert done.returncode == 0, done.stderr
    assert "imported from the cwd" not in done.stderr
