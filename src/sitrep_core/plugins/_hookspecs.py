"""The hooks a plugin implements. Every hook returns typed objects, never dicts.

A plugin is a module or object with functions named like these hooks, marked
``@sitrep_core.hookimpl``. Built-in renderers are plugins of exactly this kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from ..codec._codec import Upcaster
    from ..imports import Importer
    from ..model import Event
    from ..projections import Projection
    from ..renderers import Renderer, SectionRenderer

PROJECT = "sitrep"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def sitrep_event_types() -> Sequence[type[Event]]:  # type: ignore[empty-body]
    """Event classes this plugin adds.

    Each is a frozen attrs subclass of :class:`sitrep_core.Event` with a unique
    ``TYPE`` tag and a ``VERSION``. The codec is built after every plugin has
    answered, so the types can be appended, read back and replayed. Two classes
    claiming one tag are a :class:`sitrep_core.PluginError` naming both plugins.

    :return: a list (or tuple) of the event classes.
    """


@hookspec
def sitrep_upcasters() -> Sequence[Upcaster]:  # type: ignore[empty-body]
    """Upcasters that lift stored lines of older versions of this plugin's types.

    Each lifts a parsed line of ``from_version`` to ``from_version + 1``; the codec
    chains them when a line is read.

    :return: a list of :class:`sitrep_core.Upcaster`, one per (type, from_version).
    """


@hookspec
def sitrep_projections() -> Sequence[Projection[Any, Any]]:  # type: ignore[empty-body]
    """Projections this plugin adds to every replay and report.

    Their views appear in :attr:`sitrep_core.Report.extra` under their ``name``, and
    as a section of the readable reports unless the projection sets ``section =
    False`` (a view that only feeds an export); :func:`sitrep_sections` says how
    such a section reads.
    The hook is called for each replay: return new instances every time. Two
    projections of one name are a :class:`sitrep_core.PluginError`.

    :return: a list of new :class:`sitrep_core.Projection` instances.
    """


@hookspec
def sitrep_renderers() -> Sequence[Renderer]:  # type: ignore[empty-body]
    """Output formats this plugin adds; two plugins claiming one format is an error.

    :return: a list of :class:`sitrep_core.Renderer`.
    """


@hookspec
def sitrep_sections() -> Sequence[SectionRenderer]:  # type: ignore[empty-body]
    """How this plugin's projection views read as sections of the Markdown and HTML
    reports: a title, and a function from the view to Markdown and to HTML each.

    Without one, a plugin projection's section lists its view's data as it is. The
    HTML a plugin returns goes into the page as it is: escape every text that came
    from a log (``markupsafe.escape``); the Markdown likewise
    (``sitrep_core.renderers.escape``). Two plugins laying out one projection's
    section is a :class:`sitrep_core.PluginError`.

    :return: a list of :class:`sitrep_core.SectionRenderer`.
    """


@hookspec
def sitrep_importers() -> Sequence[Importer]:  # type: ignore[empty-body]
    """File formats of other tools this plugin reads into events (``sitrep import``).

    Each :class:`sitrep_core.imports.Importer` names a format and reads a file's bytes
    into events, all or nothing, raising :class:`sitrep_core.ValidationError` with the
    line and column of each bad row. Two plugins reading one format is a
    :class:`sitrep_core.PluginError`.

    :return: a list of :class:`sitrep_core.imports.Importer`.
    """
