"""The built-in output formats, declared without loading what renders them.

Every ``sitrep`` command is a new process that registers these formats; only the one
that renders a report loads its format's module (and Jinja2, Babel, the report's
document), so a command that appends, or shows a kept report, does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._renderer import Renderer

if TYPE_CHECKING:
    from ..report import Report

REPORT_SCHEMA_NAME = "sitrep-report/2"
"""The JSON report's schema, named in its description (the report module's
``REPORT_SCHEMA``: tests/test_render_json.py holds them equal)."""


def _markdown(report: Report) -> str:
    from ._markdown import render_markdown

    return render_markdown(report)


def _json(report: Report) -> str:
    from ._json import render_json

    return render_json(report)


def _html(report: Report) -> str:
    from ._html import render_html

    return render_html(report)


MARKDOWN = Renderer(
    format="markdown",
    render=_markdown,
    media_type="text/markdown; charset=utf-8",
    extension=".md",
    description="A situation report in Markdown (CommonMark)",
)
JSON = Renderer(
    format="json",
    render=_json,
    media_type="application/json",
    extension=".json",
    description=f"The report as stable JSON ({REPORT_SCHEMA_NAME}, see docs/report-schema.json)",
)
HTML = Renderer(
    format="html",
    render=_html,
    media_type="text/html",
    extension=".html",
    description="One self-contained HTML page: inline style and SVG, no script, no requests.",
)
BUILTIN_RENDERERS: tuple[Renderer, ...] = (MARKDOWN, JSON, HTML)
