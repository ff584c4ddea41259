"""Coverage-guided fuzzing of the JSON Lines store with atheris (optional; see README.md).

Each input is written as a log file, then read, verified, looked up and appended to.
Every step must succeed or raise CorruptLogError; setting a torn tail aside (with a
TornTailWarning) is the documented recovery. Anything else is a crash.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

atheris: Any = importlib.import_module("atheris")  # not a dependency: see fuzz/README.md

with atheris.instrument_imports():
    from sitrep_core import Codec, CorruptLogError, Statement, TornTailWarning
    from sitrep_core.stores._jsonl import JsonlLog

CODEC = Codec()
FOLDER = Path(tempfile.mkdtemp(prefix="sitrep-fuzz-"))
NEW = Statement(
    id="fuzz-new",
    occurred="2017-09-06",
    recorded="2017-09-06T12:00:00Z",
    speaker="desk",
    subject="log",
    stance="neutral",
)
warnings.simplefilter("ignore", TornTailWarning)


def test_one_input(data: bytes) -> None:
    for stale in FOLDER.iterdir():
        stale.unlink()
    path = FOLDER / "log.jsonl"
    path.write_bytes(data)
    log = JsonlLog(path, codec=CODEC, create=False)
    with log:
        try:
            records = list(log.read())
        except CorruptLogError:
            records = None
        result = log.verify()
        if result.ok:
            assert records is not None and len(records) == result.head
        with contextlib.suppress(CorruptLogError):
            log.get("qal-001-actor-isis")
        try:
            log.append([NEW])
        except CorruptLogError:
            return
        if result.ok:
            assert log.verify().ok


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
