"""The shape of the costs, without timing anything: what grows with the log and what
does not (timings are the benchmarks' job: ``benchmarks/bench_replay.py``).

- a report of a large log stays bounded: with small caps, doubling the log does not
  grow the documents, and every capped list says what it left out;
- replay streams: decoded records are let go once applied, unless a projection keeps them;
- a replay or a report after one new event, from live checkpoints, reads that event
  (and the one record that proves the checkpoint is of this log), not the log;
- a reader that has not indexed a JSON Lines file finds a position by bisection;
- an encoded event costs its length in memory, not the JSON writer's buffer;
- decoded events share what repeats (lists of names, the empty mappings most leave
  their attribution and vehicles at) and do not intern what never repeats (their ids);
- a command that appends, or shows a kept report, loads no renderer, report or
  built-in projection (each ``sitrep`` command is a new process that would pay for it);
"""

from __future__ import annotations

import sys
import tracemalloc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest

import sitrep_core as sr
from sitrep_core.projections import Fact, ViewContext, builtin_projections
from sitrep_core.report import _report
from sitrep_core.stores._jsonl import _seek_position

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import synthetic


def synthetic_log(n: int, target: str = "memory:", seed: int = 2017) -> sr.EventLog:
    log = sr.open_log(target)
    events = list(synthetic.events(n, seed))
    for at in range(0, len(events), 500):
        log.append(events[at : at + 500])
    return log


class CountingLog(sr.EventLog):
    """Wraps a log: counts the records read, and tracks the events still alive."""

    def __init__(self, inner: sr.EventLog) -> None:
        super().__init__(inner.codec)
        self.inner = inner
        self.read_count = 0
        self._alive: dict[int, weakref.ref[sr.Event]] = {}

    @property
    def alive(self) -> int:
        """How many of the events read are still in memory."""
        return len(self._alive)

    def read(self, from_position: int = 1, *, types: Any = None) -> Iterator[sr.Record]:
        for record in self.inner.read(from_position, types=types):
            self.read_count += 1
            self._track(record.event)
            yield record

    def _track(self, event: sr.Event) -> None:
        key = id(event)

        def gone(_: object) -> None:
            self._alive.pop(key, None)

        self._alive[key] = weakref.ref(event, gone)

    @property
    def head(self) -> int:
        return self.inner.head

    @property
    def name(self) -> str:
        return self.inner.name

    def _locked(self) -> Any:
        return self.inner._locked()

    def _tip(self) -> tuple[int, str]:
        return self.inner._tip()

    def _find(self, event_ids: Any) -> Any:
        return self.inner._find(event_ids)

    def _stream_versions(self, streams: Any) -> Any:
        return self.inner._stream_versions(streams)

    def _write(self, rows: Any) -> None:
        self.inner._write(rows)

    def _scan(self, from_position: int, **options: Any) -> Iterator[Any]:
        return self.inner._scan(from_position, **options)


# -- bounded reports ------------------------------------------------------------------------


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (
        ("FIGURE_LIMIT", 6),
        ("CLAIMS_LIMIT", 3),
        ("ROUTE_LIMIT", 4),
        ("EVENTS_LIMIT", 3),
        ("HISTORY_LIMIT", 2),
        ("CHANGES_LIMIT", 5),
    ):
        monkeypatch.setattr(_report, name, value)


