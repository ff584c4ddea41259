"""Cold replay, report and batched append beside eventsourcing and the library's own
decode, the sides interleaved in one run.

    python benchmarks/bench_replay.py [--sizes 10000,100000] [--repeat 5]
        [--gc off|on] [--workdir DIR] [--markdown FILE] [--json FILE]

For each size N a synthetic log of N events (``synthetic.py``) is generated once and
kept in the work directory, with a SQLite copy and an eventsourcing SQLite database
of the same events. Then, round after round, each measured thing runs once as a child
process of its own (so its peak RSS is its own), in the same order every round: ours,
the floor, the peers, ours, the floor, the peers... A ratio is taken within a round,
then the median of the rounds is shown, so a machine that slows down for a while
slows both sides of a ratio.

Each child times only its own part (the replay, the save...), with CPU time
(``time.process_time``) and wall time; the kernel gives its peak RSS (``os.wait4``).
``--gc off`` (the default) disables the cyclic garbage collector around the timed part
of every child, ours and the peers' alike (our replay turns it off itself, so this is
what it does anyway); ``--gc on`` leaves it as Python starts, on, in every child (our
replay still turns it off for itself: that is the library as shipped).

What is measured:

- ours: ``sitrep_core.replay`` of the whole log into every built-in projection, from
  JSON Lines and from SQLite, then every view made; a cold ``build_report`` and its
  Markdown (JSON Lines); ``log.append`` in batches of 1,000 into a new log (durable:
  fsync per batch);
- the floor: the library's own decode of the stored records and nothing else,
  ``log.read()`` consumed into ``collections.deque(maxlen=0)``;
- eventsourcing (``peer_eventsourcing.py``): ``repository.get`` of every aggregate
  (SQLite, and its in-memory POPO store), its SQLite notification log folded into
  dicts with the same projections' worth of work, and ``app.save`` of the same
  batches of 1,000 (SQLite).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402

BATCH = 1000


# -- the children: each does one thing, timed, and prints what it measured ------------


class Timer:
    """CPU and wall seconds of the timed parts, the collector as ``--gc`` says."""

    def __init__(self, collector: str) -> None:
        self.collector = collector
        self.cpu = 0.0
        self.wall = 0.0

    @contextmanager
    def timing(self) -> Iterator[None]:
        gc.collect()
        if self.collector == "off":
            gc.disable()
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            yield
        finally:
            self.cpu += time.process_time() - cpu
            self.wall += time.perf_counter() - wall
            if self.collector == "off":
                gc.enable()

    def result(self, **more: Any) -> dict[str, Any]:
        return {"cpu": self.cpu, "wall": self.wall, **more}


def child_replay(args: dict[str, Any]) -> dict[str, Any]:
    import sitrep_core as sr

    fold, views = Timer(args["gc"]), Timer(args["gc"])
    log = sr.open_log(args["target"])
    before = measure.rss_mb()
    with fold.timing():
        snapshot = sr.replay(log)
    after_fold = measure.rss_mb()
    with views.timing():
        made = snapshot.views
    after_views = measure.rss_mb()
    assert snapshot.position == args["n"] and made
    return fold.result(
        views_cpu=views.cpu,
        views_wall=views.wall,
        rss_before=before,
        rss_after_fold=after_fold,
        rss_after_views=after_views,
    )


def child_floor(args: dict[str, Any]) -> dict[str, Any]:
    import sitrep_core as sr

    timer = Timer(args["gc"])
    log = sr.open_log(args["target"])
    with timer.timing():
        deque(log.read(), maxlen=0)
    return timer.result()


def child_report(args: dict[str, Any]) -> dict[str, Any]:
    import sitrep_core as sr

    timer = Timer(args["gc"])
    log = sr.open_log(args["target"])
    plugins = sr.Plugins.load()
    with timer.timing():
        text = plugins.render(sr.build_report(log), "markdown")
    return timer.result(markdown_bytes=len(text.encode()))


def child_append(args: dict[str, Any]) -> dict[str, Any]:
    import sitrep_core as sr

    with sr.open_log(args["source"]) as source:
        events = [record.event for record in source.read()]
    timer = Timer(args["gc"])
    target = Path(args["workdir"]) / f"append-{uuid.uuid4().hex[:8]}.{args['store']}"
    try:
        with sr.open_log(target) as log, timer.timing():
            for at in range(0, len(events), BATCH):
                log.append(events[at : at + BATCH])
    finally:
        for leftover in target.parent.glob(f"{target.name}*"):
            leftover.unlink()
    return timer.result()


def event_dicts(path: str) -> list[dict[str, Any]]:
    """Every event of the log as the dict of its JSON line."""
    import sitrep_core as sr

    with sr.open_log(path) as log:
        return [log.codec.to_dict(record.event) for record in log.read()]


def child_es_save(args: dict[str, Any]) -> dict[str, Any]:
    import peer_eventsourcing as peer

    datas = event_dicts(args["source"])
    database = Path(args["database"])
    timer = Timer(args["gc"])
    app = peer.Desk(env=peer.sqlite_env(str(database)))
    names: list[str] = []
    try:
        for streams, touched in peer.stream_batches(datas, BATCH):
            with timer.timing():
                app.save(*touched)
            names = list(streams)
    finally:
        app.close()
        if not args.get("keep"):
            for leftover in database.parent.glob(f"{database.name}*"):
                leftover.unlink()
    return timer.result(streams=names)


def child_es_get(args: dict[str, Any]) -> dict[str, Any]:
    import peer_eventsourcing as peer

    timer = Timer(args["gc"])
    app = peer.Desk(env=peer.sqlite_env(args["database"]))
    with timer.timing():
        applied = peer.get_all(app, args["streams"])
    assert applied == args["n"]
    return timer.result()


def child_es_fold(args: dict[str, Any]) -> dict[str, Any]:
    import peer_eventsourcing as peer

    timer = Timer(args["gc"])
    app = peer.Desk(env=peer.sqlite_env(args["database"]))
    fold = peer.DictFold()
    with timer.timing():
        applied = fold.fold(peer.notifications(app))
    assert applied == args["n"]
    return timer.result()


def child_es_popo(args: dict[str, Any]) -> dict[str, Any]:
    import peer_eventsourcing as peer

    datas = event_dicts(args["source"])
    app = peer.Desk()  # the in-memory (POPO) recorder: saved here, untimed
    names: list[str] = []
    for streams, touched in peer.stream_batches(datas, BATCH):
        app.save(*touched)
        names = list(streams)
    del datas
    timer = Timer(args["gc"])
    with timer.timing():
        applied = peer.get_all(app, names)
    assert applied == args["n"]
    return timer.result()


def child_prepare(args: dict[str, Any]) -> dict[str, Any]:
    """Make the JSON Lines log of ``n`` events and its SQLite copy."""
    import synthetic

    import sitrep_core as sr

    jsonl, sqlite = Path(args["jsonl"]), Path(args["sqlite"])
    if not jsonl.exists():
        partial = jsonl.with_name(f"partial-{jsonl.name}")
        partial.unlink(missing_ok=True)
        synthetic.write_log(str(partial), args["n"])
        partial.rename(jsonl)
    if not sqlite.exists():
        partial = sqlite.with_name(f"partial-{sqlite.name}")
        for leftover in partial.parent.glob(f"{partial.name}*"):
            leftover.unlink()
        with sr.open_log(jsonl) as source, sr.open_log(partial) as target:
            sr.copy_log(source, target, batch_size=BATCH)
        partial.rename(sqlite)
    return {}


CHILDREN: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "prepare": child_prepare,
    "replay": child_replay,
    "floor": child_floor,
    "report": child_report,
    "append": child_append,
    "es-save": child_es_save,
    "es-get": child_es_get,
    "es-fold": child_es_fold,
    "es-popo": child_es_popo,
}


def child(kind: str, **args: Any) -> measure.Run:
    return measure.run([sys.executable, __file__, "--child", kind, json.dumps(args)])


# -- the parent: the logs, the rounds, the tables ------------------------------------------


def prepare(workdir: Path, n: int, collector: str) -> dict[str, Any]:
    """The JSON Lines log of ``n`` events, its SQLite copy and the eventsourcing
    database of the same events, each made once (in children, to keep this process
    small) and kept in ``workdir``."""
    jsonl = workdir / f"synthetic-{n}.jsonl"
    sqlite = workdir / f"synthetic-{n}.sqlite"
    child("prepare", jsonl=str(jsonl), sqlite=str(sqlite), n=n)
    database = workdir / f"eventsourcing-{n}.sqlite"
    streams = workdir / f"eventsourcing-{n}.streams.json"
    if not streams.exists():
        for leftover in workdir.glob(f"{database.name}*"):
            leftover.unlink()
        made = child("es-save", source=str(jsonl), database=str(database), gc=collector, keep=True)
        streams.write_text(json.dumps(made.said["streams"]), encoding="utf-8")
    return {
        "jsonl": str(jsonl),
        "sqlite": str(sqlite),
        "database": str(database),
        "streams": json.loads(streams.read_text(encoding="utf-8")),
    }


SIDES: tuple[tuple[str, str], ...] = (
    ("replay-jsonl", "ours: replay into all built-in projections, JSON Lines"),
    ("floor-jsonl", "floor: log.read() decode only, JSON Lines"),
    ("replay-sqlite", "ours: replay into all built-in projections, SQLite"),
    ("floor-sqlite", "floor: log.read() decode only, SQLite"),
    ("es-get", "eventsourcing: repository.get of every aggregate, SQLite"),
    ("es-fold", "eventsourcing: notification log folded into dicts, SQLite"),
    ("es-popo", "eventsourcing: repository.get of every aggregate, POPO"),
    ("report", "ours: cold build_report + Markdown, JSON Lines"),
    ("append-jsonl", "ours: append in batches of 1,000, JSON Lines"),
    ("append-sqlite", "ours: append in batches of 1,000, SQLite"),
    ("es-save", "eventsourcing: app.save in batches of 1,000, SQLite"),
)


def measure_side(side: str, files: dict[str, Any], n: int, workdir: Path, gc_: str) -> measure.Run:
    common = {"gc": gc_, "n": n}
    if side.startswith(("replay-", "floor-")):
        kind, store = side.split("-")
        return child(kind, target=files[store], **common)
    if side.startswith("append-"):
        store = side.split("-")[1]
        return child("append", source=files["jsonl"], store=store, workdir=str(workdir), **common)
    if side == "report":
        return child("report", target=files["jsonl"], **common)
    if side == "es-save":
        database = workdir / f"es-save-{uuid.uuid4().hex[:8]}.sqlite"
        return child("es-save", source=files["jsonl"], database=str(database), **common)
    if side == "es-popo":
        return child("es-popo", source=files["jsonl"], **common)
    return child(side, database=files["database"], streams=files["streams"], **common)


def run_size(workdir: Path, n: int, repeat: int, collector: str) -> dict[str, Any]:
    print(f"N = {n:,} (gc {collector})", flush=True)
    files = prepare(workdir, n, collector)
    rounds: list[dict[str, measure.Run]] = []
    for index in range(repeat):
        runs = {}
        for side, _ in SIDES:
            runs[side] = got = measure_side(side, files, n, workdir, collector)
            print(
                f"  round {index + 1} {side}: cpu {got.said['cpu']:.3f} s, "
                f"wall {got.said['wall']:.3f} s, peak {got.peak_mb:,.0f} MB",
                flush=True,
            )
        rounds.append(runs)
    return {
        "n": n,
        "gc": collector,
        "bytes": Path(files["jsonl"]).stat().st_size,
        **summary(rounds),
    }


def summary(rounds: list[dict[str, measure.Run]]) -> dict[str, Any]:
    """Medians of each side's figures, and of the ratios taken within each round."""

    def med(side: str, key: str) -> float:
        return measure.median([r[side].said[key] for r in rounds])

    sides = {
        side: {
            "cpu": med(side, "cpu"),
            "wall": med(side, "wall"),
            "peak_mb": measure.median([r[side].peak_mb for r in rounds]),
            "runs": [r[side].said | {"peak_mb": r[side].peak_mb} for r in rounds],
        }
        for side, _ in SIDES
    }
    for key in ("views_cpu", "views_wall", "rss_before", "rss_after_fold", "rss_after_views"):
        sides["replay-jsonl"][key] = med("replay-jsonl", key)

    def taken(run: dict[str, measure.Run], side: str, key: str) -> float:
        """A side's time; ``replay-jsonl+views``: the replay's and its views' together
        (whichever of the two a version of the library does the work in)."""
        if side.endswith("+views"):
            said = run[side.removesuffix("+views")].said
            return float(said[key] + said[f"views_{key}"])
        return float(run[side].said[key])

    def ratio(ours: str, theirs: str, key: str) -> float:
        """How many times faster ours is: their time / ours, the median of the rounds."""
        return measure.median([taken(r, theirs, key) / taken(r, ours, key) for r in rounds])

    ratios = {
        f"{ours}/{theirs}": {key: ratio(ours, theirs, key) for key in ("cpu", "wall")}
        for ours, theirs, _ in RATIOS
    }
    return {"sides": sides, "ratios": ratios, "rounds": len(rounds)}


