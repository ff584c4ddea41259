"""Helpers of the command-line tests: outcomes, inputs, and what a log holds."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest

from sitrep_core import open_log

SCRIPT = Path(sys.executable).with_name("sitrep")
"""The ``sitrep`` script installed next to this Python."""


def needs_plugins() -> None:
    """Skip, with the reason, when the plugin manager is not there."""
    if importlib.util.find_spec("sitrep_core.plugins._manager") is None:
        pytest.skip("the plugin manager (sitrep_core.plugins._manager) is not there yet")


@attrs.frozen
class Outcome:
    """What one command did: its exit code and what it printed on each stream."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    def json(self) -> Any:
        return orjson.loads(self.out)

    def json_lines(self) -> list[Any]:
        return [orjson.loads(line) for line in self.out.splitlines() if line.strip()]


Sitrep = Callable[..., Outcome]

STATEMENT: dict[str, Any] = {
    "type": "statement",
    "id": "mcgurk-condemns",
    "occurred": "2017-08-29",
    "speaker": "Brett McGurk",
    "subject": "qalamoun-deal",
    "stances": ["condemns"],
    "quote": "ISIS fighters should be killed on the battlefield",
    "sources": [{"name": "Brett McGurk", "reliability": "A", "credibility": 2}],
}
EVACUATION: dict[str, Any] = {
    "type": "evacuation",
    "id": "evacuation",
    "occurred": "2017-08-28",
    "recorded": "2017-08-28T18:00:00Z",
    "group": "ISIS",
    "origins": ["Western Qalamoun"],
    "destination": "Abu Kamal",
    "fighters": {"value": 308, "qualifier": "approx"},
    "civilians": {"value": 331, "qualifier": "approx"},
    "vehicles": {"buses": 17, "ambulances": 11},
    "convoy": "convoy",
    "sources": [{"name": "Hezbollah officials", "reliability": "D", "credibility": 3}],
}
HALT: dict[str, Any] = {
    "type": "convoy-move",
    "id": "halt",
    "occurred": "2017-08-30T16:50",
    "recorded": "2017-08-30T16:50:00Z",
    "convoy": "convoy",
    "status": "halted",
    "location": {"text": "east of As Sukhnah"},
    "sources": [{"name": "Associated Press", "reliability": "B", "credibility": 2}],
}
STRIKE: dict[str, Any] = {
    "type": "strike",
    "id": "strike",
    "occurred": "2017-08-30",
    "recorded": "2017-08-30T16:50:00Z",
    "actor": "US-led coalition",
    "targets": ["road", "bridge"],
    "effect": "cratered",
    "convoy": "convoy",
    "convoy_hit": False,
}
STATEMENT_RECORDED: dict[str, Any] = {**STATEMENT, "recorded": "2017-08-29T09:00:00Z"}


def jsonl(*events: dict[str, Any]) -> str:
    """Events as JSON Lines."""
    return "".join(orjson.dumps(e).decode() + "\n" for e in events)


def contents(target: str | Path) -> list[str]:
    """Every record of a log as one JSON text: what "unchanged" is checked against."""
    with open_log(target, create=False) as log:
        return [
            orjson.dumps([r.position, r.hash, log.codec.to_dict(r.event)]).decode()
            for r in log.read()
        ]


def snapshot(target: str | Path) -> tuple[bytes | None, Sequence[str]]:
    """The bytes of a JSON Lines log (None for other stores) and its records."""
    raw = Path(str(target)).read_bytes() if str(target).endswith(".jsonl") else None
    return raw, contents(target)