def test_a_report_of_a_large_log_stays_bounded(small_caps: None) -> None:
    # by 10,000 events the synthetic situation has all its convoys, actors and subjects:
    # from then on only the events grow, and what grows with them is capped
    sizes: dict[int, dict[str, int]] = {}
    for n in (10_000, 20_000):
        log = synthetic_log(n)
        report = sr.build_report(log, timeline_limit=10)
        sizes[n] = {f: len(sr.render(report, f)) for f in ("markdown", "html", "json")}
        full = sr.replay(log)
        assert len(report.figures) <= 6
        assert len(report.figures) + report.figures_omitted == len(full["figures"])
        assert all(len(c.claims) <= 3 for f in report.figures for c in [f])
        for convoy, whole in zip(report.convoys, full["convoys"], strict=True):
            assert len(convoy.route) <= 4 and len(convoy.strikes) <= 3 and len(convoy.aid) <= 3
            assert len(convoy.route) + convoy.route_omitted == len(whole.route)
            assert convoy.route == whole.route[len(whole.route) - len(convoy.route) :]
            assert len(convoy.strikes) + convoy.strikes_omitted == len(whole.strikes)
        for stance, whole in zip(report.stances, full["stances"], strict=True):
            assert len(stance.history) <= 2
            assert len(stance.history) + stance.history_omitted == len(whole.history)
        assert report.sources == full["sources"]  # one line a source, however often cited
        assert all(len(u.changes) <= 5 for u in report.updates)
        assert len(report.timeline) == 10 and report.timeline_total > 1000
    for name in ("markdown", "html", "json"):
        # twice the events, about the same document
        assert sizes[20_000][name] < sizes[10_000][name] * 1.1, (name, sizes)


def test_capped_lists_say_what_they_left_out(small_caps: None) -> None:
    report = sr.build_report(synthetic_log(3000), timeline_limit=10)
    markdown = sr.render(report, "markdown")
    html = sr.render(report, "html")
    figures = f"{report.figures_omitted:,} more figures are not shown here"
    assert figures in markdown and figures in html
    omitted = next(c.route_omitted for c in report.convoys if c.route_omitted)
    assert f"{omitted} earlier points not shown." in markdown
    assert f"{omitted} earlier points not shown." in html


def test_the_caps_keep_small_reports_whole() -> None:
    # 200 events: convoys, figures, stances and sources, every list under its cap
    log = synthetic_log(200)
    report = sr.build_report(log)
    full = sr.replay(log)
    assert full["convoys"] and full["figures"] and full["stances"] and full["sources"]
    assert any(c.route for c in full["convoys"]) and all(s.events for s in full["sources"])
    assert report.figures == full["figures"] and report.figures_omitted == 0
    assert report.convoys == full["convoys"]
    assert report.stances == full["stances"]
    assert report.sources == full["sources"]
    assert report.timeline == full["timeline"] and report.timeline_total == len(full["timeline"])
    assert all(u.omitted == 0 for u in report.updates)


# -- streaming replay -----------------------------------------------------------------------


class _Strikes(sr.Projection[list[Fact], tuple[int, int]]):
    """Takes only strikes and keeps them; its view also says how many decoded events
    were alive when it was made (at the end of the fold)."""

    name = "strikes"
    types = frozenset({"strike"})

    def __init__(self, log: CountingLog) -> None:
        self.log = log

    def initial(self) -> list[Fact]:
        return []

    def apply(self, state: list[Fact], fact: Fact) -> None:
        state.append(fact)

    def view(self, state: list[Fact], context: ViewContext) -> tuple[int, int]:
        return len(state), self.log.alive


@pytest.mark.parametrize("backend", ["jsonl", "sqlite"])
def test_replay_lets_go_of_records_no_projection_takes(backend: str, tmp_path: Path) -> None:
    log = CountingLog(synthetic_log(4000, str(tmp_path / f"log.{backend}")))
    snapshot = sr.replay(log, [_Strikes(log)])
    assert log.read_count == 4000
    # what is alive: the strikes the projection keeps, and the directory's reference data
    strikes, alive = snapshot["strikes"]
    reference = sum(1 for _ in log.inner.read(types=["actor", "place", "subject"]))
    assert strikes > 0 and alive == strikes + reference < 4000 / 4


class _MemoryAtViews(sr.Projection[None, int]):
    """Its view is the memory traced when the views are made (after the fold)."""

    name = "memory-at-views"
    types = frozenset({"no such type"})

    def initial(self) -> None:
        return None

    def apply(self, state: None, fact: Fact) -> None:
        pass

    def view(self, state: None, context: ViewContext) -> int:
        return tracemalloc.get_traced_memory()[0]