RATIOS = (
    ("replay-jsonl", "es-get", "replay, JSON Lines / eventsourcing repository.get, SQLite"),
    ("replay-sqlite", "es-get", "replay, SQLite / eventsourcing repository.get, SQLite"),
    ("replay-jsonl", "es-fold", "replay, JSON Lines / eventsourcing notification fold"),
    ("replay-sqlite", "es-fold", "replay, SQLite / eventsourcing notification fold"),
    ("replay-jsonl", "es-popo", "replay, JSON Lines / eventsourcing repository.get, POPO"),
    (
        "replay-jsonl+views",
        "es-get",
        "replay and every view made, JSON Lines / eventsourcing repository.get, SQLite",
    ),
    (
        "replay-jsonl+views",
        "es-fold",
        "replay and every view made, JSON Lines / eventsourcing notification fold",
    ),
    ("replay-jsonl", "floor-jsonl", "replay, JSON Lines / the floor (decode only)"),
    ("replay-sqlite", "floor-sqlite", "replay, SQLite / the floor (decode only)"),
    ("append-jsonl", "es-save", "batched append, JSON Lines / eventsourcing save"),
    ("append-sqlite", "es-save", "batched append, SQLite / eventsourcing save"),
)


def report(result: dict[str, Any]) -> str:
    n, sides = result["n"], result["sides"]
    rows = [
        [
            label,
            measure.seconds(sides[side]["cpu"]),
            measure.seconds(sides[side]["wall"]),
            measure.rate(n / sides[side]["cpu"]),
            measure.mb(sides[side]["peak_mb"]),
        ]
        for side, label in SIDES
    ]
    replay = sides["replay-jsonl"]
    rows.append(
        [
            "ours: every view made after the JSON Lines replay",
            measure.seconds(replay["views_cpu"]),
            measure.seconds(replay["views_wall"]),
            "",
            "",
        ]
    )
    timing = measure.table(
        ["measured (its timed part)", "CPU (s)", "wall (s)", "events/s (CPU)", "peak RSS (MB)"],
        rows,
    )
    ratio_rows = [
        [
            label,
            measure.times(result["ratios"][f"{ours}/{theirs}"]["cpu"]),
            measure.times(result["ratios"][f"{ours}/{theirs}"]["wall"]),
        ]
        for ours, theirs, label in RATIOS
    ]
    ratios = measure.table(["ours against (times as fast)", "CPU", "wall"], ratio_rows)
    per_event = 2**20 / n
    memory = measure.table(
        ["memory of the JSON Lines replay", "MB", "bytes/event"],
        [
            [
                "RSS after the fold, less RSS before it (the states)",
                measure.mb(replay["rss_after_fold"] - replay["rss_before"]),
                measure.rate((replay["rss_after_fold"] - replay["rss_before"]) * per_event),
            ],
            [
                "RSS after every view made, less RSS before the fold",
                measure.mb(replay["rss_after_views"] - replay["rss_before"]),
                measure.rate((replay["rss_after_views"] - replay["rss_before"]) * per_event),
            ],
            [
                "peak RSS of the replay process (per event: peak / N)",
                measure.mb(replay["peak_mb"]),
                measure.rate(replay["peak_mb"] * per_event),
            ],
        ],
    )
    head = (
        f"N = {n:,} ({result['bytes'] / 2**20:,.1f} MB of JSON Lines), gc {result['gc']} "
        f"in every child, medians of {result['rounds']} interleaved rounds"
    )
    return f"{head}\n\n{timing}\n\n{ratios}\n\n{memory}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated event counts")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (medians shown)")
    parser.add_argument("--gc", choices=("off", "on"), default="off", help="the collector")
    parser.add_argument("--workdir", default="/tmp/sitrep-bench", help="kept between runs")
    parser.add_argument("--markdown", help="also write the tables and machine to this file")
    parser.add_argument("--json", help="also write every figure measured to this file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, options = args.child
        print(json.dumps(CHILDREN[kind](json.loads(options))))
        return 0
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/bench_replay.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    print(measure.describe_machine(), flush=True)
    started = time.perf_counter()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results = [run_size(workdir, n, args.repeat, args.gc) for n in sizes]
    measure.publish(
        "\n\n".join(report(r) for r in results),
        command=command,
        started=started,
        results=results,
        json_path=args.json,
        md_path=args.markdown,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
