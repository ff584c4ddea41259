"""What the benchmark scripts share: running one command in a child process and
measuring it, medians, the machine, and Markdown tables.

A child is measured by the kernel, not by itself: ``os.wait4`` gives its CPU time
(user + system) and its peak resident memory (``ru_maxrss``), and the parent times
its wall clock from start to exit. A child may also print one JSON object as its
last line of output (say, the CPU and wall time of the part it times itself).

The parent must stay small: Linux counts the memory of the process a child was forked
from in the child's ``ru_maxrss``, so a child's peak never reads below the parent's
resident size. The scripts generate their data in children for that reason, and print
the parent's own peak (:func:`own_peak_mb`) with their figures.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Run:
    """One child process: its wall and CPU time (s), peak RSS (MB), and what it said."""

    wall: float
    cpu: float
    peak_mb: float
    said: dict[str, Any] = field(default_factory=dict)


class ChildFailed(RuntimeError):
    """A measured command exited with an error."""


def run(argv: Sequence[str], *, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` to its end and measure it; its output goes to a file, not a pipe,
    so that a large output cannot stall it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            list(argv), stdout=out, stderr=err, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace")
        if child.returncode != 0:
            message = err.read().decode(errors="replace")[-4000:]
            raise ChildFailed(f"{' '.join(argv)} exited {child.returncode}:\n{message}")
    said: dict[str, Any] = {}
    last = text.strip().rsplit("\n", 1)[-1] if text.strip() else ""
    if last.startswith("{"):
        said = json.loads(last)
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        said=said,
    )


def rss_mb() -> float:
    """Resident memory now, in MB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def own_peak_mb() -> float:
    """This process's peak RSS (MB): no child's peak can be read below it."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def machine() -> dict[str, str]:
    """The machine and the versions that the figures depend on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = []
    for name in ("sitrep-core", "eventsourcing", "orjson", "cattrs", "attrs"):
        with contextlib.suppress(PackageNotFoundError):
            versions.append(f"{name} {version(name)}")
    return {
        "cpus": f"{os.cpu_count()} ({model})",
        "memory": f"{memory:.1f} GiB",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "system": f"{platform.system()} {platform.release()}",
        "packages": ", ".join(versions),
        "load average (1, 5, 15 min)": ", ".join(f"{v:.1f}" for v in os.getloadavg()),
    }


def describe_machine() -> str:
    return "; ".join(f"{key}: {value}" for key, value in machine().items())


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table; the first column left-aligned, the others right-aligned."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|---|" + "---:|" * (len(header) - 1),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def seconds(value: float) -> str:
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def mb(value: float) -> str:
    return f"{value:,.0f}"


def rate(value: float) -> str:
    return f"{value:,.0f}"


def times(value: float) -> str:
    return f"{value:.2f}x"


def publish(
    text: str,
    *,
    command: str,
    started: float,
    results: Any,
    json_path: str | None,
    md_path: str | None,
) -> None:
    """Print the tables with this process's own peak and time, and write them (with the
    machine and the command) to ``json_path`` and ``md_path`` when asked."""
    text += (
        f"\n\n(this process peaked at {own_peak_mb():,.0f} MB: no peak above reads "
        f"below that; {time.perf_counter() - started:,.0f} s in all)"
    )
    print(f"\n{text}")
    if json_path:
        document = {"machine": machine(), "command": command, "results": results}
        Path(json_path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    if md_path:
        Path(md_path).write_text(
            f"Machine: {describe_machine()}\n\nCommand: `{command}`\n\n{text}\n", encoding="utf-8"
        )
