"""Replay, append, re-render and render times of a realistic log, beside eventsourcing
doing the same work and two floors, in one run.

    python benchmarks/bench_replay.py [--sizes 10000,100000,1000000] [--quick]
        [--repeat 3] [--workdir DIR] [--markdown FILE]

For each size N a synthetic log of N events is generated once (``synthetic.py``: every
built-in type, convoys and actors, graded sources, qualified counts, corrections and
retractions) and kept in the work directory. Every figure is measured in a process of
its own, so peaks of memory do not mix; a figure is the median of ``--repeat`` runs
(one run at a million events and more, where a figure takes minutes).

- batched durable append (events/s, batches of 1,000) and single-event durable append
  (appends/s, each made durable on its own, onto the store holding the N events) for
  memory, JSON Lines, SQLite, and PostgreSQL when ``SITREP_TEST_POSTGRES_URL`` is set;
  the floor of a single append is a bare ``os.write`` + ``os.fsync`` loop of lines of
  the same size;
- cold replay of the whole log into every built-in projection (events/s), with the
  views made and a whole report built, and peak RSS (``ru_maxrss``);
- re-render after appending one event, with checkpoints (ms), and rendering each
  built-in format of the report of the whole log;
- eventsourcing (9.x) saving and replaying the same events as plain dicts, an aggregate
  per convoy (and one per event type for the rest), with its SQLite and in-memory
  (POPO) recorders;
- two floors on the same file: orjson parsing each line, and orjson plus building the
  same attrs events by plain constructor calls.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import orjson

import sitrep_core as sr

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

GENERATOR = "synthetic-v1"
BATCH = 1000
CONVOY_KEY = ("convoy", "type")


# -- the child: one measurement, printed as JSON ------------------------------------------


def rss_now() -> float:
    """Resident memory now, in MB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_peak() -> float:
    """The process's peak resident memory, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stored_events(path: Path) -> list[sr.Event]:
    with sr.open_log(path) as log:
        return list(log.events())


@contextmanager
def store(backend: str, workdir: Path, label: str) -> Iterator[str]:
    """A fresh target of ``backend`` (removed afterwards)."""
    if backend == "memory":
        yield "memory:"
    elif backend in ("jsonl", "sqlite"):
        path = workdir / f"{label}-{uuid.uuid4().hex[:8]}.{backend}"
        try:
            yield str(path)
        finally:
            for leftover in workdir.glob(f"{path.name}*"):
                leftover.unlink()
    elif backend == "postgresql":
        with postgres_schema(os.environ["SITREP_TEST_POSTGRES_URL"]) as url:
            yield url
    else:
        raise ValueError(backend)


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL whose connections work in a new schema, dropped afterwards."""
    import psycopg

    schema = f"sitrep_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def bare_fsync(directory: Path, size: int, lines: int) -> float:
    """Appends per second of a bare ``os.write`` + ``os.fsync`` loop, lines of ``size``."""
    path = directory / f"bare-{uuid.uuid4().hex}.bin"
    line = b"x" * (size - 1) + b"\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o644)
    try:
        started = time.perf_counter()
        for _ in range(lines):
            os.write(fd, line)
            os.fsync(fd)
        elapsed = time.perf_counter() - started
    finally:
        os.close(fd)
        path.unlink()
    return lines / elapsed


