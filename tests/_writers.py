"""Realistic events, and writer processes the log tests start and kill.

Importable from the tests (``sample_event``; ``write_batches`` and ``crash_writer``
for a forked child to run), and runnable as a script::

    python tests/_writers.py batches TARGET --prefix P --batches N --size K
    python tests/_writers.py crash TARGET --prefix P --seed S [--short-writes B]

``batches`` appends N batches of K events and exits. ``crash`` appends batches of
random size (``crash_batch_sizes(seed)``) until it is killed; after each append
returns it prints ``ack <batch-id> <count>`` on stdout, flushed, so whoever reads the
pipe knows exactly which batches the log acknowledged. ``--short-writes B`` makes
every ``os.write`` take at most B bytes and yield the processor, as a slow or
interrupted write does, so a kill often lands in the middle of a batch.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from sitrep_core import (
    Codec,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    Location,
    Source,
    Statement,
    Strike,
    open_log,
)

_SOURCES = (
    Source("SOHR", "C", 3, url="https://www.syriahr.com/en/"),
    Source("Hezbollah media", "D", 4, quote="the convoy left at dawn"),
    Source("Coalition spokesman", "B", 2, url="https://www.inherentresolve.mil/"),
)


def sample_event(index: int, *, id: str | None = None, variant: int = 0) -> Event:
    """A realistic event: nested graded sources, counts with their qualifiers.

    ``index`` picks the type and the figures; ``variant`` changes the content while
    keeping the shape (for the other-content-same-id cases).
    """
    sources = (_SOURCES[index % 3], _SOURCES[(index + 1) % 3])
    common = {
        "occurred": f"2017-08-{1 + index % 28:02d}T{index % 24:02d}:{(index * 7) % 60:02d}",
        "sources": sources,
        "tags": ("qalamoun", f"batch-{index // 10}"),
        "notes": f"reported {index + variant} times" if variant or index % 2 else None,
    }
    if id is not None:
        common["id"] = id
    kind = index % 4
    if kind == 0:
        return Evacuation(
            group="ISIS",
            origins=("Western Qalamoun",),
            destination="Abu Kamal",
            agreement="Hezbollah-ISIS deal",
            parties=("Hezbollah", "ISIS", "Syrian government"),
            fighters=Count.approx(308 + variant),
            civilians=Count.between(300, 331 + index % 5),
            wounded=Count.at_least(25),
            vehicles={"buses": Count.exact(17), "ambulances": Count.exact(11 + variant)},
            convoy="qalamoun-convoy",
            **common,
        )
    if kind == 1:
        return ConvoyMove(
            convoy="qalamoun-convoy",
            status="halted",
            location=Location(text=f"km {index % 90 + variant}", places=("Humayma", "al-Sukhnah")),
            heading="east",
            toward="Abu Kamal",
            **common,
        )
    if kind == 2:
        return Strike(
            actor="US-led coalition",
            targets=("road", "bridge"),
            means="air strike",
            location=Location(text="near Humayma", relation="near", places=("Humayma",)),
            effect=f"cratered ({index + variant})",
            convoy="qalamoun-convoy",
            convoy_hit=False,
            killed=Count(None, "unknown", text="casualties unknown"),
            **common,
        )
    return Statement(
        speaker="Col. Ryan Dillon",
        actors=("US-led coalition",),
        subject="qalamoun-convoy",
        stances=("opposes",),
        quote=f"we will continue to monitor ({index + variant})",
        **common,
    )


def in_threads(work: Callable[[int], object], count: int) -> list[BaseException]:
    """Run ``work(0)`` ... ``work(count - 1)`` each in a thread of its own, all at once;
    what they raised (a test asserts there is nothing)."""
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(n: int) -> None:
        start.wait()
        try:
            work(n)
        except BaseException as exc:  # reported to the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def write_batches(
    target: str,
    prefix: str,
    batches: int,
    size: int,
    *,
    codec: Codec | None = None,
    start: Any = None,
) -> int:
    """Append ``batches`` batches of ``size`` events, ids ``{prefix}-b{B}-e{I}``.

    ``start`` (a barrier) is waited on once the log is open, so writers begin together.
    """
    with open_log(target, codec=codec) as log:
        if start is not None:
            start.wait(timeout=60)
        for b in range(batches):
            events = [sample_event(b * size + i, id=f"{prefix}-b{b}-e{i}") for i in range(size)]
            log.append(events)
    return 0


def crash_batch_sizes(seed: int) -> Iterator[int]:
    """The sizes of the batches a ``crash`` writer with ``seed`` appends, in order."""
    rng = random.Random(seed)
    # some batches span many pages, so a kill can land inside the write itself
    while True:
        yield rng.choice((1, 3, 10, 40, 200))


_real_write = os.write


def _short_writes(limit: int) -> None:
    def write(fd: int, data: bytes | memoryview) -> int:
        written = _real_write(fd, data[:limit])
        time.sleep(0)
        return written

    os.write = write  # type: ignore[assignment]


def crash_writer(
    target: str,
    prefix: str,
    seed: int,
    *,
    short_writes: int | None = None,
    out: int = 1,
    codec: Codec | None = None,
) -> int:
    """Append batches until killed; say ``ready``, then ``ack <batch> <size>`` on ``out``.

    Each acknowledgement is one ``write`` to the file descriptor ``out``, made only
    after ``append`` returned.
    """
    if short_writes:
        _short_writes(short_writes)
    write = _real_write  # acknowledgements are never cut short
    with open_log(target, codec=codec) as log:
        write(out, b"ready\n")
        for batch, size in zip(itertools.count(), crash_batch_sizes(seed)):
            log.append(sample_event(batch + i, id=f"{prefix}-b{batch}-e{i}") for i in range(size))
            write(out, f"ack {prefix}-b{batch} {size}\n".encode())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    batches = sub.add_parser("batches")
    batches.add_argument("target")
    batches.add_argument("--prefix", required=True)
    batches.add_argument("--batches", type=int, default=20)
    batches.add_argument("--size", type=int, default=10)
    crash = sub.add_parser("crash")
    crash.add_argument("target")
    crash.add_argument("--prefix", required=True)
    crash.add_argument("--seed", type=int, default=0)
    crash.add_argument("--short-writes", type=int, default=None)
    args = parser.parse_args(argv)
    if args.command == "batches":
        return write_batches(args.target, args.prefix, args.batches, args.size)
    return crash_writer(args.target, args.prefix, args.seed, short_writes=args.short_writes)


if __name__ == "__main__":
    sys.exit(main())
