"""``sitrep replay``: the projections' views as JSON, on both clocks."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from _clitools import Sitrep

from sitrep_core import Plugins, open_log, replay
from sitrep_core.cli._output import to_json


@pytest.fixture(autouse=True)
def core_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core's own output: no installed plugin is loaded."""
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "1")


def test_replay_prints_every_view(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("replay", story_log, ok=True)
    data = done.json()
    assert data["position"] == 4
    assert data["log"] == str(story_log)
    assert {"convoys", "stances", "timeline", "figures", "sources", "directory"} <= set(
        data["views"]
    )
    [convoy] = data["views"]["convoys"]
    assert convoy["convoy"]["key"] == "convoy"
    assert convoy["status"]["status"] == "halted"


def test_replay_is_what_the_library_replays(sitrep: Sitrep, story_log: Path) -> None:
    with open_log(story_log) as log:
        snapshot = replay(log, Plugins.load().projections())
    data = sitrep("replay", story_log, ok=True).json()
    assert data["views"] == orjson.loads(to_json(snapshot.views))
    assert data["head_hash"] == snapshot.head_hash


def test_replay_output_has_sorted_keys(sitrep: Sitrep, story_log: Path) -> None:
    out = sitrep("replay", story_log, ok=True).out
    assert (
        out
        == orjson.dumps(
            orjson.loads(out), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
        ).decode()
        + "\n"
    )


def test_replay_one_projection(sitrep: Sitrep, story_log: Path) -> None:
    data = sitrep("replay", story_log, "--projection", "stances", ok=True).json()
    assert list(data["views"]) == ["stances"]
    [stance] = data["views"]["stances"]
    assert stance["stances"] == ["condemns"]


def test_replay_as_of_and_known_at(sitrep: Sitrep, story_log: Path) -> None:
    before = sitrep("replay", story_log, "--projection", "convoys", "--as-of", "2017-08-29")
    [convoy] = before.json()["views"]["convoys"]
    assert convoy["status"] != "halted"
    assert before.json()["as_of"] == "2017-08-29"  # as given: the whole of that day
    known = sitrep("replay", story_log, "--known-at", "2017-08-29T12:00Z", ok=True).json()
    assert known["known_at"] == "2017-08-29T12:00Z"  # as given: that minute, to its end
    assert len(known["views"]["timeline"]) == 2


def test_replay_of_an_unknown_projection(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("replay", story_log, "--projection", "weather")
    assert done.code == 2
    assert len(done.err_lines) == 1
    assert done.err.startswith("unknown projection 'weather'; known projections: ")
    known = done.err.split(": ", 1)[1].strip().split(", ")
    assert {"convoys", "directory", "figures", "sources", "stances", "timeline"} <= set(known)
    assert known == sorted(known)


def test_replay_of_a_bad_moment(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("replay", story_log, "--as-of", "last tuesday")
    assert done.code == 2
    assert len(done.err_lines) == 1
    assert "--as-of" in done.err
