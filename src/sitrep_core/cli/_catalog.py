"""Commands about what is installed and where logs live: ``plugins``, ``schema``, ``copy``."""

from __future__ import annotations

import sys

import click

from ..errors import ConflictError, CorruptLogError
from ._failures import EXIT_FAILED, Failure
from ._output import PROGRESS_MIN, stderr_is_terminal, to_json
from ._run import loaded_plugins, opened


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
@click.argument("source", metavar="SRC")
@click.argument("target", metavar="DST")
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=1000, show_default=True, metavar="N"
)
def copy(source: str, target: str, batch_size: int) -> None:
    """Copy a log into another store, with the same hash chain.

    The source is verified first; what DST holds already must be the source's
    first records. Running it again copies only what is new.

    \b
    Examples:
      sitrep copy log.jsonl desk.sqlite
      sitrep copy desk.sqlite postgresql://analyst@db.example.org/sitrep
    """
    from ..stores._copy import copy_log

    with opened(source) as src, opened(target, create=True) as dst:
        progress, bar = None, None
        if stderr_is_terminal() and src.head >= PROGRESS_MIN:
            bar = click.progressbar(length=src.head, label="copying", file=sys.stderr)

            def progress(head: int, end: int) -> None:
                assert bar is not None
                bar.pos = head
                bar.render_progress()

        try:
            result = copy_log(src, dst, batch_size=batch_size, progress=progress)
        except ConflictError as exc:
            raise Failure(f"{dst.name}: {exc}", EXIT_FAILED) from None
        except CorruptLogError as exc:  # a chain that does not verify: nothing copied past it
            raise Failure(str(exc), EXIT_FAILED) from None
        finally:
            if bar is not None:
                bar.render_finish()
        click.echo(str(result))
