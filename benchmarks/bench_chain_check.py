"""What checking the hash chain on every read costs, per event, on each store.

Every read checks each record as it streams (position, link, SHA-256 of the stored
bytes). This reads a realistic log of ``--events`` events whole, with the check and
with it switched off, and prints the time per event of each, the difference (the
check's cost) and its share of a full read (records decoded into events)::

    python benchmarks/bench_chain_check.py [--events 100000] [--repeat 5]

The best of ``--repeat`` runs is kept. SQLite and PostgreSQL are measured too
(PostgreSQL when ``SITREP_TEST_POSTGRES_URL`` is set; a schema is made and dropped).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_append import postgres_schema
from bench_open_append import write_log

import sitrep_core as sr
from sitrep_core.stores._log import ChainCheck


@contextmanager
def unchecked() -> Iterator[None]:
    """Reads without the chain check: what a read cost before every read checked."""
    real = ChainCheck.problem

    def trust(self: ChainCheck, row: object) -> None:
        return None

    ChainCheck.problem = trust  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        ChainCheck.problem = real  # type: ignore[method-assign]


def per_event(target: str, n: int, repeat: int) -> float:
    """Seconds per event of the best full read of ``target``."""
    best = float("inf")
    with sr.open_log(target) as log:
        for _ in range(repeat):
            started = time.perf_counter()
            count = sum(1 for _ in log.read())
            best = min(best, time.perf_counter() - started)
            assert count == n, count
    return best / n


def measure(name: str, target: str, n: int, repeat: int) -> None:
    write_log(target, n)
    checked = per_event(target, n, repeat)
    with unchecked():
        plain = per_event(target, n, repeat)
    cost = checked - plain
    print(
        f"{name:<11} read {checked * 1e6:6.2f} us/event checked, {plain * 1e6:6.2f} unchecked: "
        f"the check costs {cost * 1e6:5.2f} us/event ({cost / plain:6.1%} of a read)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{args.events} events, best of {args.repeat} reads, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as folder:
        measure("jsonl", str(Path(folder) / "log.jsonl"), args.events, args.repeat)
        measure("sqlite", str(Path(folder) / "log.sqlite"), args.events, args.repeat)
    url = os.environ.get("SITREP_TEST_POSTGRES_URL")
    if url:
        with postgres_schema(url) as target:
            measure("postgresql", target, args.events, args.repeat)


if __name__ == "__main__":
    main()
