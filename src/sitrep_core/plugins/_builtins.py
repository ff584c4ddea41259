"""The built-in event types, projections and renderers, registered as plugins.

They come in through the same hooks as any other plugin's, so nothing downstream
tells the two apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..codec._codec import BUILTIN_UPCASTERS, Upcaster
from ..model import BUILTIN_EVENT_TYPES, Event
from ..renderers import HTML, JSON, MARKDOWN, Renderer
from ._hookspecs import hookimpl

if TYPE_CHECKING:
    from ..projections import Projection


class CorePlugin:
    """The built-in event types, their upcasters and the built-in projections."""

    @hookimpl
    def sitrep_event_types(self) -> Sequence[type[Event]]:
        return BUILTIN_EVENT_TYPES

    @hookimpl
    def sitrep_upcasters(self) -> Sequence[Upcaster]:
        return BUILTIN_UPCASTERS

    @hookimpl
    def sitrep_projections(self) -> Sequence[Projection[Any, Any]]:
        # loaded when a replay asks: a command that only appends never does
        from ..projections import builtin_projections

        return builtin_projections()


class RendererPlugin:
    """One built-in output format."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer

    @hookimpl
    def sitrep_renderers(self) -> Sequence[Renderer]:
        return [self.renderer]


BUILTIN_PLUGINS: tuple[tuple[str, object], ...] = (
    ("sitrep_core.core", CorePlugin()),
    ("sitrep_core.markdown", RendererPlugin(MARKDOWN)),
    ("sitrep_core.json", RendererPlugin(JSON)),
    ("sitrep_core.html", RendererPlugin(HTML)),
)
"""(name, plugin) registered first, exactly as external plugins are."""
