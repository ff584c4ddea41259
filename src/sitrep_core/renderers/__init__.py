"""Renderers: a report as Markdown, JSON or HTML; plugins add more formats.

The words readers see are chosen here, once, for every format: the report laid out
as a document (:func:`document`), its phrases (:func:`event_phrase`,
:func:`change_phrase`, :func:`human_date`...) as plain text with dates that keep
their machine form.
"""

from ._changes import change_phrase
from ._dates import human_date, human_moment
from ._document import document
from ._html import RENDERER as HTML
from ._html import render_html
from ._json import RENDERER as JSON
from ._json import render_json, report_data, report_schema, unstructure
from ._markdown import RENDERER as MARKDOWN
from ._markdown import escape, render_markdown
from ._phrasing import count_words, event_phrase
from ._renderer import Renderer, SectionRenderer
from ._urls import safe_url
from ._words import Phrase, When, plain

BUILTIN_RENDERERS: tuple[Renderer, ...] = (MARKDOWN, JSON, HTML)

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
