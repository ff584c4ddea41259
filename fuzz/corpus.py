"""Make the seed corpora of the fuzz harnesses in DIR.

    python fuzz/corpus.py DIR

DIR/codec/ gets one file per line of the seed example's events; DIR/reader/ its log.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sitrep_core import open_log

SEED = Path(__file__).resolve().parent.parent / "examples" / "qalamoun-2017" / "events.jsonl"


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python fuzz/corpus.py DIR")
    folder = Path(sys.argv[1])
    (folder / "codec").mkdir(parents=True, exist_ok=True)
    (folder / "reader").mkdir(parents=True, exist_ok=True)
    lines = [line for line in SEED.read_bytes().splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        (folder / "codec" / f"line-{number:03d}").write_bytes(line + b"\n")
    log_path = folder / "reader" / "seed.jsonl"
    log_path.unlink(missing_ok=True)
    with open_log(log_path) as log:
        events = log.codec.read_input(SEED.read_bytes(), source=str(SEED))
        for start in range(0, len(events), 10):  # batches, so batch markers are there too
            log.append(events[start : start + 10])
    print(f"{len(lines)} codec inputs and one {log_path.stat().st_size}-byte log in {folder}")


if __name__ == "__main__":
    main()
