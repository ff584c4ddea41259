"""No stage imports a later one.

The library is a data path, each stage a package (or module) of ``sitrep_core``:
errors < model < codec < imports < stores < projections < replay < report < renderers
< frames < plugins < cli, after ``_exports`` (how a package loads a name when it is
first used, which any stage may need). ``imports`` (other tools' files read into events) needs only
the codec; ``frames`` (the log as a table) phrases events as the renderers do. A stage
may import itself and the stages before it, never one after it, so that each can be
read, tested and replaced knowing only what comes before. ``views.py`` and the
top-level ``__init__.py``/``__main__.py`` are the public face and may import anything;
no stage may import the public face (it imports every stage).

The source is parsed, not imported: every import counts, including those inside
functions, under ``if TYPE_CHECKING:`` and ``importlib.import_module("...")`` with a
literal name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

PACKAGE = "sitrep_core"
SOURCE = Path(__file__).resolve().parents[1] / "src" / PACKAGE

STAGES = (
    "_exports",
    "errors",
    "model",
    "codec",
    "imports",
    "stores",
    "projections",
    "replay",
    "report",
    "renderers",
    "frames",
    "plugins",
    "cli",
)
PUBLIC_FACE = frozenset({"__init__", "__main__", "views"})
"""Top-level modules that may import any stage, and that no stage may import."""

KNOWN_EXCEPTIONS: frozenset[tuple[str, str]] = frozenset()
"""(file relative to ``src/sitrep_core``, imported module) pairs that break the order
today and are being removed; the list only shrinks."""


@attrs.frozen
class Import:
    """One import statement of a stage's source, resolved to an absolute module name."""

    file: str
    line: int
    module: str

    def __str__(self) -> str:
        return f"src/{PACKAGE}/{self.file}:{self.line}: imports {self.module}"


def stage_of_module(module: str) -> str | None:
    """The stage (or public-face module) a ``sitrep_core`` module belongs to, or None
    for a module outside the library."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def rank(stage: str) -> int:
    """A stage's place on the data path; the public face comes after every stage."""
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def _package_of(file: str) -> list[str]:
    """The package a file's relative imports start from, as name parts."""
    parts = [PACKAGE, *Path(file).with_suffix("").parts]
    return parts[:-1]  # a package's __init__ and a module both resolve from their folder


def _resolve(file: str, node: ast.ImportFrom) -> list[str]:
    """The absolute modules a ``from ... import ...`` names (each name may be a module)."""
    if node.level == 0:
        base = (node.module or "").split(".")
    else:
        package = _package_of(file)
        base = package[: len(package) - (node.level - 1)]
        if node.module:
            base = [*base, *node.module.split(".")]
    if node.module is None or base == [PACKAGE]:
        # ``from . import x`` or ``from sitrep_core import x``: x is a module, or a name
        # of the package itself
        top_level = base == [PACKAGE]
        return [
            ".".join(base)
            if top_level and alias.name not in {*STAGES, *PUBLIC_FACE}
            else ".".join([*base, alias.name])
            for alias in node.names
        ]
    return [".".join(base)]


def _literal_import(node: ast.Call) -> str | None:
    """The module of ``importlib.import_module("...")`` / ``__import__("...")``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def imports_of(file: str, source: str) -> Iterator[Import]:
    """Every import in ``source`` (the text of ``file``), wherever it stands."""
    for node in ast.walk(ast.parse(source, filename=file)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(file, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            for module in _resolve(file, node):
                yield Import(file, node.lineno, module)
        elif isinstance(node, ast.Call):
            module = _literal_import(node)
            if module is not None:
                yield Import(file, node.lineno, module)


def violations_in(file: str, source: str) -> list[Import]:
    """The imports of ``file`` that reach a later stage or the public face."""
    own = stage_of_module(".".join([PACKAGE, *Path(file).with_suffix("").parts]))
    if own is None or own in PUBLIC_FACE:
        return []
    found = []
    for imported in imports_of(file, source):
        stage = stage_of_module(imported.module)
        if stage is not None and rank(stage) > rank(own):
            found.append(imported)
    return found


def library_files() -> list[str]:
    return sorted(str(p.relative_to(SOURCE)) for p in SOURCE.rglob("*.py"))


def all_violations() -> list[Import]:
    found = []
    for file in library_files():
        found += violations_in(file, (SOURCE / file).read_text(encoding="utf-8"))
    return found


# -- the library ------------------------------------------------------------------------------


def test_every_module_belongs_to_a_stage_or_the_public_face() -> None:
    files = library_files()
    assert files, f"no source found under {SOURCE}"
    strays = [
        f
        for f in files
        if stage_of_module(f"{PACKAGE}.{Path(f).parts[0].removesuffix('.py')}")
        not in {*STAGES, *PUBLIC_FACE}
    ]
    assert not strays, f"modules in no stage (add them to STAGES in its order): {strays}"


def test_no_stage_imports_a_later_one() -> None:
    found = [v for v in all_violations() if (v.file, v.module) not in KNOWN_EXCEPTIONS]
    order = " < ".join(STAGES)
    assert not found, f"imports against the order {order}:\n" + "\n".join(map(str, found))


def test_the_known_exceptions_still_occur() -> None:
    # one that no longer occurs is to be taken off the list, so the list only shrinks
    seen = {(v.file, v.module) for v in all_violations()}
    stale = sorted(KNOWN_EXCEPTIONS - seen)
    assert not stale, f"no longer imported, remove from KNOWN_EXCEPTIONS: {stale}"


# -- the checker itself -----------------------------------------------------------------------

LATE_IMPORTS = """
from __future__ import annotations
from typing import TYPE_CHECKING
import json
from ..errors import SitrepError
from ._log import EventLog
if TYPE_CHECKING:
    from ..report._report import Report
def load() -> None:
    from ..plugins import _manager
    import sitrep_core.cli._main
    from .. import renderers, errors
    importlib.import_module("sitrep_core.replay")
class Later:
    def build(self) -> None:
        from sitrep_core import Report
"""


def test_the_checker_finds_every_kind_of_late_import() -> None:
    found = [(v.line, v.module) for v in violations_in("stores/_x.py", LATE_IMPORTS)]
    assert sorted(found) == [
        (8, "sitrep_core.report._report"),
        (10, "sitrep_core.plugins"),
        (11, "sitrep_core.cli._main"),
        (12, "sitrep_core.renderers"),
        (13, "sitrep_core.replay"),
        (16, "sitrep_core"),
    ]
    assert str(violations_in("stores/_x.py", LATE_IMPORTS)[0]).startswith(
        f"src/{PACKAGE}/stores/_x.py:"
    )


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("cli/_main.py", "from ..plugins._manager import Plugins\nfrom ..errors import X"),
        ("views.py", "from .report._report import Update"),
        ("__init__.py", "from .cli import main"),
        ("codec/_codec.py", "from ._schema import line_schema\nfrom ..model import Event"),
        ("projections/__init__.py", "from ._base import Projection\nfrom ..codec import Codec"),
        ("renderers/_renderer.py", "from ..report import Report"),
    ],
)
def test_the_checker_lets_earlier_and_public_face_imports_be(file: str, source: str) -> None:
    assert violations_in(file, source) == []
