"""How fast the stores append, durably, next to the disk's own floor.

For each store: batched append (events/s, batches of ``--batch``) and single-event
append (appends/s, each one made durable on its own). The floor beside each figure
is a bare loop of ``os.write`` + ``os.fsync`` of lines of the same size to a plain
file: the same bytes, the same number of fsyncs, no encoding, hashing or checks.
The ratio is store / floor (a durable store cannot beat 1.0 by much; memory can).

    python benchmarks/bench_append.py [--events 20000] [--single 500] [--batch 1000] [--repeat 3]

SQLite and PostgreSQL are measured when their modules are there; PostgreSQL also
needs ``SITREP_TEST_POSTGRES_URL`` (a fresh schema is made and dropped).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import sitrep_core as sr
from sitrep_core import Codec, Count, Source

CODEC = Codec()
_SOURCES = (
    Source("SOHR", "B", 2, url="https://www.syriahr.com/en/"),
    Source("Reuters", "A", 2, url="https://www.reuters.com/"),
    Source("Hezbollah media", "D", 3, quote="the buses left Qalamoun at dawn"),
    Source("Coalition (CJTF-OIR)", "B", 3, url="https://www.inherentresolve.mil/"),
    Source("Local activists", "F", 6),
)


def realistic(n: int, run: str) -> Iterator[sr.Event]:
    """``n`` events of mixed types, each citing graded sources, with qualified counts."""
    for i in range(n):
        common = {
            "id": f"{run}-{i}",
            "occurred": f"2017-08-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}",
            "sources": (_SOURCES[i % 5], _SOURCES[(i + 2) % 5]),
            "tags": ("qalamoun", "convoy"),
        }
        kind = i % 4
        if kind == 0:
            yield sr.Evacuation(
                group="ISIS",
                origin="Western Qalamoun",
                destination="Abu Kamal",
                agreement="hezbollah-isis-2017",
                parties=("Hezbollah", "ISIS", "Syrian Army"),
                fighters=Count.approx(308 + i % 7, text="around 308"),
                civilians=Count.between(300, 331),
                wounded=Count.at_least(25),
                vehicles={"buses": Count.exact(17), "ambulances": Count.exact(11)},
                convoy="qalamoun-1",
                **common,
            )
        elif kind == 1:
            yield sr.ConvoyMove(
                convoy="qalamoun-1",
                status="halted",
                position=f"km {i % 300}",
                near=("Humayma", "al-Sukhnah"),
                heading="east",
                toward="Abu Kamal",
                **common,
            )
        elif kind == 2:
            yield sr.Strike(
                actor="US-led coalition",
                targets=("road", "bridge"),
                means="air strike",
                position="between Humayma and Abu Kamal",
                effect="cratered",
                convoy="qalamoun-1",
                convoy_hit=False,
                killed=Count(None, "unknown"),
                **common,
            )
        else:
            yield sr.Statement(
                speaker="Col. Ryan Dillon",
                actor="US-led coalition",
                subject="the convoy",
                stance="opposes",
                quote="ISIS fighters should be killed on the battlefield, not bused across",
                **common,
            )


# -- stores -------------------------------------------------------------------------------


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
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


MakeTarget = Callable[[str], AbstractContextManager[str]]


def stores(directory: Path) -> list[tuple[str, MakeTarget]]:
    """(name, make a fresh target for a run label) for every store measurable here."""
    found: list[tuple[str, MakeTarget]] = [
        ("memory", lambda run: nullcontext_target("memory:")),
        ("jsonl", lambda run: nullcontext_target(str(directory / f"{run}.jsonl"))),
    ]
    if importlib.util.find_spec("sitrep_core.stores._sqlite") is not None:
        found.append(("sqlite", lambda run: nullcontext_target(str(directory / f"{run}.sqlite"))))
    url = os.environ.get("SITREP_TEST_POSTGRES_URL")
    if url and importlib.util.find_spec("sitrep_core.stores._postgres") is not None:
        found.append(("postgresql", lambda run: postgres_schema(url)))
    return found


@contextmanager
def nullcontext_target(target: str) -> Iterator[str]:
    yield target


# -- measurements -------------------------------------------------------------------------


def batched(target: str, events: list[sr.Event], batch: int) -> float:
    """Events per second appending ``events`` in batches of ``batch``."""
    with sr.open_log(target, codec=CODEC) as log:
        started = time.perf_counter()
        for start in range(0, len(events), batch):
            log.append(events[start : start + batch])
        elapsed = time.perf_counter() - started
        assert log.head == len(events)
    return len(events) / elapsed


def single(target: str, events: list[sr.Event]) -> float:
    """Appends per second, one event an append."""
    with sr.open_log(target, codec=CODEC) as log:
        started = time.perf_counter()
        for event in events:
            log.append([event])
        elapsed = time.perf_counter() - started
        assert log.head == len(events)
    return len(events) / elapsed


def floor(directory: Path, line_size: int, lines: int, per_fsync: int) -> float:
    """Lines per second of bare ``os.write`` + ``os.fsync``, ``per_fsync`` lines a write."""
    path = directory / f"floor-{uuid.uuid4().hex}.bin"
    chunk = (b"x" * (line_size - 1) + b"\n") * per_fsync
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o644)
    try:
        started = time.perf_counter()
        for _ in range(0, lines, per_fsync):
            os.write(fd, chunk)
            os.fsync(fd)
        elapsed = time.perf_counter() - started
    finally:
        os.close(fd)
        path.unlink()
    return lines / elapsed


def line_size(events: list[sr.Event]) -> int:
    """The mean size of a JSON Lines record of these events (event, chain fields, newline)."""
    chain = len(b'{"position":12345,"prev":"","hash":"","event":}\n') + 128
    return round(statistics.fmean(len(CODEC.encode(e)) for e in events)) + chain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="events for batched append")
    parser.add_argument("--single", type=int, default=500, help="single-event appends")
    parser.add_argument("--batch", type=int, default=1000, help="events a batch")
    parser.add_argument("--repeat", type=int, default=3, help="runs a figure (median shown)")
    args = parser.parse_args(argv)

    sample = list(realistic(1000, "size"))
    size = line_size(sample)
    print(
        f"append: {args.events} events in batches of {args.batch}; {args.single} single-event "
        f"appends; records of ~{size} bytes (realistic events: graded sources, counts)"
    )
    print(f"python {sys.version.split()[0]}, sitrep-core {sr.__version__}, {sys.platform}")
    batched("memory:", list(realistic(2000, "warm-up")), args.batch)  # build the codec's paths
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        directory = Path(tmp)
        header = (
            f"{'store':<11} {'batched ev/s':>13} {'floor':>10} {'ratio':>6}   "
            f"{'single app/s':>12} {'floor':>8} {'ratio':>6}"
        )
        print(header)
        print("-" * len(header))
        for name, make in stores(directory):
            many = list(realistic(args.events, f"{name}-b"))
            ones = list(realistic(args.single, f"{name}-s"))
            rows: list[tuple[float, float, float, float]] = []
            for run in range(args.repeat):
                # each floor is measured next to its figure: a shared disk's speed drifts
                batch_floor = floor(directory, size, max(args.events, args.batch), args.batch)
                with make(f"{name}-batched-{run}") as target:
                    rate = batched(target, many, args.batch)
                single_floor = floor(directory, size, args.single, 1)
                with make(f"{name}-single-{run}") as target:
                    one_rate = single(target, ones)
                rows.append((rate, batch_floor, one_rate, single_floor))
            rate, batch_floor, one_rate, single_floor = (
                statistics.median(column) for column in zip(*rows, strict=True)
            )
            ratio = statistics.median(r / f for r, f, _, _ in rows)
            one_ratio = statistics.median(r / f for _, _, r, f in rows)
            print(
                f"{name:<11} {rate:>13,.0f} {batch_floor:>10,.0f} {ratio:>6.2f}   "
                f"{one_rate:>12,.0f} {single_floor:>8,.0f} {one_ratio:>6.2f}"
            )
        print(f"(medians of {args.repeat} runs; ratio = store / floor, run by run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
