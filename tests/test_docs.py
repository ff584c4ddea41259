"""The examples in the docs run: every Markdown file under docs/, and README.md.

What a writer of docs can rely on (new files are picked up without a change here):

- ```python blocks run in the order they appear, all the blocks of one file in one
  namespace, with a fresh empty directory as the working directory, so an example
  may create files and later blocks of the same file see them. A block states what
  it shows with ``assert``.
- ```json blocks are read as one JSON document or, failing that, as JSON Lines.
  Every object with a ``"type"`` is an event line: it must decode with the codec and
  validate against the line schema (docs/line-format.schema.json); a type that is
  not built in is checked with the codec of the installed plugins. Every object with
  ``"position"``, ``"prev"``, ``"hash"`` and ``"event"`` is a record of the JSON Lines
  store: its hash must be right and its event valid. Other JSON is not checked.
- ```json invalid blocks hold lines the codec must refuse.
- ```console blocks hold ``$ sitrep ...`` commands: see :func:`run_console_block`.
- Other blocks (sh, text, ...) are shown, not run.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema  # type: ignore[import-untyped]
import pytest
from markdown_it import MarkdownIt

from sitrep_core import Codec, ValidationError
from sitrep_core.model import BUILTIN_EVENT_TYPES, ENVELOPE_FIELDS
from sitrep_core.stores._log import chain_hash

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

CODEC = Codec()
VALIDATOR = jsonschema.Draft202012Validator(CODEC.json_schema())
RUNS_IN_ORDER = ("python", "console")


@attrs.frozen
class Block:
    """One fenced block of a Markdown file."""

    path: Path
    index: int
    line: int
    """1-based line of the block's first content line."""
    language: str
    options: tuple[str, ...]
    content: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def doc_files() -> list[Path]:
    """Every Markdown file of the docs, and the README."""
    files = sorted(DOCS.rglob("*.md")) if DOCS.is_dir() else []
    readme = ROOT / "README.md"
    return [*files, readme] if readme.exists() else files


def blocks_of(path: Path) -> list[Block]:
    tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
    blocks: list[Block] = []
    for token in tokens:
        if token.type != "fence" or token.map is None:
            continue
        words = token.info.split()
        language = words[0].lower() if words else ""
        blocks.append(
            Block(path, len(blocks), token.map[0] + 2, language, tuple(words[1:]), token.content)
        )
    return blocks


BLOCKS = {path: blocks_of(path) for path in doc_files()}


def params(*languages: str) -> list[Any]:
    return [
        # one file's blocks share a session, in order: one worker runs them (pytest-xdist)
        pytest.param(
            block,
            id=f"{block.where}-{block.language}",
            marks=pytest.mark.xdist_group(f"docs-{block.path.name}"),
        )
        for blocks in BLOCKS.values()
        for block in blocks
        if block.language in languages
    ]


# -- python and console blocks: one session per file, in order -------------------------


class DocSession:
    """The namespace and working directory a file's examples share."""

    def __init__(self, blocks: list[Block], directory: Path) -> None:
        self.blocks = [b for b in blocks if b.language in RUNS_IN_ORDER]
        self.directory = directory
        self.namespace: dict[str, Any] = {"__name__": "__doc_example__"}
        self.done = 0
        self.outcomes: dict[int, str] = {}
        """Why a block that already ran did not pass (empty when it passed)."""
        self.failed: Block | None = None

    def run(self, block: Block) -> None:
        """Run ``block``, after any blocks of the file before it that have not run yet.

        Those run first only when tests are selected (-k) or reordered; a block that
        already ran that way reports the outcome it had.
        """
        target = self.blocks.index(block)
        while self.done < target:
            earlier = self.blocks[self.done]
            try:
                self._run(earlier)
            except pytest.skip.Exception as exc:
                self.outcomes[earlier.index] = f"skipped: {exc}"
            except (Exception, pytest.fail.Exception) as exc:
                self.outcomes[earlier.index] = f"failed: {type(exc).__name__}: {exc}"
        if self.done > target:
            outcome = self.outcomes.get(block.index, "")
            if outcome.startswith("failed"):
                pytest.fail(f"{block.where} {outcome}")
            if outcome:
                pytest.skip(outcome)
            return
        self._run(block)

    def _run(self, block: Block) -> None:
        self.done += 1
        if self.failed is not None:
            pytest.skip(f"an earlier example failed: {self.failed.where}")
        try:
            if block.language == "python":
                run_python_block(block, self.namespace)
            else:
                run_console_block(block, self.directory)
        except pytest.skip.Exception:
            raise
        except (Exception, pytest.fail.Exception):
            self.failed = block
            raise


