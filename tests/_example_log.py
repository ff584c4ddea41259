"""The example log (``examples/qalamoun-2017/events.jsonl``) in a memory log."""

from __future__ import annotations

from pathlib import Path

import sitrep_core as sr

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "qalamoun-2017" / "events.jsonl"
TITLE = "ISIS convoy from western Qalamoun"


def example_log(codec: sr.Codec | None = None) -> sr.EventLog:
    """A memory log holding every event of the example, in its order."""
    log = sr.open_log("memory:", codec=codec)
    log.append(log.codec.read_input(EXAMPLE.read_bytes(), source=str(EXAMPLE)))
    return log
