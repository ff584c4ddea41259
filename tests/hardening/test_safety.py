"""Safe by construction: no code from data, files others cannot write, plugins only
from installed entry points or an explicit registration, and no path written to
that was not asked for.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from _hardening import ROOT
from _writers import sample_event
from click.testing import CliRunner

from sitrep_core import FileCheckpoints, PluginError, Plugins, open_log, replay
from sitrep_core.cli._main import cli

SOURCES = [ROOT / "src", ROOT / "plugins"]

# -- no code from data ---------------------------------------------------------------------

FORBIDDEN_MODULES = frozenset(
    {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "jsonpickle"}
)
FORBIDDEN_CALLS = frozenset({"eval", "exec", "compile", "__import__"})
FORBIDDEN_ATTRIBUTES = {
    "yaml": frozenset({"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load"}),
    "os": frozenset({"system", "popen"}),
    "builtins": FORBIDDEN_CALLS,
}


def findings(source: str, name: str = "<source>") -> list[str]:
    """Each use of a forbidden module, builtin or call in Python source, as file:line."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        where = f"{name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    found.append(f"{where}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[0]
            if module in FORBIDDEN_MODULES:
                found.append(f"{where}: from {node.module} import ...")
            if module == "yaml" and any(a.name in FORBIDDEN_ATTRIBUTES["yaml"] for a in node.names):
                found.append(f"{where}: from yaml import load")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                found.append(f"{where}: {func.id}()")
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.attr in FORBIDDEN_ATTRIBUTES.get(func.value.id, ())
            ):
                found.append(f"{where}: {func.value.id}.{func.attr}()")
            for keyword in node.keywords:
                if (
                    keyword.arg == "shell"
                    and isinstance(keyword.value, ast.Constant)
                    and keyword.value.value
                ):
                    found.append(f"{where}: shell=True")
    return found


def python_files() -> Iterator[Path]:
    for folder in SOURCES:
        if folder.exists():
            yield from sorted(folder.rglob("*.py"))


def test_the_scanner_finds_what_it_looks_for() -> None:
    bad = """
import pickle, marshal as m
from shelve import open
from yaml import load
import yaml
eval("1"); exec("x = 1"); compile("1", "f", "eval"); __import__("os")
yaml.load(data); yaml.unsafe_load(data)
import os, subprocess, builtins
os.system("ls"); subprocess.run("ls", shell=True); builtins.eval("1")
"""
    assert len(findings(bad)) == 13, findings(bad)
    fine = "import json, re\njson.loads('1'); re.compile('x'); yaml.safe_load(data)\n"
    assert findings(fine) == []


def test_no_pickle_marshal_eval_exec_or_yaml_load_in_the_sources() -> None:
    files = list(python_files())
    assert len(files) > 20, files
    found = [f for path in files for f in findings(path.read_text("utf-8"), str(path))]
    # the rule has no exceptions, generated code included: build functions from closures
    assert found == [], "no pickle, marshal, eval, exec or yaml.load in src/ and plugins/"


TRUSTED_HTML = {("_blocks.html", '{{ b.html | safe if b.html else "" }}')}
"""(template, line) that print HTML unescaped, each on purpose: a plugin's own HTML for
its section (``sitrep_sections``), which the plugin, code the user installed, escapes."""


def test_the_templates_escape_everything() -> None:
    """No template turns escaping off or marks a value safe, but the lines listed."""
    templates = sorted(t for folder in SOURCES for t in folder.rglob("*.html"))
    # the HTML renderer's own, wherever the package keeps them
    assert any(t.name == "report.html" for t in templates), templates
    found = set()
    for template in templates:
        for line in template.read_text("utf-8").splitlines():
            for marker in ("|safe", "| safe", "autoescape false", "autoescape False", "Markup("):
                if marker in line:
                    found.add((template.name, line.strip()))
    assert found <= TRUSTED_HTML, f"unescaped output in templates: {sorted(found - TRUSTED_HTML)}"


# -- files others cannot write -----------------------------------------------------------------


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def assert_private(path: Path) -> None:
    mode = stat.S_IMODE(path.lstat().st_mode)
    assert not mode & stat.S_IWOTH, f"{path.name}: {oct(mode)}"


def test_created_logs_and_checkpoints_are_not_world_writable(tmp_path: Path) -> None:
    with umask(0):
        with open_log(tmp_path / "log.jsonl") as log:
            log.append([sample_event(0, id="a")])
        with open_log(tmp_path / "log.sqlite") as log:
            log.append([sample_event(0, id="a")])
            made = [p for p in tmp_path.iterdir() if p.name.startswith("log.sqlite")]
            assert {p.name for p in made} >= {"log.sqlite", "log.sqlite-wal", "log.sqlite-shm"}
            for path in made:
                assert_private(path)
            # a replay keeps its state in the checkpoint file
            replay(log, checkpoints=FileCheckpoints(tmp_path / "state" / "checkpoints"))
    assert_private(tmp_path / "log.jsonl")
    assert_private(tmp_path / "state" / "checkpoints")
    kept = list((tmp_path / "state" / "checkpoints").iterdir())
    assert kept
    for path in kept:
        assert_private(path)


def test_a_torn_tail_set_aside_is_not_world_writable(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    with open_log(path) as log:
        log.append([sample_event(0, id="a")])
    with path.open("ab") as handle:
        handle.write(b'{"position":2,"prev"')
    with umask(0), open_log(path) as log, pytest.warns(UserWarning, match="torn"):
        log.append([sample_event(1, id="b")])
    (aside,) = tmp_path.glob("log.jsonl.torn-*")
    assert_private(aside)


# -- plugins: installed entry points or an explicit registration only -----------------------

EVIL = """
from pathlib import Path
Path({marker!r}).write_text("imported")

import sitrep_core

@sitrep_core.hookimpl
def sitrep_renderers():
    return [sitrep_core.Renderer(format="evil", render=lambda report: "evil",
                                 media_type="text/plain", extension=".evil")]
"""


@pytest.fixture
def evil_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A module on sys.path that says when it is imported; never an installed plugin."""
    marker = tmp_path / "imported.txt"
    folder = tmp_path / "modules"
    folder.mkdir()
    (folder / "sitrep_evil_plugin.py").write_text(EVIL.format(marker=str(marker)))
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    installed = {ep.name for ep in importlib.metadata.entry_points(group="sitrep")}
    assert "sitrep_evil_plugin" not in installed
    yield marker
    sys.modules.pop("sitrep_evil_plugin", None)


@pytest.mark.parametrize(
    "named",
    [
        "sitrep_evil_plugin",
        "sitrep_evil_plugin:sitrep_renderers",
        "{folder}/sitrep_evil_plugin.py",
        "sitrep_evil_plugin.py",
        "markdown,sitrep_evil_plugin",
    ],
)
def test_sitrep_plugins_naming_a_module_loads_nothing(
    named: str, evil_module: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = named.format(folder=evil_module.parent / "modules")
    monkeypatch.setenv("SITREP_PLUGINS", value)
    try:
        plugins = Plugins.load()
    except PluginError as exc:
        assert "no installed plugin" in str(exc)
    else:
        assert "evil" not in plugins.renderers()
    assert "sitrep_evil_plugin" not in sys.modules
    assert not evil_module.exists()


def test_the_command_line_with_sitrep_plugins_naming_a_module(evil_module: Path) -> None:
    env = {
        **os.environ,
        "SITREP_PLUGINS": "sitrep_evil_plugin",
        "PYTHONPATH": str(evil_module.parent / "modules"),
    }
    env.pop("SITREP_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "sitrep_core", "plugins", "--all"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done
    assert len(done.stderr.splitlines()) == 1 and "sitrep_evil_plugin" in done.stderr
    assert not evil_module.exists()


def test_an_explicit_registration_loads_the_module(evil_module: Path) -> None:
    import importlib

    module = importlib.import_module("sitrep_evil_plugin")
    assert evil_module.exists()
    assert "evil" in Plugins.load(extra=[module]).renderers()


# -- the command line writes only what it was asked to -----------------------------------------


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="sitrep")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", ["log.jsonl", "log.sqlite"])
def test_init_refuses_a_symlink_and_leaves_its_target_alone(tmp_path: Path, name: str) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("not a log\n")
    link = tmp_path / name
    link.symlink_to(target)
    code, _, err = run("init", link)
    assert code == 2 and len(err.splitlines()) == 1 and "exists" in err
    assert target.read_text() == "not a log\n"
    assert link.is_symlink()
    # a dangling link: nothing is made where it points either
    dangling = tmp_path / f"dangling-{name}"
    nowhere = tmp_path / f"nowhere-{name}"
    dangling.symlink_to(nowhere)
    code, _, err = run("init", dangling)
    assert code == 2 and len(err.splitlines()) == 1
    assert not nowhere.exists() and dangling.is_symlink()


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    path = tmp_path / "log.jsonl"
    with open_log(path) as log:
        log.append([sample_event(n, id=f"e{n}") for n in range(4)])
    return path


def test_render_refuses_to_write_through_a_symlink(tmp_path: Path, small_log: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "report.html"
    link.symlink_to(target)
    code, _, err = run("render", small_log, "-o", link)
    assert code == 2 and len(err.splitlines()) == 1 and "symbolic link" in err
    assert target.read_text() == "keep me\n"
    assert link.is_symlink()
    # a dangling one too: nothing is made where it points
    dangling = tmp_path / "report.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    code, _, err = run("render", small_log, "-o", dangling)
    assert code == 2 and not (tmp_path / "nowhere.md").exists()


def test_render_never_writes_through_a_planted_partial_file(
    tmp_path: Path, small_log: Path
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    (tmp_path / ".report.html.partial").symlink_to(target)
    code, _, err = run("render", small_log, "-o", tmp_path / "report.html")
    assert code == 0, err
    assert target.read_text() == "keep me\n"
    report = tmp_path / "report.html"
    assert not report.is_symlink() and report.read_text().startswith("<!DOCTYPE html>")
    assert not (tmp_path / ".report.html.partial").exists()
    # a partial file a killed render left is replaced
    (tmp_path / ".report.md.partial").write_text("stale")
    code, _, err = run("render", small_log, "-o", tmp_path / "report.md")
    assert code == 0, err
    assert "stale" not in (tmp_path / "report.md").read_text()
