"""``sitrep render`` keeps what it rendered: a script's next render of a log nothing
was added to is the kept text, and a kept text that is edited, truncated, of another
log or out of date is rebuilt, never shown."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

import orjson
import pytest
from _clitools import EVACUATION, HALT, STATEMENT_RECORDED, STRIKE, Sitrep, jsonl, needs_plugins

from sitrep_core import open_log

KEPT = ", as last rendered: nothing added since)"


@pytest.fixture(autouse=True)
def _plugins() -> None:
    needs_plugins()


def settle(target: str) -> None:
    """Date the log's files two minutes back, as a log last written a while ago is
    (a file changed a moment before a render is not kept: its times cannot vouch for
    its content)."""
    if "://" in target:
        return
    past = time.time() - 120
    for path in (Path(target), Path(f"{target}-wal")):
        if path.exists():
            os.utime(path, (past, past))


@pytest.fixture
def kept_log(targets: object, sitrep: Sitrep, tmp_path: Path) -> str:
    """A log of the CLI's stores holding three events, last written a while ago."""
    target: str = targets.new()  # type: ignore[attr-defined]
    events = tmp_path / "first.jsonl"
    events.write_text(jsonl(EVACUATION, STATEMENT_RECORDED, STRIKE), encoding="utf-8")
    sitrep("init", target, ok=True)
    sitrep("append", target, events, ok=True)
    settle(target)
    return target


def render(sitrep: Sitrep, target: str, out: Path, *more: str | Path) -> tuple[str, str, str]:
    """Render ``target`` to ``out``: what the command said on stdout and stderr, and
    the text it wrote."""
    done = sitrep("render", target, "-f", "markdown", "-o", out, *more)
    assert done.code == 0, done.err
    return done.out, done.err, out.read_text(encoding="utf-8")


def fresh(sitrep: Sitrep, target: str, tmp_path: Path) -> str:
    """The report replayed from the log, with no cache at all."""
    return render(sitrep, target, tmp_path / "fresh.md", "--no-cache")[2]


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.render"))


def test_the_next_render_of_an_unchanged_log_is_the_kept_text(
    sitrep: Sitrep, kept_log: str, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    said, _, first = render(sitrep, kept_log, tmp_path / "a.md", "--cache-dir", cache)
    assert not said.endswith(KEPT + "\n")
    said, err, again = render(sitrep, kept_log, tmp_path / "b.md", "--cache-dir", cache)
    assert said.endswith(KEPT + "\n")
    assert err == ""
    assert again == first == fresh(sitrep, kept_log, tmp_path)
    assert len(entries(cache)) == 1


def test_each_format_and_set_of_options_is_kept_apart(
    sitrep: Sitrep, kept_log: str, tmp_path: Path
) -> None:
    cache = ("--cache-dir", str(tmp_path / "cache"))
    out = tmp_path / "out.md"
    render(sitrep, kept_log, out, *cache)
    earlier, _, text = render(sitrep, kept_log, out, *cache, "--known-at", "2017-08-29T12:00Z")
    assert not earlier.endswith(KEPT + "\n")
    assert "cratered" not in text  # the strike was recorded on 30 August
    html = sitrep("render", kept_log, "-f", "html", *cache)
    assert html.out.lstrip().lower().startswith("<!doctype html")
    said, _, text = render(sitrep, kept_log, out, *cache)
    assert said.endswith(KEPT + "\n")
    assert "cratered" in text
    assert len(entries(tmp_path / "cache")) == 3


def test_a_log_appended_to_by_another_process_is_rendered_anew(
    sitrep: Sitrep,
    script: Callable[..., subprocess.CompletedProcess[str]],
    kept_log: str,
    tmp_path: Path,
) -> None:
    cache = ("--cache-dir", str(tmp_path / "cache"))
    _, _, before = render(sitrep, kept_log, tmp_path / "a.md", *cache)
    assert "As Sukhnah" not in before
    more = tmp_path / "more.jsonl"
    more.write_text(jsonl(HALT), encoding="utf-8")
    done = script("append", kept_log, more)
    assert done.returncode == 0, done.stderr
    settle(kept_log)
    said, _, after = render(sitrep, kept_log, tmp_path / "b.md", *cache)
    assert not said.endswith(KEPT + "\n")
    assert "As Sukhnah" in after
    assert after == fresh(sitrep, kept_log, tmp_path)


def damage_and_render(
    sitrep: Sitrep, target: str, tmp_path: Path, damage: Callable[[Path], None], why: str | None
) -> None:
    """Keep a render, damage its entry, and render again: the note says why the entry
    was not used (no note when ``why`` is None: an entry merely out of date), the
    report is the log's, and the entry is whole again."""
    cache = tmp_path / "cache"
    render(sitrep, target, tmp_path / "a.md", "--cache-dir", cache)
    [entry] = entries(cache)
    damage(entry)
    said, err, text = render(sitrep, target, tmp_path / "b.md", "--cache-dir", cache)
    assert not said.endswith(KEPT + "\n")
    assert why in err if why is not None else "render cache entry" not in err
    assert text == fresh(sitrep, target, tmp_path)
    said, err, _ = render(sitrep, target, tmp_path / "c.md", "--cache-dir", cache)
    assert said.endswith(KEPT + "\n") and err == ""


def test_an_edited_entry_is_rebuilt(sitrep: Sitrep, kept_log: str, tmp_path: Path) -> None:
    def edit(entry: Path) -> None:
        data = entry.read_bytes()
        entry.write_bytes(data.replace(b"cratered", b"repaired"))

    damage_and_render(sitrep, kept_log, tmp_path, edit, "does not match its digest")


def test_a_truncated_entry_is_rebuilt(sitrep: Sitrep, kept_log: str, tmp_path: Path) -> None:
    def truncate(entry: Path) -> None:
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])

    damage_and_render(sitrep, kept_log, tmp_path, truncate, "does not match its digest")


