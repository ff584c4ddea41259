"""Build the Qalamoun 2017 log from events.jsonl, verify it, render each dated report.

Usage: ``python examples/qalamoun-2017/run.py [LOG]``. LOG defaults to
``out/qalamoun.jsonl`` next to this file. Running again appends nothing: every
event is already stored with the same content. The report as it could have been
written at each UPDATE of the seed is rendered in every format the installed
plugins offer, to ``report-<moment>.<extension>`` beside the log.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import sitrep_core

HERE = Path(__file__).resolve().parent
EVENTS = HERE / "events.jsonl"
DEFAULT_LOG = HERE / "out" / "qalamoun.jsonl"
TITLE = "Situation Report: the Qalamoun evacuation convoy"
UPDATES = {
    "2017-08-30T1650": "2017-08-30T16:50",
    "2017-08-31": "2017-08-31T12:00",
    "2017-09-02": "2017-09-02T12:00",
    "2017-09-05": "2017-09-05T12:00",
}


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else DEFAULT_LOG
    target.parent.mkdir(parents=True, exist_ok=True)
    plugins = sitrep_core.Plugins.load()
    with plugins.open_log(target) as log:
        try:
            events = log.codec.read_input(EVENTS.read_bytes(), source=str(EVENTS))
            result = log.append(events)
        except sitrep_core.DuplicateIdError as exc:
            print(
                f"{target}: {exc}; events.jsonl changed since this log was built: "
                "remove the log and run again",
                file=sys.stderr,
            )
            return 1
        except sitrep_core.SitrepError as exc:
            print(exc, file=sys.stderr)
            return 1
        check = log.verify()
        if not check:
            print(f"{target}: {check}", file=sys.stderr)
            return 1
        per_type = Counter(record.event.TYPE for record in log.read())
        written = []
        for label, moment in UPDATES.items():
            report = plugins.report(log, title=TITLE, as_of=moment, known_at=moment)
            taken: set[str] = set()
            for name, renderer in sorted(plugins.renderers().items()):
                # formats sharing an extension (CSVs, JSONs) each get a file of their own
                suffix = renderer.extension
                suffix = f".{name}{suffix}" if suffix in taken else suffix
                taken.add(renderer.extension)
                path = target.parent / f"report-{label}{suffix}"
                path.write_text(renderer.render(report), encoding="utf-8")
                written.append((label, name, path))
    print(f"log: {target}")
    print(
        f"records: {check.checked} "
        f"({len(result.records)} new, {len(result.skipped)} already stored)"
    )
    print(f"head: {check.head} {check.head_hash}")
    print("events per type:")
    for tag, count in sorted(per_type.items()):
        print(f"  {tag:<13} {count:>3}")
    print("reports:")
    for label, name, path in written:
        print(f"  {label:<16} {name:<9} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
