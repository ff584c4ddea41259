"""The ``sitrep`` group itself: its help and shell completion (a closed pipe: test_script)."""

from __future__ import annotations

import pytest
from _clitools import Sitrep, needs_plugins


def test_bare_sitrep_prints_the_help(sitrep: Sitrep) -> None:
    done = sitrep()
    assert done.code == 0
    assert done.err == ""
    assert done.out == sitrep("--help", ok=True).out
    assert done.out.startswith("Usage: sitrep [OPTIONS] COMMAND [ARGS]...\n")
    assert "\nCommands:\n" in done.out and "  render " in done.out


def test_a_missing_command_is_still_a_usage_error(sitrep: Sitrep) -> None:
    done = sitrep("-p", "no:sitrep_core.html")
    assert done.code == 2
    assert len(done.err_lines) == 1


def _complete(sitrep: Sitrep, words: str, shell: str = "bash") -> list[str]:
    """What the shell would offer after ``words`` (the last word is being typed)."""
    typed = words.split(" ")
    done = sitrep(
        env={
            "_SITREP_COMPLETE": f"{shell}_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(typed) - 1),
        }
    )
    assert done.code == 0, done.err
    return done.out.splitlines()


def test_format_completes_the_installed_formats(sitrep: Sitrep) -> None:
    needs_plugins()
    offered = _complete(sitrep, "sitrep render log.jsonl --format ")
    formats = {line.split(",", 1)[1] for line in offered if line.startswith("plain,")}
    assert {"markdown", "html", "json"} <= formats
    assert _complete(sitrep, "sitrep render log.jsonl -f ma") == ["plain,markdown"]


def test_format_completion_leaves_out_a_blocked_plugin(sitrep: Sitrep) -> None:
    needs_plugins()
    offered = _complete(sitrep, "sitrep -p no:sitrep_core.html render log.jsonl --format ")
    assert "plain,html" not in offered and "plain,markdown" in offered


@pytest.mark.parametrize(
    "words",
    [
        "sitrep render lo",
        "sitrep log lo",
        "sitrep append log.jsonl ev",
        "sitrep copy log.jsonl de",
        "sitrep render log.jsonl -o rep",
    ],
)
def test_logs_and_files_complete_as_files(sitrep: Sitrep, words: str) -> None:
    assert _complete(sitrep, words) == [f"file,{words.rsplit(' ', 1)[1]}"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_for_each_shell(sitrep: Sitrep, shell: str) -> None:
    done = sitrep(env={"_SITREP_COMPLETE": f"{shell}_source"})
    assert done.code == 0
    assert "_SITREP_COMPLETE" in done.out