def test_an_entry_cut_inside_its_header_is_rebuilt(
    sitrep: Sitrep, kept_log: str, tmp_path: Path
) -> None:
    def cut(entry: Path) -> None:
        entry.write_bytes(entry.read_bytes()[:100])

    damage_and_render(sitrep, kept_log, tmp_path, cut, "its header cannot be read")


def test_another_logs_entry_is_rebuilt(
    sitrep: Sitrep, kept_log: str, targets: object, tmp_path: Path
) -> None:
    other: str = targets.new()  # type: ignore[attr-defined]
    events = tmp_path / "other.jsonl"
    events.write_text(jsonl(HALT), encoding="utf-8")
    sitrep("init", other, ok=True)
    sitrep("append", other, events, ok=True)
    settle(other)
    cache = tmp_path / "cache"
    render(sitrep, other, tmp_path / "other.md", "--cache-dir", cache)
    [foreign] = entries(cache)
    foreign_bytes = foreign.read_bytes()

    def swap(entry: Path) -> None:
        entry.write_bytes(foreign_bytes)  # the other log's entry, whole, in this one's place

    foreign.unlink()
    damage_and_render(sitrep, kept_log, tmp_path, swap, "not an entry of this log")


def test_a_planted_entry_that_claims_this_log_is_not_trusted(
    sitrep: Sitrep, kept_log: str, tmp_path: Path
) -> None:
    """An entry rewritten with a new digest but an older head is out of date: rebuilt."""

    def plant(entry: Path) -> None:
        header, _, body = entry.read_bytes().partition(b"\n")
        fields = orjson.loads(header)
        fields["log"]["position"] -= 1
        entry.write_bytes(orjson.dumps(fields) + b"\n" + body)

    damage_and_render(sitrep, kept_log, tmp_path, plant, None)


