"""How fast the stores append, durably, beside a bare write + fsync of the same bytes.

    python benchmarks/bench_append.py [--events 20000] [--single 500] [--batch 1000]
        [--repeat 3] [--workdir DIR]

For each store, two figures: batched append (events/s, batches of ``--batch``) and
single-event append (appends/s, each made durable on its own). Beside each, the floor:
a bare ``os.write`` + ``os.fsync`` of as many bytes (the mean JSON Lines record of these
events), to a plain file in the same directory, on the same disk. The two are
interleaved append by append (one store append, one bare write + fsync, ...), so a
disk that slows down for a while slows both. The ratio is store time / bare time: how
many times the disk's own floor an append takes.

The events are ``synthetic.py``'s. SQLite is always measured; PostgreSQL when
``SITREP_TEST_POSTGRES_URL`` names a server (a schema is made for the run and dropped).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

import sitrep_core as sr  # noqa: E402


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


@contextmanager
def fresh_store(kind: str, directory: Path) -> Iterator[str]:
    """A new, empty log of ``kind``, removed afterwards."""
    if kind == "postgresql":
        with postgres_schema(os.environ["SITREP_TEST_POSTGRES_URL"]) as url:
            yield url
        return
    path = directory / f"{kind}-{uuid.uuid4().hex[:8]}.{kind}"
    try:
        yield str(path)
    finally:
        for leftover in directory.glob(f"{path.name}*"):
            leftover.unlink()


def stores() -> list[str]:
    found = ["jsonl", "sqlite"]
    if os.environ.get("SITREP_TEST_POSTGRES_URL"):
        found.append("postgresql")
    return found


class BareFile:
    """A plain file written with ``os.write`` + ``os.fsync``: the disk's floor."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / f"bare-{uuid.uuid4().hex}.bin"
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o644)

    def write(self, data: bytes) -> float:
        """Seconds to write ``data`` and make it durable."""
        started = time.perf_counter()
        os.write(self.fd, data)
        os.fsync(self.fd)
        return time.perf_counter() - started

    def close(self) -> None:
        os.close(self.fd)
        self.path.unlink()


def interleaved(
    target: str, batches: Sequence[list[sr.Event]], line: bytes, bare: BareFile
) -> tuple[float, float, float]:
    """Append each batch, each followed by a bare write + fsync of as many lines:
    the store's wall seconds, its CPU seconds, and the bare loop's wall seconds."""
    store_wall = store_cpu = bare_wall = 0.0
    with sr.open_log(target) as log:
        for batch in batches:
            cpu, started = time.process_time(), time.perf_counter()
            log.append(batch)
            store_wall += time.perf_counter() - started
            store_cpu += time.process_time() - cpu
            bare_wall += bare.write(line * len(batch))
    return store_wall, store_cpu, bare_wall


def mean_line(events: list[sr.Event], directory: Path) -> bytes:
    """A line as long as the mean JSON Lines record of ``events``, as the store writes it."""
    with fresh_store("jsonl", directory) as target:
        with sr.open_log(target) as log:
            log.append(events)
        size = round(Path(target).stat().st_size / len(events))
    return b"x" * (size - 1) + b"\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="events for batched append")
    parser.add_argument("--single", type=int, default=500, help="single-event appends")
    parser.add_argument("--batch", type=int, default=1000, help="events a batch")
    parser.add_argument("--repeat", type=int, default=3, help="runs a figure (median shown)")
    parser.add_argument("--workdir", help="the directory (disk) to write in; default: a temp dir")
    args = parser.parse_args(argv)

    events = list(synthetic.events(args.events))
    many = [events[at : at + args.batch] for at in range(0, len(events), args.batch)]
    ones = [[event] for event in events[: args.single]]
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-", dir=args.workdir) as tmp:
        directory = Path(tmp)
        line = mean_line(events[:2000], directory)
        print(
            f"{args.events:,} events in batches of {args.batch:,}; {args.single} single-event "
            f"appends; records of ~{len(line)} bytes; in {directory}; "
            f"Python {sys.version.split()[0]}, sitrep-core {sr.__version__}"
        )
        header = (
            f"{'store':<11} {'batched ev/s':>12} {'bare':>9} {'x bare':>7} {'CPU ev/s':>9}   "
            f"{'single app/s':>12} {'bare':>7} {'x bare':>7} {'CPU ms':>7}"
        )
        print(header)
        print("-" * len(header))
        runs: list[str] = []
        for kind in stores():
            rows = []
            for _ in range(args.repeat):
                bare = BareFile(directory)
                try:
                    with fresh_store(kind, directory) as target:
                        batched = interleaved(target, many, line, bare)
                    with fresh_store(kind, directory) as target:
                        single = interleaved(target, ones, line, bare)
                finally:
                    bare.close()
                rows.append((*batched, *single))
                runs.append(
                    f"  {kind} run {len(rows)}: batched {batched[0]:.3f} s "
                    f"(bare {batched[2]:.3f} s), single {single[0]:.3f} s (bare {single[2]:.3f} s)"
                )
            wall, cpu, bare_wall, one_wall, one_cpu, one_bare = (
                statistics.median(column) for column in zip(*rows, strict=True)
            )
            ratio = statistics.median(r[0] / r[2] for r in rows)
            one_ratio = statistics.median(r[3] / r[5] for r in rows)
            print(
                f"{kind:<11} {len(events) / wall:>12,.0f} {len(events) / bare_wall:>9,.0f} "
                f"{ratio:>6.2f}x {len(events) / cpu:>9,.0f}   "
                f"{len(ones) / one_wall:>12,.0f} {len(ones) / one_bare:>7,.0f} "
                f"{one_ratio:>6.2f}x {one_cpu / len(ones) * 1000:>7.3f}"
            )
        print("\n".join(runs))
        print(
            f"(medians of {args.repeat} runs; x bare = store time / bare write + fsync time, "
            "interleaved append by append; CPU = the appending process's CPU time)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
