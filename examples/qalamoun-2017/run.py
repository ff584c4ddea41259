"""Build the Qalamoun 2017 log from events.jsonl, verify its hash chain, print a summary.

Usage: ``python examples/qalamoun-2017/run.py [LOG]``. LOG defaults to
``out/qalamoun.jsonl`` next to this file. Running again appends nothing: every
event is already stored with the same content.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import sitrep_core

HERE = Path(__file__).resolve().parent
EVENTS = HERE / "events.jsonl"
DEFAULT_LOG = HERE / "out" / "qalamoun.jsonl"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else DEFAULT_LOG
    target.parent.mkdir(parents=True, exist_ok=True)
    with sitrep_core.open_log(target) as log:
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
    print(f"log: {target}")
    print(
        f"records: {check.checked} "
        f"({len(result.records)} new, {len(result.skipped)} already stored)"
    )
    print(f"head: {check.head} {check.head_hash}")
    print("events per type:")
    for tag, count in sorted(per_type.items()):
        print(f"  {tag:<13} {count:>3}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