def test_damage_to_the_log_is_found_though_a_render_was_kept(
    sitrep: Sitrep, jsonl_log: Path, tmp_path: Path
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(jsonl(EVACUATION, STATEMENT_RECORDED, STRIKE), encoding="utf-8")
    sitrep("append", jsonl_log, events, ok=True)
    settle(str(jsonl_log))
    render(sitrep, str(jsonl_log), tmp_path / "a.md")
    lines = jsonl_log.read_bytes().split(b"\n")
    edited = lines[0].replace(b"Hezbollah", b"Hizballah")
    assert edited != lines[0] and len(edited) == len(lines[0])
    jsonl_log.write_bytes(b"\n".join([edited, *lines[1:]]))
    done = sitrep("render", jsonl_log, "-f", "markdown")
    assert done.code == 1
    assert "line 1" in done.err


def test_off_and_placed(
    sitrep: Sitrep, kept_log: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = Path(os.environ["XDG_CACHE_HOME"]) / "sitrep"
    render(sitrep, kept_log, tmp_path / "a.md", "--no-cache")
    said, _, _ = render(sitrep, kept_log, tmp_path / "a.md", "--no-cache")
    assert not said.endswith(KEPT + "\n")
    assert not default.exists()
    monkeypatch.setenv("SITREP_NO_CACHE", "1")
    render(sitrep, kept_log, tmp_path / "a.md")
    assert not default.exists()
    monkeypatch.delenv("SITREP_NO_CACHE")
    monkeypatch.setenv("SITREP_CACHE_DIR", str(tmp_path / "placed"))
    render(sitrep, kept_log, tmp_path / "a.md")
    assert len(entries(tmp_path / "placed")) == 1 and not default.exists()
    monkeypatch.delenv("SITREP_CACHE_DIR")
    render(sitrep, kept_log, tmp_path / "a.md")
    [entry] = entries(default)
    assert oct(entry.stat().st_mode & 0o777) == oct(0o600)
    assert oct(default.stat().st_mode & 0o777) == oct(0o700)


def test_a_directory_others_may_write_is_not_used(
    sitrep: Sitrep, kept_log: str, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    for _ in range(2):
        said, err, text = render(sitrep, kept_log, tmp_path / "a.md", "--cache-dir", shared)
        assert not said.endswith(KEPT + "\n")
        assert "writable by other users" in err
    assert entries(shared) == []
    assert text == fresh(sitrep, kept_log, tmp_path)


def test_a_cache_that_cannot_be_written_does_not_stop_the_render(
    sitrep: Sitrep, kept_log: str, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    _, err, text = render(sitrep, kept_log, tmp_path / "a.md", "--cache-dir", blocked / "c")
    assert "not written" in err
    assert text == fresh(sitrep, kept_log, tmp_path)


def test_a_log_written_a_moment_ago_is_not_kept(
    sitrep: Sitrep, jsonl_log: Path, tmp_path: Path
) -> None:
    """File times are only as fine as the clock tick: an edit in the same tick as the
    last append would leave them unchanged, so such a render is not kept. (The file is
    dated a second ahead: changed "a moment ago" however long the render takes to
    start.)"""
    events = tmp_path / "events.jsonl"
    events.write_text(jsonl(EVACUATION), encoding="utf-8")
    sitrep("append", jsonl_log, events, ok=True)
    ahead = time.time() + 1
    os.utime(jsonl_log, (ahead, ahead))
    cache = tmp_path / "cache"
    render(sitrep, str(jsonl_log), tmp_path / "a.md", "--cache-dir", cache)
    assert entries(cache) == []


def test_a_file_of_events_is_never_kept(
    sitrep: Sitrep, tmp_path: Path, write_events: Callable[..., Path]
) -> None:
    events = write_events(EVACUATION, STRIKE)
    settle(str(events))
    cache = tmp_path / "cache"
    render(sitrep, str(events), tmp_path / "a.md", "--cache-dir", cache)
    assert not cache.exists()


CONCURRENT_RENDER = """
import subprocess, sys
script, log, out, cache, rounds = sys.argv[1:]
for n in range(int(rounds)):
    subprocess.run(
        [script, "render", log, "-f", "json", "--name", "shared", "--cache-dir", cache,
         "-o", f"{out}-{n}.json"],
        check=True, capture_output=True,
    )
"""


@pytest.mark.parametrize("backend", ["jsonl", "sqlite"], indirect=True)
def test_concurrent_renders_and_appends_show_whole_reports_of_the_log(
    sitrep: Sitrep,
    kept_log: str,
    tmp_path: Path,
    script: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    """Renderers in processes of their own, while another appends one event after
    another: every report is the log's at some head (the same as a report of a copy of
    the log cut there, with no cache), and every entry read is whole."""
    cache = tmp_path / "cache"
    found = script("render", kept_log, "-f", "json", "--help")  # the script is there
    assert found.returncode == 0
    sitrep_path = str(Path(sys.executable).with_name("sitrep"))
    renderers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CONCURRENT_RENDER,
                sitrep_path,
                kept_log,
                str(tmp_path / f"r{i}"),
                str(cache),
                "3",
            ]
        )
        for i in range(2)
    ]
    torn: list[str] = []
    stop = threading.Event()

    def read_entries() -> None:
        while not stop.is_set():
            for entry in entries(cache) if cache.exists() else []:
                try:
                    header, _, body = entry.read_bytes().partition(b"\n")
                except FileNotFoundError:
                    continue
                if orjson.loads(header)["bytes"] != len(body):
                    torn.append(entry.name)
            time.sleep(0.005)

    reader = threading.Thread(target=read_entries)
    reader.start()
    try:
        for minute in range(3):
            event = {**HALT, "id": f"halt-{minute}", "recorded": f"2017-08-30T17:0{minute}:00Z"}
            more = tmp_path / f"more-{minute}.jsonl"
            more.write_text(jsonl(event), encoding="utf-8")
            done = script("append", kept_log, more)
            assert done.returncode == 0, done.stderr
            time.sleep(0.3)
        for child in renderers:
            assert child.wait(timeout=240) == 0
    finally:
        stop.set()
        reader.join()
    assert torn == []
    assert not list(cache.glob(".entry-*"))
    reports = sorted(tmp_path.glob("r*-*.json"))
    assert len(reports) == 6
    with open_log(kept_log, create=False) as log:
        raw = list(log.raw_records())
    expected: dict[int, object] = {}
    for report in reports:
        got = orjson.loads(report.read_bytes())
        position = got["log"]["position"]
        if position not in expected:
            cut = tmp_path / f"cut-{position}.jsonl"
            with open_log(cut) as copy:
                copy.append_raw(islice(raw, position))
            done = sitrep("render", cut, "-f", "json", "--name", "shared", "--no-cache")
            expected[position] = orjson.loads(done.out)
        assert got == expected[position], report.name


@pytest.mark.parametrize("backend", ["jsonl", "sqlite"], indirect=True)
def test_a_script_appending_then_rendering_twice_gets_the_kept_report(
    kept_log: str, tmp_path: Path, script: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    """One command after another, each a process of its own: the first render after
    an append replays the log, the next is the kept one."""
    more = tmp_path / "more.jsonl"
    more.write_text(jsonl(HALT), encoding="utf-8")
    assert script("append", kept_log, more).returncode == 0
    first = script("render", kept_log, "-o", tmp_path / "a.md")
    again = script("render", kept_log, "-o", tmp_path / "b.md")
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert not first.stdout.endswith(KEPT + "\n")
    assert again.stdout.endswith(KEPT + "\n")
    assert (tmp_path / "a.md").read_text() == (tmp_path / "b.md").read_text()


def test_a_log_with_a_torn_last_line_is_rendered_from_the_log(
    sitrep: Sitrep, jsonl_log: Path, tmp_path: Path
) -> None:
    """The head of a JSON Lines log is read from its last line before the log is
    opened; a last line cut short (a writer killed mid-batch) is the store's to judge,
    and the report is the log's whole batches."""
    events = tmp_path / "events.jsonl"
    events.write_text(jsonl(EVACUATION, STATEMENT_RECORDED), encoding="utf-8")
    sitrep("append", jsonl_log, events, ok=True)
    whole = fresh(sitrep, str(jsonl_log), tmp_path)
    with jsonl_log.open("ab") as handle:
        handle.write(b'{"position":3,"prev":"')
    settle(str(jsonl_log))
    for name in ("a.md", "b.md"):
        _, _, text = render(sitrep, str(jsonl_log), tmp_path / name)
        assert text == whole
