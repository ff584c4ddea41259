"""``sitrep plugins``, ``sitrep schema`` and ``-p``: what the loaded plugins add."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from _clitools import Sitrep, needs_plugins

from sitrep_core import Codec

PLUGIN = """
from typing import ClassVar

import attrs

import sitrep_core
from sitrep_core import Event, Renderer, hookimpl


@attrs.frozen(kw_only=True)
class Checkpoint(Event):
    TYPE: ClassVar[str] = "checkpoint"
    VERSION: ClassVar[int] = 1

    place: str
    manned_by: tuple[str, ...] = ()
    guards: sitrep_core.Count | None = None


@hookimpl
def sitrep_event_types():
    return [Checkpoint]


def _count(report):
    return f"{report.timeline_total} events\\n"


@hookimpl
def sitrep_renderers():
    return [Renderer("count", _count, extension=".count", description="How many events")]
"""


@pytest.fixture
def plugin_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of an importable plugin module adding a type and a format."""
    needs_plugins()
    (tmp_path / "sitrep_cli_checkpoints.py").write_text(textwrap.dedent(PLUGIN))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "sitrep_cli_checkpoints"


def test_plugins_lists_no_builtins_by_default(
    sitrep: Sitrep, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_plugins()
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert sitrep("plugins", ok=True).json() == []


def test_plugins_all_lists_the_builtins(sitrep: Sitrep) -> None:
    needs_plugins()
    listed = sitrep("plugins", "--all", ok=True).json()
    builtin = [p for p in listed if p["builtin"]]
    assert builtin
    for plugin in listed:
        assert set(plugin) == {"name", "version", "hooks", "builtin"}
        assert all(hook.startswith("sitrep_") for hook in plugin["hooks"])
    renderers = [p for p in builtin if "sitrep_renderers" in p["hooks"]]
    assert renderers


def test_a_plugin_module_adds_a_type_and_a_format(
    sitrep: Sitrep, plugin_module: str, jsonl_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "1")  # only the built-ins and -p
    listed = sitrep("-p", plugin_module, "plugins", ok=True).json()
    assert [p["name"] for p in listed] == [plugin_module]
    assert listed[0]["hooks"] == ["sitrep_event_types", "sitrep_renderers"]
    done = sitrep(
        "-p", plugin_module, "add", jsonl_log, "checkpoint", "--occurred", "2017-09-01",
        "--place", "Humayma", "--manned-by", "SAA", "--guards", "~40",
    )  # fmt: skip
    assert done.code == 0, done.err
    [record] = sitrep("-p", plugin_module, "log", jsonl_log, "--json", ok=True).json_lines()
    assert record["event"]["guards"] == {"value": 40, "qualifier": "approx"}
    assert sitrep("-p", plugin_module, "render", jsonl_log, "-f", "count").out == "1 events\n"
    # without the plugin, its type is not known: reading the log says so, in one line
    without = sitrep("log", jsonl_log)
    assert without.code == 2
    assert len(without.err_lines) == 1
    assert "unknown event type 'checkpoint'" in without.err
    help_text = sitrep("-p", plugin_module, "add", "--help", ok=True).out
    assert "checkpoint" in help_text and "--manned-by" in help_text


def test_a_plugin_can_be_left_out(sitrep: Sitrep, story_log: Path) -> None:
    needs_plugins()
    done = sitrep("-p", "no:sitrep_core.html", "render", story_log, "-f", "html")
    assert done.code == 2
    assert "no renderer for format 'html'" in done.err


def test_a_missing_plugin_module(sitrep: Sitrep, story_log: Path) -> None:
    needs_plugins()
    done = sitrep("-p", "no_such_plugin_module", "log", story_log)
    assert done.code == 2
    assert done.err_lines[0].startswith("-p no_such_plugin_module: cannot import the plugin module")
    assert len(done.err_lines) == 1


def test_schema_prints_the_line_format(sitrep: Sitrep, monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(Codec, "json_schema"):
        pytest.skip("Codec.json_schema() is not there yet")
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "1")  # the built-in types only
    schema = sitrep("schema", ok=True).json()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema == Codec().json_schema()


def test_schema_covers_plugin_types(sitrep: Sitrep, plugin_module: str) -> None:
    if not hasattr(Codec, "json_schema"):
        pytest.skip("Codec.json_schema() is not there yet")
    text = sitrep("-p", plugin_module, "schema", ok=True).out
    assert '"checkpoint"' in text


def test_schema_matches_the_committed_copy(sitrep: Sitrep, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "1")  # the built-in types only
    committed = Path(__file__).resolve().parents[2] / "docs" / "line-format.schema.json"
    if not hasattr(Codec, "json_schema") or not committed.exists():
        pytest.skip("the JSON Schema of the line format is not there yet")
    assert sitrep("schema", ok=True).out == committed.read_text(encoding="utf-8")
