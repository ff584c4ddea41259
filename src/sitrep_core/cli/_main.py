"""The ``sitrep`` command: the library's data path, one subcommand per step.

Every command that takes a log takes a path or URL (``open_log`` dispatches). Exit
codes: 0 ok, 1 a verification or conflict failure, 2 bad usage or bad input. Errors
are printed on stderr as one line each; ``SITREP_DEBUG=1`` shows the traceback of a
library error instead.

The commands live by what they do to a log: ``_write`` (init, append, add), ``_read``
(log, replay, changes, verify, follow), ``_render``, and ``_catalog`` (plugins,
schema, copy); this module is the group that holds them and maps errors to exit codes.
"""

from __future__ import annotations

import io
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from ..errors import TornTailWarning
from ._catalog import copy, plugins_, schema
from ._failures import DEBUG_ENV, EXIT_OK, failure_for, show_warning, usage_failure
from ._import import import_
from ._read import changes_, follow, log_, replay_, verify
from ._render import render
from ._write import add, append, init


class SitrepGroup(click.Group):
    """The top-level group: maps the library's typed errors to one line and an exit code,
    shows its help when given nothing, and ends quietly when its reader goes away."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:  # bare ``sitrep``: a question, not an error
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(EXIT_OK)
        return super().parse_args(ctx, args)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise usage_failure(exc) from None
        except BrokenPipeError:  # ``sitrep --help | head``
            raise _reader_gone() from None

    def invoke(self, ctx: click.Context) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("always", TornTailWarning)  # the user should know
            warnings.showwarning = show_warning
            try:
                done = super().invoke(ctx)
                sys.stdout.flush()  # a closed pipe shows here, not at the interpreter's exit
                return done
            except click.UsageError as exc:
                raise usage_failure(exc) from None
            except BrokenPipeError:
                raise _reader_gone() from None
            except (click.ClickException, click.exceptions.Exit, click.Abort):
                raise
            except Exception as exc:
                failure = failure_for(exc)
                if failure is None or os.environ.get(DEBUG_ENV, "") not in ("", "0"):
                    raise
                raise failure from None


def _reader_gone() -> click.exceptions.Exit:
    """Exit 0 without a word: whoever read stdout (``| head``) has all it wanted.

    What is still buffered for stdout goes to /dev/null, so that flushing it when the
    interpreter exits does not fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a file descriptor (a test's stdout): nothing to flush later
    return click.exceptions.Exit(EXIT_OK)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=SitrepGroup, context_settings=CONTEXT)
@click.version_option(package_name="sitrep-core", prog_name="sitrep")
@click.option(
    "-p",
    "--plugin",
    "plugin_options",
    multiple=True,
    metavar="MODULE",
    help="Also load this plugin module; -p no:NAME leaves plugin NAME out (repeatable).",
)
def cli(plugin_options: tuple[str, ...]) -> None:
    """Keep situation reports as an append-only, hash-chained log of sourced events.

    A LOG is a path or URL: log.jsonl (the default store), log.sqlite or
    sqlite:///path, postgresql://user@host/db.

    Exit codes: 0 ok; 1 a verification or conflict failure; 2 bad usage or bad input.
    Set SITREP_DEBUG=1 to see the traceback of an error. Installed plugins load
    unless SITREP_DISABLE_PLUGIN_AUTOLOAD is set; SITREP_PLUGINS=a,b loads only those.

    \b
    Examples:
      sitrep init log.jsonl
      sitrep append log.jsonl events.jsonl
      sitrep render log.jsonl --format html -o report.html
      sitrep -p my_plugin add log.jsonl checkpoint --occurred 2017-09-01 --place Humayma
    """
    # the plugins load when a command first needs them (``_run.loaded_plugins``)


for _command in (
    init,
    append,
    add,
    log_,
    replay_,
    render,
    changes_,
    verify,
    plugins_,
    schema,
    copy,
    follow,
    import_,
):
    cli.add_command(_command)


def main(args: Sequence[str] | None = None) -> NoReturn:
    """Run the command line (the ``sitrep`` script)."""
    cli.main(args=list(args) if args is not None else None, prog_name="sitrep")
    raise SystemExit(0)  # pragma: no cover - click exits
