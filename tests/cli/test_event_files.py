"""Reading commands given a file of events (as ``append`` takes) instead of a log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from _clitools import (
    EVACUATION,
    HALT,
    STATEMENT_RECORDED,
    STRIKE,
    Sitrep,
    jsonl,
    needs_plugins,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

STORY = (EVACUATION, STATEMENT_RECORDED, STRIKE, HALT)


@pytest.fixture(autouse=True)
def _plugins() -> None:
    needs_plugins()


@pytest.fixture
def events_file(write_events: Callable[..., Path]) -> Path:
    return write_events(*STORY)


@pytest.fixture
def log_of_story(sitrep: Sitrep, events_file: Path, tmp_path: Path) -> Path:
    """The same events appended to a log: what reading the file must agree with."""
    path = tmp_path / "story.jsonl"
    sitrep("init", path, ok=True)
    sitrep("append", path, events_file, ok=True)
    return path


def _note(path: Path) -> str:
    return (
        f"note: {path} is a file of events, not a log: read into memory, nothing verified or stored"
    )


def _without_log_name(replayed: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in replayed.items() if k != "log"}


def test_replay_of_a_file_of_events_is_the_replay_of_their_log(
    sitrep: Sitrep, events_file: Path, log_of_story: Path
) -> None:
    for moment in ([], ["--as-of", "2017-08-29"], ["--known-at", "2017-08-30T12:00Z"]):
        from_file = sitrep("replay", events_file, *moment)
        assert from_file.code == 0, from_file.err
        assert from_file.err_lines == [_note(events_file)]
        from_log = sitrep("replay", log_of_story, *moment, ok=True)
        assert _without_log_name(from_file.json()) == _without_log_name(from_log.json())
        assert from_file.json()["log"] == str(events_file)


def test_render_changes_and_log_of_a_file_of_events(
    sitrep: Sitrep, events_file: Path, log_of_story: Path
) -> None:
    before = events_file.read_bytes()
    for args in (
        ["render", "-f", "markdown", "--name", "story"],
        ["render", "-f", "json", "--name", "story", "--since", "2017-08-29T12:00Z"],
        ["changes", "--since", "2017-08-29T12:00Z"],
        ["log", "--type", "strike", "--json"],
    ):
        command, *rest = args
        from_file = sitrep(command, events_file, *rest)
        assert from_file.code == 0, (args, from_file.err)
        assert from_file.err_lines == [_note(events_file)], args
        assert from_file.out == sitrep(command, log_of_story, *rest, ok=True).out, args
    assert events_file.read_bytes() == before
    assert not list(events_file.parent.glob("events.jsonl?*"))  # nothing stored beside it


def test_a_json_array_of_events_is_read_too(sitrep: Sitrep, tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_bytes(orjson.dumps(list(STORY), option=orjson.OPT_INDENT_2))
    done = sitrep("log", path)
    assert done.code == 0, done.err
    assert [line.split()[0] for line in done.out.splitlines()] == ["1", "2", "3", "4"]


def test_bad_events_are_reported_at_their_lines(sitrep: Sitrep, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    bad = {**HALT, "status": "parked"}
    path.write_text(jsonl(EVACUATION, STRIKE, bad), encoding="utf-8")
    done = sitrep("render", path, "-f", "markdown")
    assert done.code == 2
    assert len(done.err_lines) == 1
    assert done.err.startswith(f"{path}, line 3, field status: 'parked'")
    assert done.out == ""


def test_a_correction_of_nothing_is_reported_at_its_line(sitrep: Sitrep, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    correction = {**HALT, "id": "halt-2", "corrects": "no-such-event"}
    path.write_text(jsonl(EVACUATION, STRIKE, correction), encoding="utf-8")
    done = sitrep("replay", path)
    assert done.code == 2
    assert len(done.err_lines) == 1
    assert done.err.startswith(f"{path}, line 3, field corrects: ")
    assert "'no-such-event'" in done.err


def test_an_id_twice_with_other_content_is_reported_at_its_line(
    sitrep: Sitrep, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(jsonl(EVACUATION, STRIKE, {**STRIKE, "effect": "damaged"}), encoding="utf-8")
    done = sitrep("log", path)
    assert done.code == 2
    assert done.err_lines == [
        f"{path}, line 3: event id 'strike' is there twice, with other content"
    ]


def test_a_file_that_is_neither_names_its_first_line(sitrep: Sitrep, tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text('\n{"id": "x", "occurred": "2017-08-29"}\n', encoding="utf-8")
    for command in ("render", "replay", "log"):
        done = sitrep(command, path, *(["-f", "markdown"] if command == "render" else []))
        assert done.code == 2, command
        assert len(done.err_lines) == 1
        assert done.err.startswith(f"{path}, line 2: not a log record, nor an event ")


@pytest.mark.parametrize(
    "args",
    [["verify", "{file}"], ["follow", "{file}", "--timeout", "0"], ["append", "{file}", "-"]],
    ids=["verify", "follow", "append"],
)
def test_commands_that_need_a_log_say_what_to_do_with_events(
    sitrep: Sitrep, events_file: Path, args: list[str]
) -> None:
    before = events_file.read_bytes()
    done = sitrep(*(str(events_file) if a == "{file}" else a for a in args), input=jsonl(STRIKE))
    assert done.code == 2
    assert done.err_lines == [
        f"{events_file}: a file of events, not a log (to keep them in one: "
        f"sitrep init LOG, then sitrep append LOG {events_file})"
    ]
    assert events_file.read_bytes() == before


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    chosen=st.lists(st.sampled_from(STORY), min_size=1, max_size=4, unique_by=lambda e: e["id"]),
    as_array=st.booleans(),
    blank_lines=st.integers(min_value=0, max_value=2),
)
def test_any_file_of_events_reads_as_the_log_append_makes_of_it(
    sitrep: Sitrep, tmp_path_factory: pytest.TempPathFactory, chosen: list[dict[str, Any]],
    as_array: bool, blank_lines: int,
) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("events")
    path = folder / "events.json"
    if as_array:
        path.write_bytes(orjson.dumps(chosen, option=orjson.OPT_INDENT_2))
    else:
        path.write_text("\n" * blank_lines + jsonl(*chosen), encoding="utf-8")
    log = folder / "log.jsonl"
    sitrep("init", log, ok=True)
    sitrep("append", log, path, ok=True)
    from_file = sitrep("replay", path)
    assert from_file.code == 0, from_file.err
    assert _without_log_name(from_file.json()) == _without_log_name(
        sitrep("replay", log, ok=True).json()
    )
