"""Realistic events, and writer processes the log tests start and kill.

Importable from the tests (``sample_event``), and runnable as a script::

    python tests/_writers.py batches TARGET --prefix P --batches N --size K
    python tests/_writers.py crash TARGET --prefix P --seed S

``batches`` appends N batches of K events and exits. ``crash`` appends batches of
random size until it is killed; after each append returns it prints the batch as
``ack <batch-id> <count>`` on stdout, flushed, so whoever reads the pipe knows
exactly which batches the log acknowledged.
"""

from __future__ import annotations

import argparse
import random
import sys

from sitrep_core import (
    ConvoyMove,
    Count,
    Evacuation,
    Event,
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
            origin="Western Qalamoun",
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
            position=f"km {index % 90 + variant}",
            near=("Humayma", "al-Sukhnah"),
            heading="east",
            toward="Abu Kamal",
            **common,
        )
    if kind == 2:
        return Strike(
            actor="US-led coalition",
            targets=("road", "bridge"),
            means="air strike",
            position="near Humayma",
            effect=f"cratered ({index + variant})",
            convoy="qalamoun-convoy",
            convoy_hit=False,
            killed=Count(None, "unknown", text="casualties unknown"),
            **common,
        )
    return Statement(
        speaker="Col. Ryan Dillon",
        actor="US-led coalition",
        subject="qalamoun-convoy",
        stance="opposes",
        quote=f"we will continue to monitor ({index + variant})",
        **common,
    )


def _batches(target: str, prefix: str, batches: int, size: int) -> int:
    with open_log(target) as log:
        for b in range(batches):
            events = [sample_event(b * size + i, id=f"{prefix}-b{b}-e{i}") for i in range(size)]
            log.append(events)
    return 0


def _crash(target: str, prefix: str, seed: int) -> int:
    rng = random.Random(seed)
    out = sys.stdout
    with open_log(target) as log:
        out.write("ready\n")
        out.flush()
        batch = 0
        while True:
            # some batches span many pages, so a kill can land inside the write itself
            size = rng.choice((1, 3, 10, 40, 200))
            log.append(sample_event(batch + i, id=f"{prefix}-b{batch}-e{i}") for i in range(size))
            out.write(f"ack {prefix}-b{batch} {size}\n")
            out.flush()
            batch += 1


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
    args = parser.parse_args(argv)
    if args.command == "batches":
        return _batches(args.target, args.prefix, args.batches, args.size)
    return _crash(args.target, args.prefix, args.seed)


if __name__ == "__main__":
    sys.exit(main())
