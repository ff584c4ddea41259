"""``sitrep changes``: what changed between two moments, per projection."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from _clitools import Sitrep

from sitrep_core import Plugins, changes, open_log
from sitrep_core.cli._output import to_json


@pytest.fixture(autouse=True)
def core_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core's own output: no installed plugin is loaded."""
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "1")


def test_changes_since_a_moment(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("changes", story_log, "--since", "2017-08-29T12:00Z", ok=True)
    lines = done.out.splitlines()
    assert lines
    assert any(line.startswith("convoys: ") and "halted" in line for line in lines)


def test_changes_json_is_what_the_library_finds(sitrep: Sitrep, story_log: Path) -> None:
    with open_log(story_log) as log:
        found = changes(
            log, "2017-08-29T12:00Z", "2017-08-30T17:00Z", projections=Plugins.load().projections()
        )
    done = sitrep(
        "changes", story_log, "--since", "2017-08-29T12:00Z", "--until", "2017-08-30T17:00Z",
        "--json", ok=True,
    )  # fmt: skip
    assert done.json() == orjson.loads(to_json(found))
    assert {c["projection"] for c in done.json()} >= {"convoys"}


def test_no_changes(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("changes", story_log, "--since", "2017-09-05", ok=True)
    assert done.out == "no changes since 2017-09-05\n"
    assert sitrep("changes", story_log, "--since", "2017-09-05", "--json", ok=True).json() == []


def test_changes_needs_since(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("changes", story_log)
    assert done.code == 2
    assert done.err_lines == [
        "sitrep changes: Missing option '--since'. (see 'sitrep changes --help')"
    ]
