"""Conditional writers side by side: retries per success with ``--writers`` processes.

Each process appends ``--appends`` single events, each conditional on what it read,
in one of three ways:

- ``optimistic``: read the head, append with ``expected_position``; on a
  ``ConflictError`` read again and retry (what every writer did before streams);
- ``exclusive``: inside ``log.exclusive()``, read the head and append with it: the
  writers wait their turn for the lock instead of retrying;
- ``streams``: each writer decides from its own stream (a convoy of its own) and
  appends with ``expected_versions``: writers of other streams do not conflict.

Printed: successes, retries, retries per success and appends per second::

    python benchmarks/bench_conditional_writers.py [--writers 8] [--appends 100]

PostgreSQL is measured when ``SITREP_TEST_POSTGRES_URL`` is set (a schema is made and
dropped).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_append import postgres_schema

from sitrep_core import ConflictError, ConvoyMove, open_log

MODES = ("optimistic", "exclusive", "streams")


def event(writer: int, n: int) -> ConvoyMove:
    return ConvoyMove(
        id=f"w{writer}-{n}", occurred="2017-09-01", convoy=f"convoy-{writer}", status="moving"
    )


def writer(target: str, mode: str, number: int, appends: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    retries = 0
    with open_log(target) as log:
        for n in range(appends):
            while True:
                try:
                    if mode == "optimistic":
                        log.append([event(number, n)], expected_position=log.head)
                    elif mode == "exclusive":
                        with log.exclusive():
                            log.append([event(number, n)], expected_position=log.head)
                    else:
                        stream = f"convoy:convoy-{number}"
                        version = log.stream_version(stream)
                        log.append([event(number, n)], expected_versions={stream: version})
                    break
                except ConflictError:
                    retries += 1
    queue.put(retries)


def run(target: str, mode: str, writers: int, appends: int) -> tuple[int, float]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    open_log(target).close()
    started = time.perf_counter()
    processes = [
        context.Process(target=writer, args=(target, mode, w, appends, queue))
        for w in range(writers)
    ]
    for process in processes:
        process.start()
    retries = sum(queue.get() for _ in processes)
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    with open_log(target) as log:
        assert log.head == writers * appends and log.verify()
    return retries, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--appends", type=int, default=100)
    args = parser.parse_args()
    successes = args.writers * args.appends
    print(f"{args.writers} writer processes x {args.appends} conditional appends of one event")
    with tempfile.TemporaryDirectory() as folder:
        targets = [
            ("jsonl", lambda mode: str(Path(folder) / f"{mode}.jsonl")),
            ("sqlite", lambda mode: str(Path(folder) / f"{mode}.sqlite")),
        ]
        for name, make in targets:
            for mode in MODES:
                retries, elapsed = run(make(mode), mode, args.writers, args.appends)
                report(name, mode, successes, retries, elapsed)
    url = os.environ.get("SITREP_TEST_POSTGRES_URL")
    if url:
        for mode in MODES:
            with postgres_schema(url) as target:
                retries, elapsed = run(target, mode, args.writers, args.appends)
                report("postgresql", mode, successes, retries, elapsed)


def report(name: str, mode: str, successes: int, retries: int, elapsed: float) -> None:
    print(
        f"{name:<11} {mode:<10} {successes} successes, {retries:>6} retries, "
        f"{retries / successes:6.2f} retries per success, {successes / elapsed:7.0f} appends/s"
    )


if __name__ == "__main__":
    main()
