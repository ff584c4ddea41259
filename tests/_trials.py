"""How many trials the long tests run: few in the suite, as many as asked for otherwise.

The fault, crash, fuzz and state-machine tests repeat a random trial; the suite runs a
small number of each, enough to catch a regression on most runs. For a longer hunt::

    SITREP_TRIALS_SCALE=10 python -m pytest tests/hardening tests/test_log_processes.py

``SITREP_TRIALS_SCALE`` multiplies every default count (a fraction shrinks them, never
below one). A test's own variable (``SITREP_FAULT_TRIALS=300``) sets its count outright,
whatever the scale. docs/hardening.md lists them.
"""

from __future__ import annotations

import os

SCALE_ENV = "SITREP_TRIALS_SCALE"


def scale() -> float:
    """The factor ``SITREP_TRIALS_SCALE`` asks for (1 when unset)."""
    text = os.environ.get(SCALE_ENV, "").strip()
    if not text:
        return 1.0
    try:
        factor = float(text)
    except ValueError:
        raise ValueError(f"{SCALE_ENV}={text!r}: give a number, such as 10 or 0.5") from None
    if not factor > 0:
        raise ValueError(f"{SCALE_ENV}={text!r}: give a number above 0")
    return factor


def trials(variable: str, default: int) -> int:
    """The count of a trial: ``variable`` when set, else ``default`` times the scale."""
    text = os.environ.get(variable, "").strip()
    if text:
        try:
            count = int(text)
        except ValueError:
            raise ValueError(f"{variable}={text!r}: give a whole number") from None
        if count < 1:
            raise ValueError(f"{variable}={text!r}: give a number of at least 1")
        return count
    return max(1, round(default * scale()))
