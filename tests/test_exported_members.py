"""The public API is what ``__all__`` says, and all of it imports (httpx's check)."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

import sitrep_core
import sitrep_core.renderers
import sitrep_core.views

PUBLIC = [sitrep_core, sitrep_core.views, sitrep_core.renderers]
INCLUDED_PRIVATE_MEMBERS = {"__version__"}


def exported(module: ModuleType) -> list[str]:
    """Names the module binds that a reader would take as public (not submodules)."""
    return sorted(
        name
        for name, value in vars(module).items()
        if (not name.startswith("_") or name in INCLUDED_PRIVATE_MEMBERS)
        and not isinstance(value, ModuleType)
        and name != "annotations"  # from __future__ import annotations
    )


@pytest.mark.parametrize("module", PUBLIC, ids=lambda m: m.__name__)
def test_all_is_sorted_and_is_what_is_exported(module: ModuleType) -> None:
    assert module.__all__ == sorted(module.__all__)
    public = [name for name in exported(module) if name not in INCLUDED_PRIVATE_MEMBERS]
    assert module.__all__ == public


@pytest.mark.parametrize("module", PUBLIC, ids=lambda m: m.__name__)
def test_everything_in_all_imports(module: ModuleType) -> None:
    fresh = importlib.import_module(module.__name__)
    namespace: dict[str, object] = {}
    exec(f"from {module.__name__} import *", namespace)
    for name in module.__all__:
        assert getattr(fresh, name) is namespace[name]
