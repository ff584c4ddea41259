"""``sitrep append``: all or nothing; every bad line named; conflicts exit 1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from _clitools import EVACUATION, HALT, STATEMENT, STRIKE, Sitrep, contents, jsonl, snapshot


def test_append_a_file_prints_positions(
    sitrep: Sitrep, log_target: str, write_events: Callable[..., Path]
) -> None:
    sitrep("init", log_target, ok=True)
    events = write_events(EVACUATION, STATEMENT)
    done = sitrep("append", log_target, events)
    assert done.code == 0, done.err
    assert "appended 2 events at positions 1-2" in done.out
    assert "head 2" in done.out
    assert done.err == ""
    more = sitrep("append", log_target, write_events(HALT, name="more.jsonl"))
    assert "appended 1 event at position 3" in more.out
    assert len(contents(log_target)) == 3


def test_append_from_stdin(sitrep: Sitrep, jsonl_log: Path) -> None:
    done = sitrep("append", jsonl_log, "-", input=jsonl(STATEMENT))
    assert done.code == 0, done.err
    # no FILE means stdin too
    done = sitrep("append", jsonl_log, input=jsonl(HALT))
    assert done.code == 0, done.err
    assert len(contents(jsonl_log)) == 2


def test_append_an_array_or_one_object(sitrep: Sitrep, jsonl_log: Path) -> None:
    array = orjson.dumps([EVACUATION, STATEMENT], option=orjson.OPT_INDENT_2).decode()
    assert sitrep("append", jsonl_log, "-", input=array).code == 0
    one = orjson.dumps(HALT, option=orjson.OPT_INDENT_2).decode()
    assert sitrep("append", jsonl_log, "-", input=one).code == 0
    assert len(contents(jsonl_log)) == 3


def test_duplicates_are_reported_as_skipped(
    sitrep: Sitrep, jsonl_log: Path, write_events: Callable[..., Path]
) -> None:
    events = write_events(EVACUATION, STATEMENT)
    sitrep("append", jsonl_log, events, ok=True)
    again = sitrep("append", jsonl_log, events)
    assert again.code == 0
    assert "skipped evacuation: already in the log" in again.out
    assert "skipped mcgurk-condemns: already in the log" in again.out
    assert len(contents(jsonl_log)) == 2


def test_append_json_outcome(sitrep: Sitrep, jsonl_log: Path) -> None:
    sitrep("append", jsonl_log, input=jsonl(EVACUATION), ok=True)
    done = sitrep("append", jsonl_log, "--json", input=jsonl(EVACUATION, STATEMENT))
    assert done.json() == {
        "appended": [{"id": "mcgurk-condemns", "position": 2, "type": "statement"}],
        "head": 2,
        "skipped": ["evacuation"],
    }


BAD_LINES = [
    pytest.param(
        '{"type":"statement","id":"s","occurred":"2017-08-29","speaker":"A","subject":"b",',
        "line 2: not valid JSON",
        id="malformed-line",
    ),
    pytest.param(
        orjson.dumps({**STATEMENT, "id": "s", "speaker": 42}).decode(),
        "line 2, field speaker: expected a string, got a number 42",
        id="wrong-type",
    ),
    pytest.param(
        orjson.dumps({**STATEMENT, "id": "s", "colour": "red"}).decode(),
        "line 2, field colour: unknown field",
        id="unknown-field",
    ),
    pytest.param(
        '{"type":"rumour","id":"r","occurred":"2017-08-29"}',
        "line 2, field type: unknown event type 'rumour'",
        id="unknown-type",
    ),
    pytest.param(
        orjson.dumps(
            {
                **STATEMENT,
                "id": "s",
                "sources": [{"name": "X", "reliability": "A", "credibility": 9}],
            }
        ).decode(),
        "line 2, field sources[0].credibility: credibility 9 is not on the Admiralty scale",
        id="credibility",
    ),
    pytest.param(
        orjson.dumps({**STRIKE, "id": "k", "killed": "many"}).decode(),
        "line 2, field killed: a count is a whole number or an object",
        id="count",
    ),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
def test_a_bad_line_appends_nothing(
    sitrep: Sitrep, log_target: str, tmp_path: Path, line: str, message: str
) -> None:
    sitrep("init", log_target, ok=True)
    sitrep("append", log_target, input=jsonl(EVACUATION), ok=True)
    before = snapshot(log_target)
    events = tmp_path / "events.jsonl"
    events.write_text(jsonl(STATEMENT) + line + "\n" + jsonl(HALT))
    done = sitrep("append", log_target, events)
    assert done.code == 2
    assert done.out == ""
    assert len(done.err_lines) == 1, done.err
    assert done.err_lines[0].startswith(f"{events}, line 2")
    assert message in done.err_lines[0]
    assert snapshot(log_target) == before


def test_every_bad_line_is_reported_one_line_each(
    sitrep: Sitrep, jsonl_log: Path, tmp_path: Path
) -> None:
    lines = [
        jsonl(STATEMENT).strip(),
        "not json",
        "",
        orjson.dumps({**HALT, "status": "parked"}).decode(),
        orjson.dumps(
            {**STATEMENT, "id": "s2", "sources": [{"name": "X", "credibility": 7}]}
        ).decode(),
        jsonl(EVACUATION).strip(),
    ]
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(lines) + "\n")
    before = jsonl_log.read_bytes()
    done = sitrep("append", jsonl_log, events)
    assert done.code == 2
    assert [line.split(":")[0] for line in done.err_lines] == [
        f"{events}, line 2",
        f"{events}, line 4, field status",
        f"{events}, line 5, field sources[0].credibility",
    ]
    assert jsonl_log.read_bytes() == before


def test_bad_items_of_an_array_are_named(sitrep: Sitrep, jsonl_log: Path) -> None:
    data = orjson.dumps([STATEMENT, {**HALT, "convoy": ""}, 3]).decode()
    done = sitrep("append", jsonl_log, "-", input=data)
    assert done.code == 2
    assert done.err_lines[0].startswith("<stdin>, field [1].convoy:")
    assert done.err_lines[1].startswith("<stdin>, field [2]:")
    assert contents(jsonl_log) == []


def test_a_stale_expected_position_exits_1(
    sitrep: Sitrep, log_target: str, write_events: Callable[..., Path]
) -> None:
    sitrep("init", log_target, ok=True)
    sitrep("append", log_target, write_events(EVACUATION), "--expected-position", "0", ok=True)
    before = snapshot(log_target)
    stale = sitrep("append", log_target, "--expected-position", "0", input=jsonl(STATEMENT))
    assert stale.code == 1
    assert len(stale.err_lines) == 1
    assert "expected the log at position 0, it is at 1" in stale.err
    assert "nothing was appended" in stale.err
    assert snapshot(log_target) == before
    fresh = sitrep("append", log_target, "--expected-position", "1", input=jsonl(STATEMENT))
    assert fresh.code == 0, fresh.err


def test_the_same_id_with_other_content_exits_1(sitrep: Sitrep, jsonl_log: Path) -> None:
    sitrep("append", jsonl_log, input=jsonl(STATEMENT), ok=True)
    before = jsonl_log.read_bytes()
    done = sitrep("append", jsonl_log, input=jsonl({**STATEMENT, "stances": ["supports"]}))
    assert done.code == 1
    assert done.err_lines == [
        f"{jsonl_log}: event id 'mcgurk-condemns' is already at position 1 with other "
        "content; nothing was appended"
    ]
    assert jsonl_log.read_bytes() == before


def test_a_revision_of_no_event_names_its_line(sitrep: Sitrep, jsonl_log: Path) -> None:
    retraction = {"type": "retraction", "id": "r", "occurred": "2017-09-01", "retracts": "nope"}
    done = sitrep("append", jsonl_log, input=jsonl(STATEMENT) + "\n" + jsonl(retraction))
    assert done.code == 2
    assert done.err_lines == ["<stdin>, line 3, field retracts: 'nope' names no event in this log"]
    assert contents(jsonl_log) == []


def test_a_missing_input_file(sitrep: Sitrep, jsonl_log: Path, tmp_path: Path) -> None:
    before = jsonl_log.read_bytes()
    done = sitrep("append", jsonl_log, tmp_path / "missing.jsonl")
    assert done.code == 2
    assert done.err_lines == [f"{tmp_path / 'missing.jsonl'}: no such file or directory"]
    assert jsonl_log.read_bytes() == before


def test_a_missing_log_is_not_created(sitrep: Sitrep, tmp_path: Path) -> None:
    done = sitrep("append", tmp_path / "typo.jsonl", input=jsonl(STATEMENT))
    assert done.code == 2
    assert done.err_lines == [f"{tmp_path / 'typo.jsonl'}: no such log"]
    assert not (tmp_path / "typo.jsonl").exists()


def test_empty_input_appends_nothing(sitrep: Sitrep, jsonl_log: Path) -> None:
    done = sitrep("append", jsonl_log, input="\n\n")
    assert done.code == 0
    assert "nothing to append" in done.out