def _held_at_views(log: sr.EventLog, checkpoints: sr.Checkpoints | None) -> int:
    log.codec.shared.clear()  # every value decoded afresh, whatever came before
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        projections = [_MemoryAtViews(), *builtin_projections()]  # measured first
        held: int = sr.replay(log, projections, checkpoints=checkpoints)["memory-at-views"]
        return held - before
    finally:
        tracemalloc.stop()


def test_a_replay_lets_go_of_what_its_views_do_not_need(tmp_path: Path) -> None:
    n = 3000
    log = synthetic_log(n, str(tmp_path / "log.jsonl"))
    read = list(log.read())
    assert len(log.codec.shared) > 100  # a read keeps the values it shared, for the next
    del read
    sr.replay(log)  # what a process makes once (the codec's functions, the names)
    kept = _held_at_views(log, sr.MemoryCheckpoints())  # the state kept whole
    assert len(log.codec.shared) == 0  # the replay let go of its decoder's table
    held = _held_at_views(log, None)
    # without checkpoints nothing folds into the state again: the index of facts by id
    # goes before the views are made
    assert held < kept - 20 * n, (held, kept)
    log.close()


# -- incremental work -----------------------------------------------------------------------


def test_replay_after_one_event_from_live_checkpoints_reads_two_records(tmp_path: Path) -> None:
    log = CountingLog(synthetic_log(3000, str(tmp_path / "log.jsonl")))
    checkpoints = sr.MemoryCheckpoints()
    sr.replay(log, checkpoints=checkpoints)
    for i in range(3):
        log.append([sr.Statement(occurred="2018", speaker="AG1", subject="x", stances=["denies"])])
        log.read_count = 0
        resumed = sr.replay(log, checkpoints=checkpoints)
        assert log.read_count == 2  # the checkpoint's record, to check its hash, and the new one
        assert resumed == sr.replay(log.inner)


def test_a_report_after_one_event_reads_only_it_and_equals_a_cold_one(tmp_path: Path) -> None:
    log = CountingLog(synthetic_log(3000, str(tmp_path / "log.jsonl")))
    checkpoints = sr.MemoryCheckpoints()
    sr.build_report(log, checkpoints=checkpoints)
    for i in range(4):
        # minutes apart and in the same minute: new dated updates, and the latest again
        event = sr.ConvoyMove(occurred=f"2018-01-0{i + 1}", convoy="convoy-2", status="halted")
        log.append([event])
        log.read_count = 0
        warm = sr.build_report(log, checkpoints=checkpoints)
        assert log.read_count == 2
        cold = sr.build_report(log.inner)
        assert attrs.evolve(warm, log=cold.log) == cold