def run_python_block(block: Block, namespace: dict[str, Any]) -> None:
    # blank lines in front, so a traceback gives the line in the Markdown file
    source = "\n" * (block.line - 1) + block.content
    tree = ast.parse(source, str(block.path))
    try:  # pytest's own assertion messages, which show the values compared
        from _pytest.assertion.rewrite import rewrite_asserts

        rewrite_asserts(tree, source.encode("utf-8"), str(block.path))
    except ImportError:
        pass
    # dont_inherit: an example is not under this file's ``from __future__ import
    # annotations``, which would leave its classes' annotations unresolvable
    exec(compile(tree, str(block.path), "exec", dont_inherit=True), namespace)


def sitrep_command() -> str | None:
    """The ``sitrep`` executable installed with this package, or None."""
    if importlib.util.find_spec("sitrep_core.cli._main") is None:
        return None
    beside = Path(sys.executable).with_name("sitrep")
    return str(beside) if beside.exists() else shutil.which("sitrep")


def run_console_block(block: Block, directory: Path) -> None:
    """SHELL EXAMPLES: run the ``$`` lines of a console block and compare their output.

    Each line starting with ``$ `` is a command, run by the shell in the file's working
    directory (one fresh directory per file, the blocks in order) with the installed
    ``sitrep`` first on PATH. A command ending in a here-document (``<<'EOF'``) takes
    the lines up to the terminator as its input. The lines after a command, up to the
    next one, are its expected output (stdout then stderr, trailing spaces ignored),
    checked only when given: a line ``...`` stands for any number of lines, and
    ``...`` inside a line for any text. Every command must exit 0, unless a comment
    line ``# exit N`` says otherwise: before the block's first command it sets the
    status of every command of the block; among a command's output lines, of that
    command. A last output line ``[N]`` says the same.
    """
    import re

    sitrep = sitrep_command()
    if sitrep is None:
        pytest.skip("the sitrep command is not there yet")
    env = {**os.environ, "PATH": f"{Path(sitrep).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("SITREP_DEBUG", None)
    exit_line = re.compile(r"#\s*exit\s+(\d+)\s*")
    block_status = 0
    for line in block.content.splitlines():
        if line.startswith("$ "):
            break
        found = exit_line.fullmatch(line.strip())
        if found:
            block_status = int(found[1])

    def matches(output: list[str], expected: list[str]) -> bool:
        pattern = "".join(
            r"(?:[^\n]*\n)*"
            if line == "..."
            else r"[^\n]*".join(map(re.escape, line.split("..."))) + "\n"
            for line in expected
        )
        return re.fullmatch(pattern, "".join(line + "\n" for line in output)) is not None

    for command, expected in console_commands(block.content):
        here = re.search(r"<<-?\s*(['\"]?)(\w+)\1\s*$", command)
        if here is not None:
            end = next((i for i, line in enumerate(expected) if line.strip() == here[2]), None)
            assert end is not None, f"{block.where}: $ {command}: no line {here[2]} ends it"
            command = "\n".join([command, *expected[: end + 1]])
            expected = expected[end + 1 :]
        status = block_status
        for line in list(expected):
            found = exit_line.fullmatch(line.strip())
            if found:
                status = int(found[1])
                expected.remove(line)
        if expected and expected[-1].startswith("[") and expected[-1].endswith("]"):
            status = int(expected[-1][1:-1])
            expected = expected[:-1]
        while expected and not expected[-1].strip():
            expected.pop()
        done = subprocess.run(
            command, shell=True, cwd=directory, env=env, capture_output=True, text=True
        )
        output = [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]
        where = f"{block.where}: $ {command}"
        assert done.returncode == status, f"{where}\nexit {done.returncode}\n" + "\n".join(output)
        if expected:
            wanted = [line.rstrip() for line in expected]
            assert matches(output, wanted), f"{where}\n" + "\n".join(output)


def console_commands(content: str) -> Iterator[tuple[str, list[str]]]:
    """``(command, expected output lines)`` for each ``$`` line of a console block."""
    commands: list[tuple[str, list[str]]] = []
    for line in content.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    for command, expected in commands:
        while expected and not expected[-1].strip():
            expected.pop()
        yield command, expected


_sessions: dict[Path, DocSession] = {}


@pytest.fixture
def session_of(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Any:
    def get(block: Block) -> DocSession:
        session = _sessions.get(block.path)
        if session is None:
            directory = tmp_path_factory.mktemp(block.path.stem)
            session = _sessions[block.path] = DocSession(BLOCKS[block.path], directory)
        monkeypatch.chdir(session.directory)
        return session

    return get


@pytest.mark.parametrize("block", params(*RUNS_IN_ORDER))
def test_example_runs(block: Block, session_of: Any) -> None:
    session_of(block).run(block)


# -- json blocks ----------------------------------------------------------------------


def json_values(block: Block) -> list[tuple[int, str | None, Any]]:
    """``(line, raw line or None, value)`` for what a JSON block holds."""
    try:
        whole = json.loads(block.content)
    except json.JSONDecodeError:
        pass
    else:
        if isinstance(whole, list):
            return [(block.line, None, value) for value in whole]
        raw = block.content.strip()
        return [(block.line, raw if "\n" not in raw else None, whole)]
    values: list[tuple[int, str | None, Any]] = []
    for offset, text in enumerate(block.content.splitlines()):
        if text.strip():
            try:
                values.append((block.line + offset, text, json.loads(text)))
            except json.JSONDecodeError as exc:
                pytest.fail(f"{block.path.name}:{block.line + offset}: not JSON: {exc}")
    return values


_plugin_checkers: list[tuple[Codec, Any]] = []


def checker_for(tag: Any) -> tuple[Codec, Any]:
    """The codec and schema validator for a type tag: the built-in ones, or for a
    plugin's type (in a plugin's docs), those of the installed plugins."""
    if tag in CODEC.types:
        return CODEC, VALIDATOR
    if not _plugin_checkers:
        try:
            from sitrep_core.plugins._manager import Plugins

            codec = Plugins.load().codec
        except Exception as exc:
            pytest.fail(f"type {tag!r} is not built in, and the plugins do not load: {exc}")
        _plugin_checkers.append((codec, jsonschema.Draft202012Validator(codec.json_schema())))
    return _plugin_checkers[0]


def check_event(data: Any, where: str) -> None:
    codec, validator = checker_for(data.get("type"))
    try:
        codec.from_dict(data)
    except ValidationError as exc:
        pytest.fail(f"{where}: the codec refuses it: {exc}")
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, f"{where}: the schema refuses it: {errors}"


def check_record(data: dict[str, Any], raw: str | None, where: str) -> None:
    check_event(data["event"], f"{where} (its event)")
    if raw is None:
        return  # a record spread over several lines is shown, its hash not checked
    key = ',"event":'
    start = raw.find(key)
    assert start >= 0 and raw.endswith("}"), f"{where}: a record line ends with its event"
    event_bytes = raw[start + len(key) : -1].encode("utf-8")
    expected = chain_hash(data["position"], data["prev"], event_bytes)
    assert data["hash"] == expected, f"{where}: the hash should be {expected}"


def is_record(data: Any) -> bool:
    return isinstance(data, dict) and {"position", "prev", "hash", "event"} <= set(data)


@pytest.mark.parametrize("block", params("json"))
def test_json_example(block: Block) -> None:
    values = json_values(block)
    if "invalid" in block.options:
        for _line, _raw, data in values:
            codec, _validator = checker_for(data.get("type") if isinstance(data, dict) else None)
            with pytest.raises(ValidationError):
                codec.from_dict(data)
        return
    for line, raw, data in values:
        where = f"{block.path.name}:{line}"
        if is_record(data):
            check_record(data, raw, where)
        elif isinstance(data, dict) and "type" in data:
            check_event(data, where)


# -- the line format reference covers the whole model ---------------------------------


def _sections(path: Path) -> dict[str, str]:
    """The text under each heading, by the heading's text."""
    sections: dict[str, str] = {}
    heading = ""
    for text in path.read_text(encoding="utf-8").splitlines():
        if text.startswith("#"):
            heading = text.lstrip("#").strip()
            sections[heading] = ""
        else:
            sections[heading] = sections.get(heading, "") + text + "\n"
    return sections


@pytest.mark.parametrize("cls", BUILTIN_EVENT_TYPES, ids=lambda cls: cls.TYPE)
def test_the_line_format_documents_every_type_and_field(cls: Any) -> None:
    path = DOCS / "line-format.md"
    sections = {h: t for h, t in _sections(path).items() if f"`{cls.TYPE}`" in h}
    assert sections, f"{path.name} has no heading naming `{cls.TYPE}`"
    text = "".join(sections.values())
    envelope = ENVELOPE_FIELDS
    missing = [
        a.name for a in attrs.fields(cls) if a.name not in envelope and f"`{a.name}`" not in text
    ]
    assert not missing, f"the section on `{cls.TYPE}` does not name {missing}"
    for name, prop in VALIDATOR.schema["$defs"][cls.TYPE]["properties"].items():
        values = [v for v in prop.get("enum", ()) if v is not None]
        undocumented = [v for v in values if f"`{v}`" not in text]
        assert not undocumented, f"`{cls.TYPE}`: {name} may also be {undocumented}"
    examples = [
        data
        for block in BLOCKS[path]
        if block.language == "json" and "invalid" not in block.options
        for _line, _raw, data in json_values(block)
        if isinstance(data, dict) and data.get("type") == cls.TYPE
    ]
    assert examples, f"{path.name} has no example line of `{cls.TYPE}`"


def test_every_doc_file_is_found() -> None:
    assert DOCS / "line-format.md" in BLOCKS
    assert ROOT / "README.md" in BLOCKS


def test_console_commands_are_read_with_their_output() -> None:
    content = "$ sitrep verify log.jsonl\nok: 3 records\n\n$ sitrep log x\n[2]\n\n$ ls\n"
    assert list(console_commands(content)) == [
        ("sitrep verify log.jsonl", ["ok: 3 records"]),
        ("sitrep log x", ["[2]"]),
        ("ls", []),
    ]
