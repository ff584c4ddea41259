"""``sitrep render``: the report in any loaded format, to stdout or a file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from ..renderers import Renderer
from ._cache import RenderCache, default_directory, is_file_log
from ._failures import Failure
from ._inputs import Shape, shape_of
from ._output import progress
from ._run import MOMENT, complete_files, loaded_plugins, log_argument, readable


class RenderCommand(click.Command):
    """``sitrep render``: its help lists the formats the loaded plugins offer."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        try:
            renderers = loaded_plugins().renderers()
        except Exception:  # help must show even when the plugins fail to load
            return
        with formatter.section("Formats"):
            formatter.write_dl(
                [
                    (fmt, f"{r.description or r.media_type} ({r.extension})")
                    for fmt, r in sorted(renderers.items())
                ]
            )


def _format_for(fmt: str | None, output: str | None) -> Renderer:
    plugins = loaded_plugins()
    if fmt is not None:
        return plugins.renderer(fmt)
    if output is not None and output != "-":
        return plugins.renderer_for_path(output)
    known = ", ".join(sorted(plugins.renderers())) or "none"
    raise Failure(f"give --format (known formats: {known}) or -o FILE with a known extension")


def _complete_formats(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of ``--format``: the formats the installed plugins offer."""
    try:
        renderers = loaded_plugins(ctx).renderers()
    except Exception:  # a plugin that fails to load must not break the shell
        return []
    return [
        CompletionItem(fmt, help=renderer.description or renderer.media_type)
        for fmt, renderer in sorted(renderers.items())
        if fmt.startswith(incomplete)
    ]


@click.command(cls=RenderCommand)
@log_argument()
@click.option(
    "-f",
    "--format",
    "fmt",
    metavar="FMT",
    help="Output format (default: from -o).",
    shell_complete=_complete_formats,
)
@click.option("--as-of", type=MOMENT, help="The world as it stood then, from all we know now.")
@click.option("--known-at", type=MOMENT, help="Only what had been recorded by then.")
@click.option("--since", type=MOMENT, help="One update: every change since then.")
@click.option("--title", default="Situation report", show_default=True, help="The title.")
@click.option(
    "--name",
    metavar="NAME",
    help="What the report calls the log (default: the file's name, or the database's).",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write to FILE (default: stdout), replaced at once and keeping its permissions.",
    shell_complete=complete_files,
)
@click.option(
    "--cache-dir",
    metavar="DIR",
    envvar="SITREP_CACHE_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep rendered reports in DIR (default: $XDG_CACHE_HOME/sitrep or ~/.cache/sitrep).",
    shell_complete=complete_files,
)
@click.option(
    "--no-cache",
    is_flag=True,
    envvar="SITREP_NO_CACHE",
    help="Neither use nor keep a rendered report: replay the log every time.",
)
def render(
    target: str,
    fmt: str | None,
    as_of: str | None,
    known_at: str | None,
    since: str | None,
    title: str,
    name: str | None,
    output: str | None,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Render the report in any loaded format, as of any moment.

    The report names the log by --name, or by its file's base name (a
    database's name for PostgreSQL): never its directory, user or host. LOG may
    also be a file of events (as append takes), read into memory.

    A rendered report is kept (see --cache-dir) and shown again while nothing
    was added to the log and the same format and options are asked for; a kept
    report that is damaged, of another log or out of date is rebuilt.

    \b
    Examples:
      sitrep render log.jsonl --format markdown
      sitrep render log.jsonl --format html -o report.html
      sitrep render log.jsonl -o report.html --known-at 2017-09-02T12:00Z
      sitrep render log.jsonl --format json --since 2017-08-31
      sitrep render events.jsonl --format markdown --name "Qalamoun convoy"
    """
    renderer = _format_for(fmt, output)
    plugins = loaded_plugins()
    options = {"title": title, "as_of": as_of, "known_at": known_at, "since": since, "name": name}
    cache = None
    if not no_cache and shape_of(target) is not Shape.EVENTS:
        cache = RenderCache(cache_dir if cache_dir is not None else default_directory())
    # a JSON Lines log's entry is found before the log is opened: a large log's index
    # need not be loaded to show a report nothing was added to since
    entry = None
    if cache is not None and is_file_log(target):
        entry = cache.entry(target, None, plugins, renderer.format, options)
    text = entry.load() if entry is not None else None
    kept = text is not None
    if text is None:
        with readable(target) as log:
            if cache is not None and entry is None:
                entry = cache.entry(target, log, plugins, renderer.format, options)
                text = entry.load() if entry is not None else None
                kept = text is not None
            if text is None:
                with progress(log, "rendering") as tracked:
                    report = plugins.report(tracked, log_name=name, **_report_options(options))
                text = plugins.render(report, renderer.format)
                if entry is not None:
                    entry.store(text, report.log.position, report.log.head_hash)
    if output is None or output == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    path = Path(output)
    if path.is_symlink():  # writing through it would change a file not named here
        raise Failure(f"{output}: is a symbolic link; not writing through it (name its target)")
    partial = path.with_name(f".{path.name}.partial")
    try:
        _write_new(partial, text.encode("utf-8"), _mode_of(path))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    again = ", as last rendered: nothing added since" if kept else ""
    click.echo(f"wrote {output} ({renderer.format}, {len(text.encode())} bytes{again})")


def _report_options(options: dict[str, str | None]) -> dict[str, str | None]:
    return {key: value for key, value in options.items() if key != "name"}


def _mode_of(path: Path) -> int | None:
    """The permission bits of the file a report replaces (None when there is none): the
    new report keeps them, so a report kept private (0600) stays private."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return stat.S_IMODE(found.st_mode) if stat.S_ISREG(found.st_mode) else None


def _write_new(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write a new file at ``path``, never through a symlink; one left over is replaced.
    With ``mode``, the file gets exactly those permission bits (before any byte is
    written); else the usual ones (0666 less the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    create = 0o600 if mode is not None else 0o666
    try:
        fd = os.open(path, flags, create)
    except FileExistsError:
        path.unlink()  # a partial file a killed render left (or a link: unlink removes it)
        fd = os.open(path, flags, create)
    with os.fdopen(fd, "wb") as handle:
        if mode is not None:
            os.fchmod(handle.fileno(), mode)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
