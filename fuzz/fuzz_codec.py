"""Coverage-guided fuzzing of the codec with atheris (optional; see fuzz/README.md).

Every input must end in an event that encodes and decodes to itself, or in a
ValidationError; any other exception is a crash that atheris reports and saves.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

atheris: Any = importlib.import_module("atheris")  # not a dependency: see fuzz/README.md

with atheris.instrument_imports():
    from sitrep_core import Codec, ValidationError

CODEC = Codec()


def test_one_input(data: bytes) -> None:
    for call in (CODEC.decode, CODEC.read_input):
        try:
            found = call(data)
        except ValidationError as exc:
            text = str(exc)
            assert text, "an error with no message"
            continue
        for event in found if isinstance(found, list) else [found]:
            assert CODEC.decode(CODEC.encode(event)) == event


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
