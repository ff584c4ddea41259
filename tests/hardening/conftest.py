"""Fixtures of the hardening tests; the helpers themselves are in ``_hardening.py``."""

from __future__ import annotations

import sys
from pathlib import Path

# the helper modules (``_hardening`` here, ``_writers`` in tests/) import as top-level modules
for folder in (Path(__file__).parent, Path(__file__).parent.parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
