"""What a new process pays to open a large log and append one event to it.

For each store and size, a log of ``N`` realistic events is written, then
``--repeat`` new processes each open it and append one event; the time from before
``open_log`` to after ``append`` returns (the process's start-up and imports left
out) is measured inside each, and the median printed. For JSON Lines it is measured
twice: with the index kept beside the log (``<log>.index``), and without it (the
index deleted before each process, so the process reads the whole file, as every
process did before the copy was kept)::

    python benchmarks/bench_open_append.py [--sizes 10000,100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import sitrep_core as sr
from sitrep_core import Count, Location, Source

SOURCES = (Source("SOHR", "B", 2, url="https://www.syriahr.com/en/"), Source("AP", "B", 1))


def events(n: int) -> list[sr.Event]:
    """``n`` events of the convoy story's kinds, each citing graded sources."""
    made: list[sr.Event] = []
    for i in range(n):
        common = {
            "id": f"e{i}",
            "occurred": f"2017-08-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}",
            "sources": SOURCES,
            "notes": f"report {i}",
        }
        convoy = f"convoy-{i % 12}"
        kind = i % 4
        if kind == 0:
            made.append(
                sr.Evacuation(
                    group="ISIS",
                    origins=("Western Qalamoun",),
                    destination="Abu Kamal",
                    fighters=Count.approx(300 + i % 20),
                    vehicles={"bus": Count.exact(17)},
                    convoy=convoy,
                    **common,
                )
            )
        elif kind == 1:
            made.append(
                sr.ConvoyMove(
                    convoy=convoy,
                    status="halted",
                    location=Location(text=f"km {i % 300}", places=("Humayma",)),
                    **common,
                )
            )
        elif kind == 2:
            made.append(sr.Strike(actor="coalition", targets=("road",), convoy=convoy, **common))
        else:
            made.append(
                sr.Statement(
                    speaker="Col. Ryan Dillon",
                    subject=convoy,
                    stances=("warns",),
                    quote="we will continue to monitor",
                    **common,
                )
            )
    return made


def write_log(target: str, n: int, batch: int = 1000) -> None:
    """A log of ``n`` such events, appended in batches."""
    made = events(n)
    with sr.open_log(target) as log:
        for start in range(0, n, batch):
            log.append(made[start : start + batch])


CHILD = """
import sys, time
from sitrep_core import Statement, open_log
event = Statement(id=sys.argv[2], occurred="2017-09-01", speaker="desk", subject="bench",
                  stances=("warns",))
started = time.perf_counter()
with open_log(sys.argv[1]) as log:
    result = log.append([event])
print(time.perf_counter() - started, result.head)
"""


def one(target: str, label: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, target, label], capture_output=True, text=True, check=True
    )
    return float(done.stdout.split()[0])


def measure(name: str, target: str, repeat: int, *, drop: Path | None = None) -> float:
    times = []
    for run in range(repeat):
        if drop is not None:
            drop.unlink(missing_ok=True)
        times.append(one(target, f"{name}-{run}-{len(times)}"))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"median of {args.repeat} new processes, open + append 1 event (imports left out)")
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            jsonl = Path(folder) / "log.jsonl"
            write_log(str(jsonl), n)
            index = jsonl.with_name(f"{jsonl.name}.index")
            with_copy = measure("jsonl", str(jsonl), args.repeat)
            without = measure("jsonl-bare", str(jsonl), args.repeat, drop=index)
            sqlite = Path(folder) / "log.sqlite"
            write_log(str(sqlite), n)
            in_sqlite = measure("sqlite", str(sqlite), args.repeat)
        print(
            f"{n:>8} events: jsonl {with_copy * 1e3:7.1f} ms with its index beside it, "
            f"{without * 1e3:7.1f} ms without; sqlite {in_sqlite * 1e3:7.1f} ms"
        )


if __name__ == "__main__":
    main()
