"""``sitrep import``: another tool's file (ACLED, ...) read into events and appended."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._output import to_json
from ._run import complete_files, loaded_plugins, log_argument, opened


class ImportCommand(click.Command):
    """``sitrep import``: its help lists the formats the loaded plugins read."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        try:
            importers = loaded_plugins().importers()
        except Exception:  # help must show even when the plugins fail to load
            return
        with formatter.section("Formats"):
            formatter.write_dl(
                [(fmt, i.description or i.extension) for fmt, i in sorted(importers.items())]
                or [("(none)", "install a plugin that reads files, e.g. sitrep-acled")]
            )


@click.command("import", cls=ImportCommand)
@log_argument()
@click.argument("file", metavar="FILE|-", shell_complete=complete_files)
@click.option("-f", "--format", "fmt", required=True, metavar="FMT", help="The file's format.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def import_(target: str, file: str, fmt: str, as_json: bool) -> None:
    """Read FILE (or stdin), written by another tool, into events and append them, all
    or nothing.

    If any row is bad, nothing is appended and every bad row is reported on stderr,
    one line each, with its line and column. Events the log holds already (the same
    id and content: the same file imported again) are skipped.

    \b
    Examples:
      sitrep import log.jsonl acled-2017.csv --format acled
      sitrep import log.sqlite - --format acled < export.csv
    """
    importer = loaded_plugins().importer(fmt)
    if file == "-":
        data, source = sys.stdin.buffer.read(), "<stdin>"
    else:
        data, source = Path(file).read_bytes(), file
    events = importer.read(data, source)
    with opened(target) as log:
        result = log.append(events)
    if as_json:
        click.echo(
            to_json(
                {
                    "imported": len(result.records),
                    "skipped": len(result.skipped),
                    "head": result.head,
                    "format": fmt,
                }
            )
        )
        return
    click.echo(
        f"imported {len(result.records)} events from {source} ({fmt}); "
        f"{len(result.skipped)} already in the log; head {result.head}"
    )
