"""``sitrep render``: the report in any loaded format, to stdout or a file."""

from __future__ import annotations

from pathlib import Path

import orjson
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


def _database_name(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(url)["dbname"])


def test_the_report_names_the_log_without_where_it_lives(
    sitrep: Sitrep, log_target: str, story_log: Path, tmp_path: Path
) -> None:
    sitrep("copy", story_log, log_target, ok=True)
    postgres = log_target.startswith("postgresql://")
    expected = _database_name(log_target) if postgres else Path(log_target).name
    hidden = ["postgres@", "127.0.0.1", "localhost", "search_path"] if postgres else [str(tmp_path)]
    for fmt in ("markdown", "json", "html"):
        done = sitrep("render", log_target, "-f", fmt)
        assert done.code == 0, done.err
        assert expected in done.out, fmt
        assert not [h for h in hidden if h in done.out], fmt
        if fmt == "json":
            assert orjson.loads(done.out)["log"]["name"] == expected


def test_name_gives_the_log_the_name_the_report_shows(sitrep: Sitrep, story_log: Path) -> None:
    done = sitrep("render", story_log, "-f", "json", "--name", "Qalamoun desk")
    assert done.code == 0, done.err
    assert orjson.loads(done.out)["log"]["name"] == "Qalamoun desk"
    markdown = sitrep("render", story_log, "-f", "markdown", "--name", "Qalamoun desk", ok=True)
    assert "Qalamoun desk" in markdown.out
    assert story_log.name not in markdown.out
