"""Renderers: a report as Markdown, JSON or HTML; plugins add more formats."""

from ._html import RENDERER as HTML
from ._json import RENDERER as JSON
from ._markdown import RENDERER as MARKDOWN
from ._renderer import Renderer

BUILTIN_RENDERERS: tuple[Renderer, ...] = (MARKDOWN, JSON, HTML)

__all__ = ["BUILTIN_RENDERERS", "HTML", "JSON", "MARKDOWN", "Renderer"]
