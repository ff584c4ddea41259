"""``sitrep log``: the records, as a listing or as JSON lines."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from _clitools import Sitrep


@pytest.fixture(autouse=True)
def core_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core's own output: no installed plugin is loaded."""
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "1")


def test_log_lists_position_occurred_type_headline(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("log", story_log, ok=True)
    lines = done.out.splitlines()
    assert len(lines) == 4
    position, occurred, kind, *headline = lines[0].split()
    assert (position, occurred, kind) == ("1", "2017-08-28", "evacuation")
    assert " ".join(headline).startswith("ISIS evacuated from Western Qalamoun to Abu Kamal")
    assert lines[3].split()[:3] == ["4", "2017-08-30T16:50", "convoy-move"]


def test_log_filters_and_limits(sitrep: Sitrep, story_log: Path) -> None:
    only = sitrep("log", story_log, "--type", "strike", "--type", "statement", ok=True)
    assert [line.split()[2] for line in only.out.splitlines()] == ["statement", "strike"]
    later = sitrep("log", story_log, "--from", "2", "--limit", "2", ok=True)
    assert [line.split()[0] for line in later.out.splitlines()] == ["2", "3"]
    none = sitrep("log", story_log, "--limit", "0", ok=True)
    assert none.out == ""


def test_log_json_is_one_record_a_line(sitrep: Sitrep, story_log: Path) -> None:
    records = sitrep("log", story_log, "--json", ok=True).json_lines()
    assert [r["position"] for r in records] == [1, 2, 3, 4]
    assert records[1]["prev"] == records[0]["hash"]
    assert records[0]["event"]["type"] == "evacuation"
    assert records[0]["event"]["vehicles"] == {"buses": {"value": 17}, "ambulances": {"value": 11}}


def test_log_of_an_unknown_type_is_bad_usage(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("log", story_log, "--type", "rumour")
    assert done.code == 2
    [line] = done.err_lines
    assert line.startswith("unknown event type 'rumour'; known types: ")
    known = line.split("known types: ")[1].split(", ")
    assert {"actor", "agreement", "convoy-move", "statement", "strike"} <= set(known)
    assert known == sorted(known)


def test_log_of_an_empty_log(sitrep: Sitrep, jsonl_log: Path) -> None:
    assert sitrep("log", jsonl_log, ok=True).out == ""


def test_log_of_a_missing_log(sitrep: Sitrep, tmp_path: Path) -> None:
    done = sitrep("log", tmp_path / "missing.jsonl")
    assert done.code == 2
    assert done.err_lines == [f"{tmp_path / 'missing.jsonl'}: no such log"]
    assert not (tmp_path / "missing.jsonl").exists()


def test_log_of_a_garbled_file_is_one_line(sitrep: Sitrep, story_log: Path) -> None:
    lines = story_log.read_bytes().splitlines(keepends=True)
    lines[1] = b"{garbage\n"
    story_log.write_bytes(b"".join(lines))
    done = sitrep("log", story_log)
    assert done.code == 2
    assert done.err_lines == [f"{story_log}, line 2: not a log record (not the JSON of one)"]


def test_text_from_a_log_cannot_drive_the_terminal(sitrep: Sitrep, jsonl_log: Path) -> None:
    hostile = {
        "type": "statement",
        "id": "hostile",
        "occurred": "2017-08-29",
        "speaker": "\x1b[2J\x1b[31mMcGurk\u202e",
        "subject": "deal\nsecond line",
        "stances": ["condemns"],
    }
    sitrep("append", jsonl_log, input=orjson.dumps(hostile).decode(), ok=True)
    out = sitrep("log", jsonl_log, ok=True).out
    assert "\x1b" not in out and "\u202e" not in out
    assert out.count("\n") == 1
    assert "\\x1b[2J\\x1b[31mMcGurk\\u202e condemns " in out
    assert "deal second line" in out
    records = sitrep("log", jsonl_log, "--json", ok=True).json_lines()
    assert records[0]["event"]["speaker"] == hostile["speaker"]  # JSON keeps it, escaped


def test_log_shows_what_the_log_calls_things_not_their_keys(sitrep: Sitrep, tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    lines = [
        {"type": "actor", "occurred": "2017-08", "key": "isis", "name": "Islamic State (ISIS)"},
        {"type": "place", "occurred": "2017-08", "key": "qara", "name": "Qara"},
        {
            "type": "control",
            "occurred": "2017-08-28",
            "actor": "isis",
            "area": "qara",
            "status": "lost",
        },
    ]
    events.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    log = tmp_path / "log.jsonl"
    sitrep("init", log, ok=True)
    sitrep("append", log, events, ok=True)
    listed = sitrep("log", log, "--type", "control", ok=True).out
    assert "Islamic State (ISIS) lost Qara" in listed
    assert "isis" not in listed
