"""The built-in event types, upcasters and projections, registered as a plugin.

They come in through the same hooks as any other plugin's, so nothing downstream
tells the two apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._codec import BUILTIN_UPCASTERS, Upcaster
from ._events import BUILTIN_EVENT_TYPES, Event
from ._hookspecs import hookimpl
from ._replay import Projection, builtin_projections


@hookimpl
def sitrep_event_types() -> Sequence[type[Event]]:
    return BUILTIN_EVENT_TYPES


@hookimpl
def sitrep_upcasters() -> Sequence[Upcaster]:
    return BUILTIN_UPCASTERS


@hookimpl
def sitrep_projections() -> Sequence[Projection[Any, Any]]:
    return builtin_projections()
