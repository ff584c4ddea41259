"""The public API is what ``__all__`` says, and all of it imports (httpx's check)."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

import sitrep_core
import sitrep_core.projections
import sitrep_core.renderers
import sitrep_core.views

PUBLIC = [sitrep_core, sitrep_core.views, sitrep_core.renderers, sitrep_core.projections]
INCLUDED_PRIVATE_MEMBERS = {"__version__"}


def exported(module: ModuleType) -> list[str]:
    """Names the module binds, or loads when first used, that a reader would take as
    public (not submodules, not ``TYPE_CHECKING``)."""
    return sorted(
        name
        for name in dir(module)
        if (not name.startswith("_") or name in INCLUDED_PRIVATE_MEMBERS)
        and not isinstance(getattr(module, name), ModuleType)
        and name not in ("annotations", "TYPE_CHECKING")  # typing and __future__
    )


@pytest.mark.parametrize("module", PUBLIC, ids=lambda m: m.__name__)
def test_all_is_sorted_and_is_what_is_exported(module: ModuleType) -> None:
    if module is not sitrep_core.projections:  # sorted as ruff sorts it, constants first
        assert module.__all__ == sorted(module.__all__)
    public = [name for name in exported(module) if name not in INCLUDED_PRIVATE_MEMBERS]
    assert sorted(module.__all__) == public


@pytest.mark.parametrize("module", PUBLIC, ids=lambda m: m.__name__)
def test_everything_in_all_imports(module: ModuleType) -> None:
    fresh = importlib.import_module(module.__name__)
    namespace: dict[str, object] = {}
    exec(f"from {module.__name__} import *", namespace)
    for name in module.__all__:
        assert getattr(fresh, name) is namespace[name]


@pytest.mark.parametrize("module", PUBLIC, ids=lambda m: m.__name__)
def test_a_name_it_does_not_export_is_an_attribute_error(module: ModuleType) -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        getattr(module, "no_such_name")
    assert not hasattr(module, "render_pdf")


def test_a_function_named_like_its_package_stays_the_function() -> None:
    """``sitrep_core.replay`` is a function and a package: importing the package (as the
    report does) must not hide the function, so it is not one of the lazy names."""
    importlib.import_module("sitrep_core.report")
    importlib.import_module("sitrep_core.replay._replay")
    assert callable(sitrep_core.replay)
    assert sitrep_core.replay.__module__ == "sitrep_core.replay._replay"