def measure_append(args: dict[str, Any]) -> dict[str, Any]:
    workdir = Path(args["workdir"])
    events = stored_events(Path(args["log"]))
    singles = [
        sr.Statement(
            id=f"single-{i}",
            occurred=f"2019-01-01T00:{i % 60:02d}",
            speaker="AG3",
            actor="actor-03",
            subject="convoy",
            stance="condemns",
            quote="We will not allow this to continue.",
            sources=cast(Any, events[-1].sources),
        )
        for i in range(args["singles"])
    ]
    with open(args["log"], "rb") as handle:  # the mean record line, as the store writes it
        sample = [len(line) for _, line in zip(range(2000), handle, strict=False)]
    size = round(statistics.fmean(sample))
    backend = args["backend"]
    with store(backend, workdir, "append") as target:
        log = sr.open_log(target)
        gc.collect()
        started = time.perf_counter()
        for at in range(0, len(events), BATCH):
            log.append(events[at : at + BATCH])
        batched = time.perf_counter() - started
        assert log.head == len(events)
        if backend != "memory":  # a new handle, as a new process would open it
            log.close()
            log = sr.open_log(target)
        started = time.perf_counter()
        log.append(singles[:1])
        first = time.perf_counter() - started
        started = time.perf_counter()
        for event in singles[1:]:
            log.append([event])
        single = time.perf_counter() - started
        log.close()
    bare = bare_fsync(workdir, size, len(singles) - 1)
    return {
        "batched": len(events) / batched,
        "single": (len(singles) - 1) / single,
        "first_single_s": first,
        "bare_fsync": bare,
        "line_size": size,
        "rss_peak": rss_peak(),
    }


def measure_replay(args: dict[str, Any]) -> dict[str, Any]:
    path = Path(args["log"])
    target: str = str(path)
    if args["backend"] == "sqlite":
        target = str(Path(args["workdir"]) / f"replay-{path.stem}.sqlite")
    log = sr.open_log(target)
    gc.collect()
    before = rss_now()
    started = time.perf_counter()
    snapshot = sr.replay(log)
    folded = time.perf_counter() - started
    views = snapshot.views
    viewed = time.perf_counter() - started
    after = rss_now()
    assert snapshot.position == args["n"] and len(views) == 6
    return {
        "events": snapshot.position,
        "fold_s": folded,
        "views_s": viewed,
        "rss_before": before,
        "rss_after": after,
        "rss_peak": rss_peak(),
    }


def _one_event(i: int) -> sr.Event:
    return sr.ConvoyMove(
        occurred=f"2019-02-01T10:{i % 60:02d}",
        convoy="convoy-1",
        status="halted",
        near=("place-007",),
        sources=cast(Any, (sr.Source("SOHR", "B", 2),)),
    )


def measure_rerender(args: dict[str, Any]) -> dict[str, Any]:
    workdir = Path(args["workdir"])
    copy = workdir / f"rerender-{uuid.uuid4().hex[:8]}.jsonl"
    shutil.copyfile(args["log"], copy)
    try:
        log = sr.open_log(copy)
        plugins = sr.Plugins.load()
        checkpoints = sr.MemoryCheckpoints()
        started = time.perf_counter()
        report = sr.build_report(log, checkpoints=checkpoints)
        cold = time.perf_counter() - started
        renders: dict[str, list[float]] = {}
        sizes: dict[str, int] = {}
        for _ in range(3):
            for name in ("markdown", "json", "html"):
                started = time.perf_counter()
                text = plugins.render(report, name)
                renders.setdefault(name, []).append(time.perf_counter() - started)
                sizes[name] = len(text.encode())
        appends, rebuilds, markdown, html = [], [], [], []
        for i in range(args["rerenders"]):
            started = time.perf_counter()
            log.append([_one_event(i)])
            appends.append(time.perf_counter() - started)
            started = time.perf_counter()
            report = sr.build_report(log, checkpoints=checkpoints)
            rebuilds.append(time.perf_counter() - started)
            text = plugins.render(report, "markdown")
            markdown.append(time.perf_counter() - started)
            started = time.perf_counter()
            plugins.render(report, "html")
            html.append(rebuilds[-1] + time.perf_counter() - started)
        log.close()
    finally:
        copy.unlink(missing_ok=True)
    return {
        "cold_report_s": cold,
        "render_s": {name: statistics.median(times) for name, times in renders.items()},
        "size": sizes,
        "append_s": statistics.median(appends[1:] or appends),
        "first_append_s": appends[0],
        "rebuild_s": statistics.median(rebuilds),
        "rerender_markdown_s": statistics.median(markdown),
        "rerender_html_s": statistics.median(html),
        "rss_peak": rss_peak(),
    }


