"""Renderers: a report as Markdown, JSON or HTML; plugins add more formats.

The words readers see are chosen here, once, for every format: the report laid out
as a document (:func:`document`), its phrases (:func:`event_phrase`,
:func:`change_phrase`, :func:`human_date`...) as plain text with dates that keep
their machine form.

What renders (and Jinja2, Babel) is loaded when first used: the formats are
declared up front, so a command that renders nothing does not load them.
"""

from typing import TYPE_CHECKING

from .. import _exports
from ._builtin import BUILTIN_RENDERERS, HTML, JSON, MARKDOWN
from ._renderer import Renderer, SectionRenderer

if TYPE_CHECKING:
    from ._changes import change_phrase
    from ._dates import human_date, human_moment
    from ._document import document
    from ._html import render_html
    from ._json import render_json, report_data, report_schema, unstructure
    from ._markdown import escape, render_markdown
    from ._phrasing import count_words, event_phrase
    from ._urls import safe_url
    from ._words import Phrase, When, plain

__all__ = [
    "BUILTIN_RENDERERS",
    "HTML",
    "JSON",
    "MARKDOWN",
    "Phrase",
    "Renderer",
    "SectionRenderer",
    "When",
    "change_phrase",
    "count_words",
    "document",
    "escape",
    "event_phrase",
    "human_date",
    "human_moment",
    "plain",
    "render_html",
    "render_json",
    "render_markdown",
    "report_data",
    "report_schema",
    "safe_url",
    "unstructure",
]

__getattr__, __dir__ = _exports.lazy_exports(
    __name__,
    {
        "change_phrase": "._changes",
        "human_date": "._dates",
        "human_moment": "._dates",
        "document": "._document",
        "render_html": "._html",
        "render_json": "._json",
        "report_data": "._json",
        "report_schema": "._json",
        "unstructure": "._json",
        "escape": "._markdown",
        "render_markdown": "._markdown",
        "count_words": "._phrasing",
        "event_phrase": "._phrasing",
        "safe_url": "._urls",
        "Phrase": "._words",
        "plain": "._words",
        "When": "._words",
    },
    __all__,
)
