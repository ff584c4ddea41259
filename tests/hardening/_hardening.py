"""Helpers of the hardening tests: the seed lines, a time limit per example, mutations.

``SITREP_FUZZ_EXAMPLES`` sets the number of hypothesis examples of the fuzz tests
(default 100 a test, times ``SITREP_TRIALS_SCALE``: see ``tests/_trials.py``).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import orjson
from _trials import trials
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

HERE = Path(__file__).parent
TESTS = HERE.parent
ROOT = TESTS.parent
SEED = ROOT / "examples" / "qalamoun-2017" / "events.jsonl"
ARTIFACTS = TESTS / "artifacts"

FUZZ_EXAMPLES = trials("SITREP_FUZZ_EXAMPLES", 100)
EXAMPLE_SECONDS = float(os.environ.get("SITREP_FUZZ_EXAMPLE_SECONDS", "5"))
"""No single fuzz example may take longer: past this it is a hang, and the test fails."""

fuzz_settings = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,  # the time limit below catches hangs; deadlines flake on a busy machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Hang(BaseException):  # a BaseException, so that no ``except Exception`` hides it
    """An example ran past its time limit."""


@contextmanager
def time_limit(seconds: float = EXAMPLE_SECONDS) -> Iterator[None]:
    """Raise :class:`Hang` in the body when it runs longer than ``seconds`` (main thread)."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def seed_lines() -> list[bytes]:
    """The lines of the seed example, without their newlines."""
    return [line for line in SEED.read_bytes().splitlines() if line.strip()]


def example_lines() -> list[bytes]:
    """The lines of every example's log (``examples/*/events.jsonl``), the seed's first."""
    others = sorted(p for p in (ROOT / "examples").glob("*/events.jsonl") if p != SEED)
    return seed_lines() + [
        line for path in others for line in path.read_bytes().splitlines() if line.strip()
    ]


def seed_by_type() -> dict[str, dict[str, Any]]:
    """The first example line of each event type (the seed's where it has one), parsed;
    a retraction made up to match."""
    found: dict[str, dict[str, Any]] = {}
    for line in example_lines():
        data = orjson.loads(line)
        found.setdefault(data["type"], data)
    found.setdefault(
        "retraction",
        {
            "type": "retraction",
            "v": 1,
            "id": "retract-1",
            "occurred": "2017-09-02",
            "recorded": "2017-09-02T12:00:00Z",
            "retracts": "qal-001-actor-isis",
            "reason": "a duplicate",
            "sources": [{"name": "desk", "reliability": "B", "credibility": 2}],
        },
    )
    return found


# -- mutations of bytes -------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, original: bytes, max_steps: int = 4) -> bytes:
    """``original`` with a few bytes flipped, cut, inserted, deleted or repeated."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, max_steps))):
        size = len(data)
        where = draw(st.integers(0, size))
        how = draw(st.sampled_from(("flip", "cut", "insert", "delete", "repeat", "byte")))
        if how == "flip" and size:
            index = min(where, size - 1)
            data[index] ^= 1 << draw(st.integers(0, 7))
        elif how == "byte" and size:
            index = min(where, size - 1)
            data[index] = draw(st.sampled_from(b'\x00\n\r"{}[],:\\\xff\xc3\xef 0-9eE.'))
        elif how == "cut":
            del data[where:]
        elif how == "insert":
            data[where:where] = draw(
                st.sampled_from(
                    (
                        b"\x00",
                        b"\n",
                        b"\r\n",
                        b"\xef\xbb\xbf",
                        b"\xff\xfe",
                        b"\xc3",
                        b"\xed\xa0\x80",  # a surrogate, as UTF-8 may not carry one
                        b'"',
                        b"}",
                        b"[",
                        b"1e400",
                        b"18446744073709551616",
                        b"-0",
                        b'\\"',
                        b"\\ud800",
                    )
                )
                | st.binary(min_size=1, max_size=8)
            )
        elif how == "delete" and size:
            end = draw(st.integers(where, min(size, where + 16)))
            del data[where:end]
        elif how == "repeat" and size:
            end = draw(st.integers(where, min(size, where + 64)))
            data[where:where] = data[where:end]
    return bytes(data)
