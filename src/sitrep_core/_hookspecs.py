"""The hooks a plugin implements. Every hook returns typed objects, never dicts.

A plugin is a module or object with functions named like these hooks, marked
``@sitrep_core.hookimpl``. Built-in renderers are plugins of exactly this kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

if TYPE_CHECKING:
    from ._codec import Upcaster
    from ._events import Event
    from ._replay import Projection
    from ._report import Report

PROJECT = "sitrep"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@attrs.frozen
class Renderer:
    """An output format: ``render`` turns a :class:`Report` into the document's text."""

    format: str
    render: Callable[[Report], str]
    media_type: str = "text/plain"
    extension: str = ".txt"
    description: str = ""


@hookspec
def sitrep_event_types() -> Sequence[type[Event]]:  # type: ignore[empty-body]
    """Event classes this plugin adds.

    Each is a frozen attrs subclass of :class:`sitrep_core.Event` with a unique
    ``TYPE`` tag and a ``VERSION``. The codec is built after every plugin has
    answered, so the types can be appended, read back and replayed.

    :return: the event classes.
    """


@hookspec
def sitrep_upcasters() -> Sequence[Upcaster]:  # type: ignore[empty-body]
    """Upcasters that lift stored lines of older versions of this plugin's types.

    :return: one :class:`sitrep_core.Upcaster` per (type, from_version).
    """


@hookspec
def sitrep_projections() -> Sequence[Projection[Any, Any]]:  # type: ignore[empty-body]
    """Projections this plugin adds to every replay and report.

    Their views appear in :attr:`sitrep_core.Report.extra` under their ``name``.

    :return: new projection instances.
    """


@hookspec
def sitrep_renderers() -> Sequence[Renderer]:  # type: ignore[empty-body]
    """Output formats this plugin adds; two plugins claiming one format is an error.

    :return: the renderers.
    """
