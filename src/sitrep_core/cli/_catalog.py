"""Commands about what is installed and where logs live: ``plugins``, ``schema``, ``copy``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import click

from ..errors import ConflictError, CorruptLogError
from ._failures import EXIT_FAILED, Failure
from ._inputs import local_path
from ._output import PROGRESS_MIN, stderr_is_terminal, to_json
from ._run import loaded_plugins, log_argument, opened

if TYPE_CHECKING:
    from ..stores._copy import CopyResult


@click.command(name="plugins")
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plugins.")
def plugins_(show_all: bool) -> None:
    """List the loaded plugins as JSON: name, version, hooks.

    Plugins come from the entry-point group "sitrep".

    \b
    Examples:
      sitrep plugins
      sitrep plugins --all
    """
    listing = [p for p in loaded_plugins().listing() if show_all or not p.builtin]
    click.echo(
        to_json(
            [
                {"name": p.name, "version": p.version, "hooks": list(p.hooks), "builtin": p.builtin}
                for p in listing
            ]
        )
    )


@click.command()
def schema() -> None:
    """Print the JSON Schema of the line format.

    The schema (draft 2020-12) describes one input line; it covers the event
    types of every loaded plugin.

    \b
    Examples:
      sitrep schema > line-format.schema.json
    """
    from ..codec._schema import dumps

    click.echo(dumps(loaded_plugins().codec.json_schema()), nl=False)


@click.command()
@log_argument("source", "SRC")
@log_argument("target", "DST")
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=1000, show_default=True, metavar="N"
)
def copy(source: str, target: str, batch_size: int) -> None:
    """Copy a log into another store, with the same hash chain.

    The source is verified first; what DST holds already must be the source's
    first records. Running it again copies only what is new. A copy that fails
    leaves no new file behind; a DST that existed is left for the next run.

    \b
    Examples:
      sitrep copy log.jsonl desk.sqlite
      sitrep copy desk.sqlite postgresql://analyst@db.example.org/sitrep
    """
    made = _new_log_file(target)
    try:
        result = _copy(source, target, batch_size)
    except BaseException:  # Ctrl-C too: what this command made goes
        if made is not None:
            made.remove()
        raise
    click.echo(str(result))


@attrs.frozen
class _NewLogFile:
    """A log file a command is about to create, and the files beside it before it did."""

    path: Path
    beside: frozenset[str]

    def remove(self) -> None:
        """Remove the log file and what its store made beside it (an index, SQLite's
        journal), leaving what was there before."""
        for name in _named_after(self.path) - self.beside:
            (self.path.parent / name).unlink(missing_ok=True)


def _named_after(path: Path) -> frozenset[str]:
    """The files named after the log file: itself and its sidecars (``log.db-wal``...)."""
    try:
        names = os.listdir(path.parent or ".")
    except OSError:
        return frozenset()
    stem = path.name
    return frozenset(n for n in names if n == stem or n.startswith((stem + "-", stem + ".")))


def _new_log_file(target: str) -> _NewLogFile | None:
    """The file a copy into ``target`` would create, or None (it exists, or is no file)."""
    path = local_path(target)
    if path is None or path.exists() or path.is_symlink():
        return None
    return _NewLogFile(path, _named_after(path))


def _copy(source: str, target: str, batch_size: int) -> CopyResult:
    from ..stores._copy import copy_log

    with opened(source) as src:
        try:
            head = src.head  # a source that is no log fails here, before DST is made
        except CorruptLogError as exc:
            raise Failure(str(exc), EXIT_FAILED) from None
        with opened(target, create=True) as dst:
            progress, bar = None, None
            if stderr_is_terminal() and head >= PROGRESS_MIN:
                bar = click.progressbar(length=head, label="copying", file=sys.stderr)

                def progress(at: int, end: int) -> None:
                    assert bar is not None
                    bar.pos = at
                    bar.render_progress()

            try:
                return copy_log(src, dst, batch_size=batch_size, progress=progress)
            except ConflictError as exc:
                raise Failure(f"{dst.name}: {exc}", EXIT_FAILED) from None
            except CorruptLogError as exc:  # a chain that does not verify: nothing copied past it
                raise Failure(str(exc), EXIT_FAILED) from None
            finally:
                if bar is not None:
                    bar.render_finish()
