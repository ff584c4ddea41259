"""What a short ``sitrep`` command costs: a new process that starts, loads the library
and its plugins, does a little and exits. A script pays this for every command.

Measured, each a new process, rounds interleaved (every case once a round, in turns):

- ``sitrep --help``: starting and loading the command line, nothing else;
- ``sitrep add`` of one event to a log of N events, installed plugins loaded, and the
  same with ``SITREP_DISABLE_PLUGIN_AUTOLOAD=1``;
- ``sitrep render`` of a log nothing was added to since its last render (the kept
  report is shown again);
- the peer: a new Python that imports eventsourcing's application module (what a
  script built on it loads before it can append), and a bare ``python -c pass``.

With ``--baseline SRC_PATHS`` (a ``PYTHONPATH``, e.g. the ``src`` folders of an
earlier checkout of this repository and of its plugins) every sitrep case also runs
with that code, interleaved with this one, each side with its own render cache::

    git worktree add /tmp/base <rev>
    python benchmarks/bench_startup.py \\
        --baseline "$(ls -d /tmp/base/src /tmp/base/plugins/*/src | paste -sd:)"
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure
from bench_cli import ADD_ONE, SITREP


def prepared_log(directory: Path, n: int) -> str:
    """A log of ``n`` synthetic events, written in a child (this process stays small)."""
    log = directory / "log.jsonl"
    script = (
        "import sys, synthetic, sitrep_core as sr\n"
        "with sr.open_log(sys.argv[1]) as log:\n"
        "    log.append(list(synthetic.events(int(sys.argv[2]), 2017)))\n"
    )
    measure.run(
        [sys.executable, "-c", script, str(log), str(n)],
        env={"PYTHONPATH": str(Path(__file__).resolve().parent)},
    )
    return str(log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="events in the log")
    parser.add_argument("--rounds", type=int, default=9, help="rounds (median shown)")
    parser.add_argument("--baseline", help="PYTHONPATH of the code to compare with")
    parser.add_argument("--markdown", help="also write the table and machine to this file")
    parser.add_argument("--json", help="also write every figure measured to this file")
    args = parser.parse_args()
    started = time.perf_counter()

    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        log = prepared_log(directory, args.events)
        kept = str(directory / "kept.jsonl")
        shutil.copyfile(log, kept)  # not through this process: it must stay small
        sides: dict[str, dict[str, str]] = {"this": {}}
        if args.baseline:
            sides["baseline"] = {"PYTHONPATH": args.baseline}

        def render(side: str) -> list[str]:
            out = str(directory / f"out-{side}.md")
            cache = str(directory / f"cache-{side}")
            return [*SITREP, "render", kept, "-f", "markdown", "-o", out, "--cache-dir", cache]

        no_plugins = {"SITREP_DISABLE_PLUGIN_AUTOLOAD": "1"}
        cases: dict[str, tuple[str, list[str], dict[str, str]]] = {}
        add = [*SITREP, "add", log, *ADD_ONE]
        for side, env in sides.items():
            cases[f"sitrep --help|{side}"] = (side, [*SITREP, "--help"], env)
            cases[f"sitrep add, plugins loaded|{side}"] = (side, add, env)
            cases[f"sitrep add, no plugin|{side}"] = (side, add, {**env, **no_plugins})
            cases[f"sitrep render, the kept report|{side}"] = (side, render(side), env)
            measure.run(render(side), env=env)  # the report each side keeps
        cases["peer: python -c 'import eventsourcing.application'|peer"] = (
            "peer",
            [sys.executable, "-c", "import eventsourcing.application"],
            {},
        )
        cases["python -c pass|peer"] = ("peer", [sys.executable, "-c", "pass"], {})

        runs: dict[str, list[measure.Run]] = {case: [] for case in cases}
        for round_ in range(args.rounds):
            order = list(cases) if round_ % 2 == 0 else list(reversed(cases))
            for case in order:
                _, argv, env = cases[case]
                runs[case].append(measure.run(argv, env=env))

    def medians(case: str) -> tuple[float, float, float]:
        found = runs[case]
        return (
            measure.median([r.wall for r in found]),
            measure.median([r.cpu for r in found]),
            measure.median([r.peak_mb for r in found]),
        )

    rows = []
    results = {}
    for case in cases:
        what, side = case.rsplit("|", 1)
        wall, cpu, peak = medians(case)
        results[case] = {"wall": wall, "cpu": cpu, "peak_mb": peak}
        row = [what, side, measure.seconds(wall), measure.seconds(cpu), measure.mb(peak)]
        if side == "this" and args.baseline:
            before = medians(f"{what}|baseline")
            row.append(measure.times(before[1] / cpu))
        elif args.baseline:
            row.append("")
        rows.append(row)
    header = ["command (a new process)", "code", "wall (s)", "CPU (s)", "peak RSS (MB)"]
    if args.baseline:
        header.append("CPU, baseline / this")
    text = (
        f"N = {args.events:,} events, medians of {args.rounds} interleaved rounds\n\n"
        + measure.table(header, rows)
    )
    measure.publish(
        text,
        command=" ".join(["python", "benchmarks/bench_startup.py", *sys.argv[1:]]),
        started=started,
        results=results,
        json_path=args.json,
        md_path=args.markdown,
    )


if __name__ == "__main__":
    os.environ.pop("SITREP_DISABLE_PLUGIN_AUTOLOAD", None)
    main()
