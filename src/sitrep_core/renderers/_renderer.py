"""What a renderer is: an output format with a function from a report to text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ..report import Report


@attrs.frozen
class Renderer:
    """An output format: ``render`` turns a :class:`Report` into the document's text.

    ``format`` is the name ``sitrep render --format`` and ``Plugins.render`` take;
    ``extension`` (with its dot) picks the renderer for an output file's name.
    """

    format: str
    render: Callable[[Report], str]
    media_type: str = "text/plain"
    extension: str = ".txt"
    description: str = ""


@attrs.frozen
class SectionRenderer:
    """How a plugin projection's view reads as a section of the readable reports.

    ``projection`` is the projection's name; ``title`` the section's heading;
    ``markdown`` and ``html`` turn the view into that format's text (None: the view's
    data laid out as it is). They must escape every text that came from a log.
    """

    projection: str
    title: str = ""
    markdown: Callable[[Any], str] | None = None
    html: Callable[[Any], str] | None = None
