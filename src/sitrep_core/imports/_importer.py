"""What an importer is: a file format and a function from its bytes to events."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ..model import Event


@attrs.frozen
class Importer:
    """A format ``sitrep import --format`` reads: ``read(data, source)`` turns a file's
    bytes into events (``source`` names the file in errors), all or nothing.

    ``read`` raises :class:`sitrep_core.ValidationError` naming the line and column
    of each bad row; the events it returns are appended in one batch, so a repeated
    import of the same file appends nothing new when the ids are the file's own.
    """

    format: str
    read: Callable[[bytes, str], list[Event]]
    description: str = ""
    extension: str = ".csv"