def test_a_fresh_reader_finds_a_position_by_bisection(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    synthetic_log(6000, str(path)).close()

    class Counting:
        def __init__(self, handle: Any) -> None:
            self.handle, self.lines = handle, 0

        def readline(self) -> bytes:
            self.lines += 1
            line: bytes = self.handle.readline()
            return line

        def seek(self, *args: Any) -> int:
            return int(self.handle.seek(*args))

        def tell(self) -> int:
            return int(self.handle.tell())

    for position in (2, 999, 1000, 1001, 4321, 6000):
        with open(path, "rb") as handle:
            counting = Counting(handle)
            assert _seek_position(counting, position) == position - 1
            assert orjson.loads(handle.readline())["position"] == position
            assert counting.lines < 200
    with open(path, "rb") as handle:
        assert _seek_position(handle, 6001) is None  # past the end: read line by line
    fresh = sr.open_log(path)
    assert [r.position for _, r in zip(range(2), fresh.read(4321), strict=False)] == [4321, 4322]


def test_an_encoded_event_holds_no_more_memory_than_its_bytes() -> None:
    """A batch holds its events' encoded bytes until it is written: each must cost
    about its length, not the JSON writer's whole buffer."""
    codec = sr.Codec()
    events = list(synthetic.events(1000))
    for event in events:  # the codec makes each type's functions when first used
        codec.encode(event)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        encoded = [codec.encode(event) for event in events]
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    length = sum(map(len, encoded))
    assert held < 1.5 * length + 100 * len(encoded), (held, length)


def test_decoded_events_share_what_repeats_and_intern_no_id(tmp_path: Path) -> None:
    log = synthetic_log(3000, str(tmp_path / "log.jsonl"))
    events = [record.event for record in sr.open_log(tmp_path / "log.jsonl").read()]
    objects: dict[tuple[str, ...], set[int]] = {}
    uses: dict[tuple[str, ...], int] = {}
    for event in events:
        for value in attrs.asdict(event, recurse=False).values():
            if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
                objects.setdefault(value, set()).add(id(value))
                uses[value] = uses.get(value, 0) + 1
    assert max(uses.values()) > 100  # ("convoy-1",) and the like, again and again
    assert all(len(ids) == 1 for ids in objects.values())
    empty = {id(e.attribution) for e in events if not e.attribution}
    empty |= {id(e.vehicles) for e in events if isinstance(e, sr.ConvoyMove) and not e.vehicles}
    assert len(empty) == 1
    # an id is one of a kind: a fresh copy of it is not found among interned strings
    for event in events[:: len(events) // 20]:
        copy = "".join(list(event.id))
        assert sys.intern(copy) is copy, event.id
    log.close()


def test_an_empty_mapping_an_event_shares_cannot_be_changed() -> None:
    first = sr.ConvoyMove(occurred="2017-08-29", convoy="c1", status="moving")
    second = sr.ConvoyMove(occurred="2017-08-30", convoy="c2", status="halted")
    assert first.vehicles is second.vehicles and first.vehicles == {} == first.attribution
    with pytest.raises(TypeError, match="cannot be changed"):
        first.vehicles["bus"] = sr.Count.exact(3)
    with pytest.raises(TypeError, match="cannot be changed"):
        first.attribution.update({"status": ("AP",)})
    assert second.vehicles == {} and second.attribution == {}
    given = sr.ConvoyMove(occurred="2017-08-29", convoy="c1", vehicles={"bus": 3})
    given.vehicles["car"] = sr.Count.exact(1)  # a mapping of its own is the event's
    assert first.vehicles == {}


# -- what a short command loads ---------------------------------------------------------

RENDERING = (
    "jinja2",
    "babel",
    "sitrep_core.report",
    "sitrep_core.projections._convoys",
    "sitrep_core.renderers._markdown",
    "sitrep_core.renderers._html",
    "sitrep_core.renderers._json",
)
"""Modules only a render (or a replay) needs."""

_LOADED_AFTER = """
import json, sys
from sitrep_core.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps(sorted(sys.modules)))
"""


def modules_loaded_by(*args: str) -> set[str]:
    """The modules a new ``sitrep`` process has loaded when the command is done (the
    installed plugins loaded, as a script's commands load them)."""
    import json
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("SITREP_")}
    done = subprocess.run(
        [sys.executable, "-c", _LOADED_AFTER, *args],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def rendering_modules(loaded: set[str]) -> list[str]:
    return sorted(m for m in loaded if m.split(".")[0] in RENDERING or m in RENDERING)


def test_appending_and_showing_a_kept_report_load_nothing_that_renders(tmp_path: Path) -> None:
    log = str(tmp_path / "log.jsonl")
    with sr.open_log(log) as opened:
        opened.append(list(synthetic.events(300, 7)))
    add = ["add", log, "statement", "--occurred", "2017-08-29", "--speaker", "actor-01"]
    added = modules_loaded_by(*add, "--subject", "ceasefire", "--stances", "condemns")
    assert rendering_modules(added) == []
    cache = ["--cache-dir", str(tmp_path / "cache")]
    render = ["render", log, "-f", "markdown", "-o", str(tmp_path / "out.md"), *cache]
    assert "sitrep_core.renderers._markdown" in modules_loaded_by(*render)  # rendered
    assert rendering_modules(modules_loaded_by(*render)) == []  # kept, shown again