def measure_eventsourcing(args: dict[str, Any]) -> dict[str, Any]:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    namespace = uuid.UUID("0f0c0b0a-0000-4000-8000-000000000000")

    class Stream(Aggregate):
        @staticmethod
        def create_id(name: str) -> uuid.UUID:
            return uuid.uuid5(namespace, name)

        def __init__(self, name: str) -> None:
            self.name = name
            self.seen = 0

        @event("Happened")
        def happened(self, data: dict[str, Any]) -> None:
            self.seen += 1

    class Desk(Application):  # type: ignore[type-arg]
        pass

    codec = sr.Codec()
    datas = [codec.to_dict(e) for e in stored_events(Path(args["log"]))]
    env: dict[str, str] = {}
    database = Path(args["workdir"]) / f"es-{uuid.uuid4().hex[:8]}.sqlite"
    if args["backend"] == "sqlite":
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(database)}
    try:
        app = Desk(env=env)
        streams: dict[str, Stream] = {}
        saving = 0.0
        for at in range(0, len(datas), BATCH):
            touched: dict[str, Stream] = {}
            for data in datas[at : at + BATCH]:
                name = data.get("convoy") or data["type"]
                stream = streams.get(name)
                if stream is None:
                    stream = streams[name] = Stream(name)
                stream.happened(data)
                touched[name] = stream
            started = time.perf_counter()
            app.save(*touched.values())
            saving += time.perf_counter() - started
        reader = Desk(env=env) if env else app
        gc.collect()
        started = time.perf_counter()
        total = sum(reader.repository.get(s.id).seen for s in streams.values())
        replaying = time.perf_counter() - started
        assert total == len(datas)
    finally:
        for leftover in database.parent.glob(f"{database.name}*"):
            leftover.unlink()
    return {
        "save": len(datas) / saving,
        "replay": len(datas) / replaying,
        "aggregates": len(streams),
        "rss_peak": rss_peak(),
    }


def measure_floor(args: dict[str, Any]) -> dict[str, Any]:
    from sitrep_core.codec._codec import _structure_datetime
    from sitrep_core.model._events import BUILTIN_EVENT_TYPES

    classes = {cls.TYPE: cls for cls in BUILTIN_EVENT_TYPES}
    counts = ("fighters", "civilians", "wounded", "killed")
    construct = args["kind"] == "constructors"

    def count(value: Any) -> sr.Count:
        return sr.Count(value) if type(value) is int else sr.Count(**value)

    lines = 0
    started = time.perf_counter()
    with open(args["log"], "rb") as handle:
        for line in handle:
            data = orjson.loads(line)
            lines += 1
            if not construct:
                continue
            fields = data["event"]
            cls = classes[fields.pop("type")]
            fields.pop("v")
            if "sources" in fields:
                fields["sources"] = [sr.Source(**s) for s in fields["sources"]]
            if "recorded" in fields:
                fields["recorded"] = _structure_datetime(fields["recorded"], None)
            for name in counts:
                if name in fields:
                    fields[name] = count(fields[name])
            if "vehicles" in fields:
                fields["vehicles"] = {k: count(v) for k, v in fields["vehicles"].items()}
            cls(**fields)
    return {"rate": lines / (time.perf_counter() - started), "rss_peak": rss_peak()}


MEASURES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "append": measure_append,
    "replay": measure_replay,
    "rerender": measure_rerender,
    "eventsourcing": measure_eventsourcing,
    "floor": measure_floor,
}


# -- the parent: logs, runs, the table ----------------------------------------------------


