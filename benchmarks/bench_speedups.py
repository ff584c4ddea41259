"""What each speed-up the library keeps buys: the library as it ships, beside the same
library with one speed-up taken out, interleaved round by round, each run a new
process (CPU and wall time of the timed parts inside it, peak RSS from the kernel).

The speed-ups, and how a variant takes each out:

- ``collector_paused`` (the cyclic garbage collector off during a replay, and the
  facts moved to the oldest generation after it): replaced by a context that does
  nothing (``no-collector-handling``) or that only disables the collector
  (``collector-disable-only``);
- ``MemoryCheckpoints`` passed to ``build_report`` (a re-render after one more event
  folds only that event): not passed (``no-memory-checkpoints``);
- the codec's table of shared values (equal sources, counts, locations and moments
  decoded once): every value built anew (``no-shared-values``).

Each run replays a log into every built-in projection, builds and renders a cold
report, then appends one event and renders again, three times (the median is shown).

    python benchmarks/bench_speedups.py --size 100000 --repeat 3 --workdir /tmp/bench
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import shutil
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import measure

VARIANTS = (
    "shipped",
    "no-collector-handling",
    "collector-disable-only",
    "no-memory-checkpoints",
    "no-shared-values",
)
FIGURES = ("fold_cpu", "cold_report_cpu", "rerender_cpu", "rerender_wall", "state_mb", "peak_mb")


def _timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    out = work()
    return out, time.process_time() - cpu, time.perf_counter() - wall


@contextlib.contextmanager
def _disable_only() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _take_out(variant: str) -> None:
    """Take one speed-up out of the library in this process."""
    entry_points = [
        importlib.import_module(name)
        for name in ("sitrep_core.replay._replay", "sitrep_core.report._report")
    ]
    if variant == "no-collector-handling":
        for module in entry_points:
            module.collector_paused = contextlib.nullcontext  # type: ignore[attr-defined]
    elif variant == "collector-disable-only":
        for module in entry_points:
            module.collector_paused = _disable_only  # type: ignore[attr-defined]


def child(variant: str, log_path: str) -> dict[str, float]:
    import sitrep_core as sr

    _take_out(variant)
    copy = Path(log_path).with_name(f"speedups-{uuid.uuid4().hex[:8]}.jsonl")
    shutil.copyfile(log_path, copy)
    try:
        plugins = sr.Plugins.load(autoload=False)
        log = sr.open_log(copy, codec=plugins.codec)
        if variant == "no-shared-values":
            shared = plugins.codec.shared
            shared.get = lambda kind, data, build: build(data)  # type: ignore[method-assign]
        before = measure.rss_mb()
        snapshot, fold_cpu, _ = _timed(lambda: sr.replay(log))
        state_mb = measure.rss_mb() - before
        del snapshot
        gc.collect()
        checkpoints = None if variant == "no-memory-checkpoints" else sr.MemoryCheckpoints()

        def render() -> str:
            return plugins.render(plugins.report(log, checkpoints=checkpoints), "markdown")

        _, cold_cpu, _ = _timed(render)
        again = []
        for minute in range(3):
            move = sr.ConvoyMove(
                occurred=f"2019-02-01T10:0{minute}",
                convoy="convoy-1",
                status="halted",
                sources=(sr.Source("SOHR", "B", 2),),
            )
            log.append([move])
            _, cpu, wall = _timed(render)
            again.append((cpu, wall))
        log.close()
    finally:
        copy.unlink(missing_ok=True)
        Path(f"{copy}.index").unlink(missing_ok=True)
    return {
        "fold_cpu": fold_cpu,
        "cold_report_cpu": cold_cpu,
        "rerender_cpu": statistics.median(cpu for cpu, _ in again),
        "rerender_wall": statistics.median(wall for _, wall in again),
        "state_mb": state_mb,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="events in the log")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (medians shown)")
    parser.add_argument("--workdir", default="/tmp/bench", help="kept between runs")
    parser.add_argument("--markdown", help="also write the tables and machine to this file")
    parser.add_argument("--json", help="also write every figure measured to this file")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "LOG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    command = "python benchmarks/bench_speedups.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    print(measure.describe_machine(), flush=True)
    started = time.perf_counter()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"speedups-{args.size}.jsonl"
    if not log_path.exists():
        measure.run([sys.executable, "-c", _WRITE_LOG, str(log_path), str(args.size)])
    rounds: dict[str, list[dict[str, float]]] = {variant: [] for variant in VARIANTS}
    for index in range(args.repeat):
        for variant in VARIANTS:
            run = measure.run([sys.executable, __file__, "--child", variant, str(log_path)])
            rounds[variant].append(run.said | {"peak_mb": run.peak_mb})
            print(f"  round {index + 1} {variant}: {rounds[variant][-1]}", flush=True)
    measure.publish(
        _tables(rounds, args.size),
        command=command,
        started=started,
        results=rounds,
        json_path=args.json,
        md_path=args.markdown,
    )
    return 0


_WRITE_LOG = (
    "import sys; sys.path.insert(0, 'benchmarks'); import synthetic; "
    "synthetic.write_log(sys.argv[1], int(sys.argv[2]))"
)


def _tables(rounds: dict[str, list[dict[str, float]]], size: int) -> str:
    medians = measure.table(
        ["variant", *FIGURES],
        [
            [
                variant,
                *(f"{statistics.median(r[k] for r in rounds[variant]):,.3f}" for k in FIGURES),
            ]
            for variant in VARIANTS
        ],
    )
    shipped = rounds["shipped"]
    ratios = measure.table(
        ["without", *FIGURES],
        [
            [
                variant,
                *(
                    measure.times(
                        statistics.median(
                            r[k] / s[k] if s[k] else 1.0
                            for r, s in zip(rounds[variant], shipped, strict=True)
                        )
                    )
                    for k in FIGURES
                ),
            ]
            for variant in VARIANTS[1:]
        ],
    )
    return (
        f"N = {size:,}, medians of {len(shipped)} interleaved rounds (seconds, MB)\n\n"
        f"{medians}\n\nwithout each speed-up, as a multiple of shipped (within each round; "
        f"above 1.00x the speed-up pays)\n\n{ratios}"
    )


if __name__ == "__main__":
    sys.exit(main())
