"""The script path: one ``sitrep`` command after another, a new process each time.

    python benchmarks/bench_cli.py [--sizes 10000,100000] [--million] [--repeat 3]
        [--workdir DIR] [--markdown FILE] [--json FILE]

This is how a script or a cron job uses sitrep-core: every command starts a new
Python process, opens the log, does one thing and exits, so nothing stays in memory
from one command to the next. For each size N, each round works in a new directory:

1. ``sitrep init log.jsonl``
2. ``sitrep append log.jsonl events.jsonl``: N synthetic events (``synthetic.py``)
3. ``sitrep render log.jsonl -f markdown -o report.md``: cold
4. ``sitrep add log.jsonl convoy-move ...``: one more event
5. ``sitrep render ...`` again: the figure a script waits for after each new event
6. steps 4 and 5 once more (whatever the first re-render left behind is used now)
7. ``sitrep render ...`` again with nothing added: the report the last render kept
   (and ``--no-cache``: the same render replaying the log, for comparison)
8. from Python, in a new process: open the log and append one event
9. from Python, in a new process: ``build_report`` with ``FileCheckpoints`` and render
   Markdown, cold (the checkpoints are written), then again after one more event

The commands load the plugins installed beside sitrep-core, as a user's would: their
projections are replayed and viewed too, whatever the format rendered. With
``--no-plugins`` they load none (``SITREP_DISABLE_PLUGIN_AUTOLOAD=1``).

Each command is measured by the kernel (``os.wait4``): wall time, CPU time (user +
system) and peak resident memory (RSS). The figures are medians of ``--repeat`` rounds.
``--million`` adds one round of steps 1 to 5 at a million events (about 10 minutes
of CPU on two cores) and step 7.

The render cache goes to a directory of the work directory (``XDG_CACHE_HOME``), new
for each round.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402

_SCRIPT = Path(sys.executable).with_name("sitrep")
SITREP = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "sitrep_core"]
"""The ``sitrep`` script installed beside this Python (else ``python -m sitrep_core``)."""

ADD_ONE = [
    "convoy-move",
    "--occurred",
    "2019-02-01T10:00",
    "--convoy",
    "convoy-1",
    "--status",
    "halted",
    "--source",
    "SOHR|B|2",
]

STEPS = (
    ("init", "sitrep init"),
    ("append", "sitrep append of the N events"),
    ("render_cold", "sitrep render -f markdown, cold"),
    ("add", "sitrep add of one event"),
    ("render_after_add", "sitrep render after one more event"),
    ("add_2", "sitrep add of one more event"),
    ("render_after_add_2", "sitrep render after it"),
    ("render_again", "sitrep render again, nothing added (the kept report)"),
    ("render_again_no_cache", "... the same with --no-cache"),
    ("python_append", "Python, new process: open_log + append one event"),
    ("python_checkpoints_cold", "Python, new process: build_report + FileCheckpoints, cold"),
    ("python_checkpoints_after", "... again, after one more event"),
)


# -- what the Python children do (run as ``bench_cli.py --child KIND ARGS``) -------------


def child_append_one(log_path: str) -> None:
    """Open the log in this new process and append one event, as a script would."""
    import sitrep_core as sr

    with sr.open_log(log_path) as log:
        log.append(
            [
                sr.ConvoyMove(
                    occurred="2019-02-01T11:00",
                    convoy="convoy-1",
                    status="moving",
                    sources=(sr.Source("SOHR", "B", 2),),
                )
            ]
        )


def child_report_with_checkpoints(log_path: str, directory: str) -> None:
    """Build the report with checkpoints kept in files, and render it as Markdown."""
    import sitrep_core as sr

    with sr.open_log(log_path) as log:
        report = sr.build_report(log, checkpoints=sr.FileCheckpoints(directory))
        text = sr.Plugins.load().render(report, "markdown")
    Path(directory, "report.md").write_text(text, encoding="utf-8")


def child_write_input(path: str, n: str) -> None:
    import synthetic

    synthetic.write_lines(path, int(n))


CHILDREN = {
    "append-one": child_append_one,
    "checkpoints": child_report_with_checkpoints,
    "write-input": child_write_input,
}


# -- the parent ---------------------------------------------------------------------------


def prepare(workdir: Path, n: int) -> Path:
    """The input file of ``n`` synthetic events, generated once (in a child, to keep
    this process small) and kept."""
    path = workdir / f"cli-input-{n}.jsonl"
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        measure.run([sys.executable, __file__, "--child", "write-input", str(partial), str(n)])
        partial.rename(path)
    return path


SCRIPT_PATH = ("init", "append", "render_cold", "add", "render_after_add", "render_again")
"""The steps of a round at a million events: the script path that the targets name."""


def one_round(
    workdir: Path, events: Path, label: str, steps: Sequence[str], env: dict[str, str]
) -> dict[str, measure.Run]:
    """The ``steps`` once each, in order, in a new directory (removed afterwards)."""
    directory = workdir / f"cli-{label}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    log = str(directory / "log.jsonl")
    me = [sys.executable, __file__, "--child"]
    checkpoints = str(directory / "checkpoints")
    commands: dict[str, list[str]] = {
        "init": [*SITREP, "init", log],
        "append": [*SITREP, "append", log, str(events)],
        "render_cold": [*SITREP, "render", log, "-f", "markdown", "-o", f"{log}.cold.md"],
        "add": [*SITREP, "add", log, *ADD_ONE],
        "render_after_add": [*SITREP, "render", log, "-f", "markdown", "-o", f"{log}.1.md"],
        "add_2": [*SITREP, "add", log, *ADD_ONE],
        "render_after_add_2": [*SITREP, "render", log, "-f", "markdown", "-o", f"{log}.2.md"],
        "render_again": [*SITREP, "render", log, "-f", "markdown", "-o", f"{log}.3.md"],
        "render_again_no_cache": [
            *SITREP,
            "render",
            log,
            "-f",
            "markdown",
            "-o",
            f"{log}.4.md",
            "--no-cache",
        ],
        "python_append": [*me, "append-one", log],
        "python_checkpoints_cold": [*me, "checkpoints", log, checkpoints],
    }
    runs: dict[str, measure.Run] = {}
    env = {**env, "XDG_CACHE_HOME": str(directory / "cache")}
    try:
        for step, argv in commands.items():
            if step in steps:
                runs[step] = measure.run(argv, env=env)
                print(f"    {step}: {format_run(runs[step])}", flush=True)
        if "python_checkpoints_after" in steps:
            measure.run([*me, "append-one", log], env=env)  # one more event, then the rebuild
            runs["python_checkpoints_after"] = measure.run(
                [*me, "checkpoints", log, checkpoints], env=env
            )
            print(f"    python_checkpoints_after: {format_run(runs['python_checkpoints_after'])}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return runs


def format_run(run: measure.Run) -> str:
    return f"wall {run.wall:.3f} s, cpu {run.cpu:.3f} s, peak {run.peak_mb:,.0f} MB"


def run_size(
    workdir: Path, n: int, repeat: int, chosen: Sequence[str], env: dict[str, str]
) -> dict[str, Any]:
    print(f"N = {n:,}", flush=True)
    events = prepare(workdir, n)
    rounds = []
    for index in range(repeat):
        print(f"  round {index + 1} of {repeat}", flush=True)
        rounds.append(one_round(workdir, events, f"{n}-{index}", chosen, env))
    steps: dict[str, dict[str, Any]] = {}
    for step in chosen:
        got = [r[step] for r in rounds]
        steps[step] = {
            "wall": measure.median([g.wall for g in got]),
            "cpu": measure.median([g.cpu for g in got]),
            "peak_mb": measure.median([g.peak_mb for g in got]),
            "runs": [[g.wall, g.cpu, g.peak_mb] for g in got],
        }
    return {"n": n, "rounds": repeat, "bytes": events.stat().st_size, "steps": steps}


def report(results: Sequence[dict[str, Any]]) -> str:
    """One table a size (wall s / CPU s / peak MB a step), then the ratios."""
    parts = []
    for result in results:
        rows = [
            [
                label,
                measure.seconds(result["steps"][step]["wall"]),
                measure.seconds(result["steps"][step]["cpu"]),
                measure.mb(result["steps"][step]["peak_mb"]),
            ]
            for step, label in STEPS
            if step in result["steps"]
        ]
        steps = result["steps"]
        for later, label in (
            ("render_after_add", "cold render / render after one more event"),
            ("render_again", "cold render / render again, nothing added"),
        ):
            if later in steps:
                rows.append(
                    [
                        label,
                        *(
                            f"{steps['render_cold'][key] / steps[later][key]:,.1f}x"
                            for key in ("wall", "cpu")
                        ),
                        "",
                    ]
                )
        parts.append(
            f"N = {result['n']:,} (medians of {result['rounds']} rounds)\n\n"
            + measure.table(["step", "wall (s)", "CPU (s)", "peak RSS (MB)"], rows)
        )
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated event counts")
    parser.add_argument(
        "--million", action="store_true", help="also 1,000,000: one round of steps 1-5 and 7"
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds a size (median shown)")
    parser.add_argument(
        "--no-plugins",
        action="store_true",
        help="set SITREP_DISABLE_PLUGIN_AUTOLOAD=1: the commands load no installed plugin",
    )
    parser.add_argument("--workdir", default="/tmp/sitrep-bench", help="kept between runs")
    parser.add_argument("--markdown", help="also write the tables and machine to this file")
    parser.add_argument("--json", help="also write every figure measured to this file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        CHILDREN[kind](*rest)
        return 0
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    command = "python benchmarks/bench_cli.py " + " ".join(sys.argv[1:] if argv is None else argv)
    print(measure.describe_machine(), flush=True)
    started = time.perf_counter()
    every_step = [step for step, _ in STEPS]
    env = {"SITREP_DISABLE_PLUGIN_AUTOLOAD": "1"} if args.no_plugins else {}
    results = [run_size(workdir, n, args.repeat, every_step, env) for n in sizes]
    if args.million:
        results.append(run_size(workdir, 1_000_000, 1, SCRIPT_PATH, env))
    measure.publish(
        report(results),
        command=command,
        started=started,
        results=results,
        json_path=args.json,
        md_path=args.markdown,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
