"""Public names a package exports but loads only when first used (PEP 562).

Every ``sitrep`` command is a new process, and importing everything a package
exports (the renderers with Jinja2 and Babel, the projections, the report) would
cost each command more than most of them do. A package lists where each such name
lives; the first use imports that module and keeps the name, so later uses are plain
attribute lookups. Type checkers see the names through ``if TYPE_CHECKING:`` imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping


def lazy_exports(
    module: str, where: Mapping[str, str], exported: Iterable[str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``module`` (a package or a module):
    ``where`` maps a name to the module that defines it, relative as an import in
    ``module`` would write it; ``exported`` is its ``__all__`` (``dir()`` lists
    what the module holds and what it will load, as it would had it loaded all)."""
    public = set(exported)

    def __getattr__(name: str) -> object:
        source = where.get(name)
        if source is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        holder = sys.modules[module]
        value = getattr(importlib.import_module(source, holder.__package__), name)
        setattr(holder, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[module])) | public)

    return __getattr__, __dir__
