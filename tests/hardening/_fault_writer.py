"""A writer process the fault trials start and kill: appends batches until killed.

    python tests/hardening/_fault_writer.py TARGET --prefix P --seed S [--short-writes B]

It prints ``ready`` once the log is open, then ``ack <batch> <size>`` (flushed) after
each append returns, so whoever reads the pipe knows which batches the log
acknowledged. ``--short-writes B`` makes every ``os.write`` take at most B bytes and
yield the processor, so a kill often lands in the middle of a batch.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/, for _writers

from _writers import sample_event

from sitrep_core import open_log

SIZES = (1, 2, 5, 17, 60, 150)


def batch_sizes(seed: int) -> Iterator[int]:
    """The sizes of the batches a writer with ``seed`` appends, in order."""
    rng = random.Random(seed)
    while True:
        yield rng.choice(SIZES)


def event_id(prefix: str, batch: int, index: int) -> str:
    return f"{prefix}-b{batch}-e{index}"


def _short_writes(limit: int) -> None:
    real_write = os.write

    def write(fd: int, data: bytes | memoryview) -> int:
        written = real_write(fd, data[:limit])
        time.sleep(0)
        return written

    os.write = write  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target")
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--short-writes", type=int, default=None)
    args = parser.parse_args(argv)
    if args.short_writes:
        _short_writes(args.short_writes)
    out = sys.stdout
    with open_log(args.target) as log:
        out.write("ready\n")
        out.flush()
        for batch, size in zip(itertools.count(), batch_sizes(args.seed)):
            log.append(
                sample_event(batch + i, id=event_id(args.prefix, batch, i)) for i in range(size)
            )
            out.write(f"ack {args.prefix}-b{batch} {size}\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
