"""``sitrep render``: the report in any loaded format, to stdout or a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from _clitools import Sitrep, needs_plugins


@pytest.fixture(autouse=True)
def _plugins() -> None:
    needs_plugins()


def test_render_markdown_to_stdout(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("render", story_log, "--format", "markdown", "--title", "Qalamoun convoy")
    assert done.code == 0, done.err
    assert done.out.startswith("# Qalamoun convoy")
    assert "halted" in done.out
    assert done.err == ""


def test_render_html_to_a_file(sitrep: Sitrep, story_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = sitrep("render", story_log, "--format", "html", "-o", out)
    assert done.code == 0, done.err
    assert done.out.startswith(f"wrote {out} (html, ")
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert "As Sukhnah" in text
    assert not list(tmp_path.glob(".*.partial"))


def test_the_format_follows_the_file_extension(
    sitrep: Sitrep, story_log: Path, tmp_path: Path
) -> None:
    sitrep("render", story_log, "-o", tmp_path / "report.md", ok=True)
    assert (tmp_path / "report.md").read_text().startswith("# Situation report")


def test_render_known_at_reproduces_an_earlier_report(sitrep: Sitrep, story_log: Path) -> None:
    then = sitrep("render", story_log, "-f", "markdown", "--known-at", "2017-08-29T12:00Z")
    assert then.code == 0, then.err
    assert "halted" not in then.out
    assert "McGurk" in then.out
    now = sitrep("render", story_log, "-f", "markdown", "--since", "2017-08-29T12:00Z")
    assert now.code == 0, now.err
    assert "halted" in now.out


def test_an_unknown_format_writes_nothing(sitrep: Sitrep, story_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    done = sitrep("render", story_log, "--format", "pdf", "-o", out)
    assert done.code == 2
    assert len(done.err_lines) == 1
    assert "no renderer for format 'pdf'; known formats: " in done.err
    assert "html" in done.err and "markdown" in done.err
    assert not out.exists()


def test_an_unknown_extension_without_format(
    sitrep: Sitrep, story_log: Path, tmp_path: Path
) -> None:
    done = sitrep("render", story_log, "-o", tmp_path / "report.pdf")
    assert done.code == 2
    assert len(done.err_lines) == 1
    assert done.err.startswith("no renderer writes .pdf; known extensions: ")


def test_no_format_at_all(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("render", story_log)
    assert done.code == 2
    assert len(done.err_lines) == 1
    assert done.err.startswith("give --format (known formats: ")


def test_render_help_lists_the_formats(sitrep: Sitrep) -> None:
    done = sitrep("render", "--help", ok=True)
    assert "Formats:" in done.out
    assert "html" in done.out and "markdown" in done.out
    assert "Examples:" in done.out


def test_render_into_a_missing_directory(sitrep: Sitrep, story_log: Path, tmp_path: Path) -> None:
    done = sitrep("render", story_log, "-f", "html", "-o", tmp_path / "no" / "report.html")
    assert done.code == 2
    assert len(done.err_lines) == 1