def child(measure: str, **args: Any) -> dict[str, Any]:
    """Run one measurement in a new process; its result."""
    done = subprocess.run(
        [sys.executable, __file__, "--measure", measure, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{measure} {args} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def prepare(workdir: Path, n: int) -> Path:
    """The synthetic log of ``n`` events, generated once and kept."""
    path = workdir / f"{GENERATOR}-{n}.jsonl"
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        synthetic.write_log(str(partial), n)
        partial.rename(path)
        print(f"  generated {path.name} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def prepare_sqlite(workdir: Path, log: Path) -> Path:
    """The same log in SQLite, for the SQLite replay."""
    path = workdir / f"replay-{log.stem}.sqlite"
    if not path.exists():
        partial = workdir / f"partial-{path.name}"
        for leftover in workdir.glob(f"{partial.name}*"):
            leftover.unlink()
        with sr.open_log(log) as source, sr.open_log(partial) as target:
            sr.copy_log(source, target, batch_size=BATCH)
        partial.rename(path)
    return path


def backends() -> list[str]:
    found = ["memory", "jsonl", "sqlite"]
    if os.environ.get("SITREP_TEST_POSTGRES_URL"):
        found.append("postgresql")
    return found


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def run_size(workdir: Path, n: int, repeat: int, quick: bool) -> dict[str, Any]:
    print(f"N = {n:,}", flush=True)
    log = prepare(workdir, n)
    sqlite_log = prepare_sqlite(workdir, log)
    assert sqlite_log.exists()
    repeat = 1 if n >= 1_000_000 else repeat  # a figure of a million events takes minutes
    result: dict[str, Any] = {"n": n, "bytes": log.stat().st_size}
    singles = 30 if quick else 200
    for backend in backends():
        runs = [
            child(
                "append",
                backend=backend,
                log=str(log),
                workdir=str(workdir),
                singles=singles,
            )
            for _ in range(repeat)
        ]
        result[f"append/{backend}"] = {
            "batched": median_of(runs, "batched"),
            "single": median_of(runs, "single"),
            "first_single_s": median_of(runs, "first_single_s"),
            "bare_fsync": median_of(runs, "bare_fsync"),
            "single_ratio": statistics.median(r["bare_fsync"] / r["single"] for r in runs),
        }
        print(f"  append {backend}: {result[f'append/{backend}']}", flush=True)
    for backend in ("jsonl", "sqlite"):
        runs = [
            child("replay", backend=backend, log=str(log), workdir=str(workdir), n=n)
            for _ in range(repeat)
        ]
        result[f"replay/{backend}"] = {
            key: median_of(runs, key)
            for key in ("fold_s", "views_s", "rss_before", "rss_after", "rss_peak")
        }
        print(f"  replay {backend}: {result[f'replay/{backend}']}", flush=True)
    runs = [
        child("rerender", log=str(log), workdir=str(workdir), rerenders=3 if quick else 7)
        for _ in range(repeat)
    ]
    result["rerender"] = (
        runs[len(runs) // 2]
        if len(runs) == 1
        else {
            "cold_report_s": median_of(runs, "cold_report_s"),
            "rebuild_s": median_of(runs, "rebuild_s"),
            "rerender_markdown_s": median_of(runs, "rerender_markdown_s"),
            "rerender_html_s": median_of(runs, "rerender_html_s"),
            "append_s": median_of(runs, "append_s"),
            "first_append_s": median_of(runs, "first_append_s"),
            "render_s": {
                name: statistics.median(r["render_s"][name] for r in runs)
                for name in runs[0]["render_s"]
            },
            "size": runs[0]["size"],
            "rss_peak": median_of(runs, "rss_peak"),
        }
    )
    print(f"  rerender: {result['rerender']}", flush=True)
    for backend in ("sqlite", "popo"):
        runs = [
            child("eventsourcing", backend=backend, log=str(log), workdir=str(workdir))
            for _ in range(repeat)
        ]
        result[f"eventsourcing/{backend}"] = {
            "save": median_of(runs, "save"),
            "replay": median_of(runs, "replay"),
            "rss_peak": median_of(runs, "rss_peak"),
        }
        print(f"  eventsourcing {backend}: {result[f'eventsourcing/{backend}']}", flush=True)
    for kind in ("orjson", "constructors"):
        runs = [child("floor", kind=kind, log=str(log)) for _ in range(repeat)]
        result[f"floor/{kind}"] = median_of(runs, "rate")
        print(f"  floor {kind}: {result[f'floor/{kind}']:,.0f}/s", flush=True)
    return result


# -- the table ------------------------------------------------------------------------------


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _s(seconds: float) -> str:
    return f"{seconds:,.2f}"


def _x(value: float) -> str:
    return f"{value:.2f}x"


Figure = Callable[[dict[str, Any]], str]


def _of(key: str, field: str, show: Callable[[float], str]) -> Figure:
    return lambda r: show(r[key][field])


def _per_second(key: str, field: str) -> Figure:
    return lambda r: _rate(r["n"] / r[key][field])


def _ratio(
    ours: Callable[[dict[str, Any]], float], theirs: Callable[[dict[str, Any]], float]
) -> Figure:
    return lambda r: _x(ours(r) / theirs(r))


def _render(name: str) -> Figure:
    return lambda r: (
        f"{_ms(r['rerender']['render_s'][name])}; {r['rerender']['size'][name] / 1024:,.0f}"
    )


def table(results: list[dict[str, Any]]) -> str:
    """The results as a Markdown table: one row a figure, one column a size."""
    rows: list[tuple[str, Figure]] = [("log file (MB)", lambda r: f"{r['bytes'] / 2**20:,.0f}")]
    for backend in backends():
        rows.append(
            (f"batched append, {backend} (events/s)", _of(f"append/{backend}", "batched", _rate))
        )
    for backend in backends():
        rows.append(
            (
                f"single-event append, {backend} (appends/s)",
                _of(f"append/{backend}", "single", _rate),
            )
        )
    rows += [
        ("bare write+fsync loop (appends/s)", _of("append/jsonl", "bare_fsync", _rate)),
        (
            "single-event append, JSON Lines / bare loop (time)",
            _of("append/jsonl", "single_ratio", _x),
        ),
        (
            "first append in a new process, JSON Lines (s)",
            _of("append/jsonl", "first_single_s", _s),
        ),
    ]
    for backend in ("jsonl", "sqlite"):
        rows += [
            (
                f"cold replay into all projections, {backend} (events/s)",
                _per_second(f"replay/{backend}", "fold_s"),
            ),
            (
                f"... and every view made, {backend} (events/s)",
                _per_second(f"replay/{backend}", "views_s"),
            ),
        ]
    rows += [
        (
            "peak RSS of the JSON Lines replay (MB)",
            _of("replay/jsonl", "rss_peak", lambda v: f"{v:,.0f}"),
        ),
        ("... RSS before it (MB)", _of("replay/jsonl", "rss_before", lambda v: f"{v:,.0f}")),
        (
            "... RSS after it, the states alive (MB)",
            _of("replay/jsonl", "rss_after", lambda v: f"{v:,.0f}"),
        ),
        (
            "... peak beyond the states (MB)",
            lambda r: f"{r['replay/jsonl']['rss_peak'] - r['replay/jsonl']['rss_after']:,.0f}",
        ),
        ("cold report build, checkpoints kept (s)", _of("rerender", "cold_report_s", _s)),
        (
            "re-render after one new event: build + Markdown (ms)",
            _of("rerender", "rerender_markdown_s", _ms),
        ),
        (
            "re-render after one new event: build + HTML (ms)",
            _of("rerender", "rerender_html_s", _ms),
        ),
        ("... of which the build (ms)", _of("rerender", "rebuild_s", _ms)),
        (
            "cold replay with views / re-render (Markdown)",
            lambda r: (
                f"{r['replay/jsonl']['views_s'] / r['rerender']['rerender_markdown_s']:,.0f}x"
            ),
        ),
        ("the one-event append before it (ms)", _of("rerender", "append_s", _ms)),
    ]
    for name in ("markdown", "json", "html"):
        rows.append((f"render {name} of the whole log's report (ms; KB)", _render(name)))
    for backend in ("sqlite", "popo"):
        rows += [
            (
                f"eventsourcing save, {backend} (events/s)",
                _of(f"eventsourcing/{backend}", "save", _rate),
            ),
            (
                f"eventsourcing replay, {backend} (events/s)",
                _of(f"eventsourcing/{backend}", "replay", _rate),
            ),
        ]

    def ours_append(backend: str) -> Callable[[dict[str, Any]], float]:
        return lambda r: float(r[f"append/{backend}"]["batched"])

    def ours_replay(backend: str) -> Callable[[dict[str, Any]], float]:
        return lambda r: float(r["n"] / r[f"replay/{backend}"]["fold_s"])

    def theirs(backend: str, field: str) -> Callable[[dict[str, Any]], float]:
        return lambda r: float(r[f"eventsourcing/{backend}"][field])

    def floor(kind: str) -> Callable[[dict[str, Any]], float]:
        return lambda r: float(r[f"floor/{kind}"])

    rows += [
        (
            "batched append: JSON Lines / eventsourcing SQLite",
            _ratio(ours_append("jsonl"), theirs("sqlite", "save")),
        ),
        (
            "batched append: SQLite / eventsourcing SQLite",
            _ratio(ours_append("sqlite"), theirs("sqlite", "save")),
        ),
        (
            "batched append: memory / eventsourcing POPO",
            _ratio(ours_append("memory"), theirs("popo", "save")),
        ),
        (
            "replay: JSON Lines / eventsourcing SQLite",
            _ratio(ours_replay("jsonl"), theirs("sqlite", "replay")),
        ),
        (
            "replay: SQLite / eventsourcing SQLite",
            _ratio(ours_replay("sqlite"), theirs("sqlite", "replay")),
        ),
        (
            "replay: JSON Lines / eventsourcing POPO",
            _ratio(ours_replay("jsonl"), theirs("popo", "replay")),
        ),
        ("floor: orjson alone (lines/s)", lambda r: _rate(r["floor/orjson"])),
        ("floor: orjson + constructors (events/s)", lambda r: _rate(r["floor/constructors"])),
        ("replay (JSON Lines) / orjson floor", _ratio(ours_replay("jsonl"), floor("orjson"))),
        (
            "replay (JSON Lines) / constructors floor",
            _ratio(ours_replay("jsonl"), floor("constructors")),
        ),
        (
            "replay with every view made / constructors floor",
            _ratio(lambda r: float(r["n"] / r["replay/jsonl"]["views_s"]), floor("constructors")),
        ),
    ]
    head = "| | " + " | ".join(f"N = {r['n']:,}" for r in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]
    for label, value in rows:
        lines.append(f"| {label} | " + " | ".join(value(r) for r in results) + " |")
    return "\n".join(lines)


def machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    from importlib.metadata import version

    return (
        f"{os.cpu_count()} CPUs ({model}), {memory:.0f} GiB, "
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}; sitrep-core {sr.__version__}, "
        f"eventsourcing {version('eventsourcing')}, orjson {version('orjson')}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each")
    parser.add_argument("--repeat", type=int, default=3, help="runs a figure (median shown)")
    parser.add_argument("--workdir", help="where the logs are kept (default: a temp dir)")
    parser.add_argument("--markdown", help="also write the table and machine to this file")
    parser.add_argument("--json", help="also write every figure measured to this file")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        kind, options = args.measure
        print(json.dumps(MEASURES[kind](json.loads(options))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    repeat = args.repeat
    if args.quick:
        sizes, repeat = [2_000, 10_000], 1
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sitrep-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/bench_replay.py " + " ".join(argv or sys.argv[1:])
    print(machine())
    started = time.perf_counter()
    results = [run_size(workdir, n, repeat, args.quick) for n in sizes]
    text = table(results)
    print()
    print(text)
    print(f"\n(medians of {repeat} runs; {time.perf_counter() - started:,.0f} s in all)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(
            f"Machine: {machine()}\n\nCommand: `{command.strip()}`\n\n{text}\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
