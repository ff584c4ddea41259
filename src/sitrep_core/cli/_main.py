"""The ``sitrep`` command: the library's data path, one subcommand per step.

Every command that takes a log takes a path or URL (``open_log`` dispatches). Exit
codes: 0 ok, 1 a verification or conflict failure, 2 bad usage or bad input. Errors
are printed on stderr as one line each; ``SITREP_DEBUG=1`` shows the traceback of a
library error instead.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import typing
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, cast

import click
import orjson

from ..codec._codec import Codec
from ..errors import (
    ConflictError,
    CorruptLogError,
    SitrepError,
    TornTailWarning,
    ValidationError,
)
from ..model import Event
from ..model._time import FuzzyTime
from ..plugins._manager import Plugins
from ..projections import Directory, Projection
from ..renderers import Renderer, change_phrase, event_phrase, plain, unstructure
from ..report import moment_as_given
from ..stores._log import EventLog, Record
from ._fields import event_from_words, field_specs

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PROGRESS_MIN = 2000
"""Replays of logs shorter than this show no progress bar."""

DEBUG_ENV = "SITREP_DEBUG"


# -- failures: one line each, an exit code ------------------------------------------------


class Failure(click.ClickException):
    """Ends the command: ``lines`` on stderr, then exit with ``exit_code``."""

    def __init__(self, lines: str | Sequence[str], exit_code: int = EXIT_USAGE) -> None:
        self.lines = [_one_line(x) for x in ([lines] if isinstance(lines, str) else lines)]
        super().__init__("; ".join(self.lines))
        self.exit_code = exit_code  # type: ignore[misc]  # click reads it per instance

    def show(self, file: typing.IO[Any] | None = None) -> None:
        for line in self.lines:
            click.echo(line, file=file if file is not None else sys.stderr)


def _one_line(text: str) -> str:
    """Text for one line of a terminal: line breaks folded, control characters escaped
    (a log's text must not move the cursor or recolour the screen)."""
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def _failure(exc: BaseException) -> Failure | None:
    """The one-line report and exit code of an error the user can fix, or None for a bug."""
    from ..codec._codec import InputErrors

    if isinstance(exc, InputErrors):
        return Failure([ValidationError.__str__(e) for e in exc.errors])
    if isinstance(exc, ConflictError):  # also DuplicateIdError
        return Failure(f"conflict: {exc}; nothing was appended", EXIT_FAILED)
    if isinstance(exc, SitrepError | ValueError):  # ValidationError, CorruptLogError, ...
        return Failure(str(exc) or type(exc).__name__)
    if isinstance(exc, OSError):
        if exc.filename is not None and exc.strerror:
            return Failure(f"{exc.filename}: {exc.strerror.lower()}")
        return Failure(str(exc))
    if isinstance(exc, ModuleNotFoundError | ImportError):
        return Failure(str(exc))
    return None


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: typing.TextIO | None = None,
    line: str | None = None,
) -> None:
    click.echo(f"warning: {_one_line(str(message))}", err=True)


class SitrepGroup(click.Group):
    """The top-level group: maps the library's typed errors to one line and an exit code."""

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
            raise _usage(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("always", TornTailWarning)  # the user should know
            warnings.showwarning = _show_warning
            try:
                return super().invoke(ctx)
            except click.UsageError as exc:
                raise _usage(exc) from None
            except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
                raise  # click reports these (a closed pipe quietly)
            except Exception as exc:
                failure = _failure(exc)
                if failure is None or os.environ.get(DEBUG_ENV, "") not in ("", "0"):
                    raise
                raise failure from None


def _usage(exc: click.UsageError) -> Failure:
    path = exc.ctx.command_path if exc.ctx is not None else "sitrep"
    return Failure(f"{path}: {exc.format_message()} (see '{path} --help')", exc.exit_code)


# -- plugins ------------------------------------------------------------------------------


def _plugins() -> Plugins:
    """The plugins of this run (installed ones, and those named by ``-p``), loaded once."""
    ctx = click.get_current_context()
    found = ctx.meta.get("sitrep.plugins")
    if found is None:
        named: tuple[str, ...] = ctx.meta.get("sitrep.plugin_options", ())
        block = [name.removeprefix("no:") for name in named if name.startswith("no:")]
        extra = []
        for name in named:
            if not name.startswith("no:"):
                try:
                    extra.append(importlib.import_module(name))
                except ImportError as exc:
                    raise Failure(f"-p {name}: cannot import the plugin module: {exc}") from None
        found = ctx.meta["sitrep.plugins"] = Plugins.load(extra=extra, block=block)
    return cast(Plugins, found)


@contextmanager
def _open(target: str, *, create: bool = False) -> Iterator[EventLog]:
    log = _plugins().open_log(target, create=create)
    try:
        yield log
    finally:
        log.close()


# -- values on the command line -----------------------------------------------------------


class MomentType(click.ParamType):  # type: ignore[type-arg]
    """A moment in EDTF (``2017-09-02``, ``2017-08-30T16:50``) or ISO 8601 with a zone."""

    name = "moment"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if isinstance(value, FuzzyTime):
            return value.text
        try:
            FuzzyTime.parse(str(value))
        except ValidationError as exc:
            self.fail(exc.message, param, ctx)
        return str(value)


MOMENT = MomentType()

# -- output -------------------------------------------------------------------------------


def _moment_text(value: str | None) -> str | None:
    found = moment_as_given(value)
    return None if found is None else found.text


def to_json(value: Any, *, indent: bool = True) -> str:
    """Views, changes and records as JSON: cattrs unstructure, orjson, sorted keys."""
    option = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    if indent:
        option |= orjson.OPT_INDENT_2
    return orjson.dumps(unstructure(value), option=option, default=str).decode()


def record_json(codec: Codec, record: Record) -> str:
    """One record as a line: position, hash, prev and the event in the line format."""
    data = {
        "position": record.position,
        "hash": record.hash,
        "prev": record.prev,
        "event": codec.to_dict(record.event),
    }
    return orjson.dumps(data).decode()


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class _Tracked:
    """A log whose reads move a progress bar; everything else goes to the log itself."""

    def __init__(self, log: EventLog, bar: Any, label: str) -> None:
        self._log = log
        self._bar = bar
        self._label = label
        self._passes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)

    def read(self, from_position: int = 1, *, types: Any = None) -> Iterator[Record]:
        self._passes += 1
        bar = self._bar
        if self._passes > 1:
            bar.label = f"{self._label} (pass {self._passes})"
        bar.pos = max(from_position - 1, 0)
        for record in self._log.read(from_position, types=types):
            if record.position % 256 == 0:
                bar.pos = min(record.position, bar.length)
                bar.render_progress()
            yield record
        bar.pos = bar.length
        bar.render_progress()


@contextmanager
def _progress(log: EventLog, label: str) -> Iterator[EventLog]:
    """The log itself, or (on a terminal, for a long log) one that shows a progress bar."""
    if not _stderr_is_terminal():
        yield log
        return
    head = log.head
    if head < PROGRESS_MIN:
        yield log
        return
    with click.progressbar(
        length=head, label=label, file=sys.stderr, show_eta=False, show_pos=True
    ) as bar:
        yield cast(EventLog, _Tracked(log, bar, label))


# -- commands -----------------------------------------------------------------------------

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
@click.pass_context
def cli(ctx: click.Context, plugin_options: tuple[str, ...]) -> None:
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
    ctx.meta["sitrep.plugin_options"] = plugin_options


def _local_path(target: str) -> Path | None:
    """The file a target names, or None for a server or memory."""
    if target in ("memory:", ":memory:") or target.startswith(("postgresql://", "postgres://")):
        return None
    return Path(target.removeprefix("sqlite://"))


@cli.command()
@click.argument("target", metavar="LOG")
def init(target: str) -> None:
    """Create an empty log; refuses one that exists already.

    \b
    Examples:
      sitrep init log.jsonl
      sitrep init desk.sqlite
      sitrep init postgresql://analyst@db.example.org/sitrep
    """
    path = _local_path(target)
    if path is not None:
        if path.exists() or path.is_symlink():
            raise Failure(f"{target}: already exists; not overwriting it")
    elif target.startswith(("postgresql://", "postgres://")):
        from ..stores._sqlite import StoreUnavailableError

        try:
            _plugins().open_log(target, create=False).close()
        except StoreUnavailableError:
            raise
        except SitrepError:
            pass  # no log there yet (or one to migrate): create it below
        else:
            raise Failure(f"{target}: already holds a sitrep log; not overwriting it")
    with _open(target, create=True) as log:
        click.echo(f"created {log.name}")


@cli.command()
@click.argument("target", metavar="LOG")
@click.argument("file", default="-", metavar="[FILE|-]")
@click.option(
    "--expected-position",
    type=click.IntRange(min=0),
    metavar="N",
    help="Append only if the log's last position is N (exit 1 otherwise).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def append(target: str, file: str, expected_position: int | None, as_json: bool) -> None:
    """Append the events of FILE (or stdin) to the log, all or nothing.

    The input is JSON Lines (one event a line) or one JSON object or array. If
    any line is invalid, nothing is appended and every bad line is reported on
    stderr, one line each, with its line number and field. Events whose id is
    stored already with the same content are skipped.

    \b
    Examples:
      sitrep append log.jsonl events.jsonl
      cat events.jsonl | sitrep append log.jsonl -
      sitrep append log.jsonl events.jsonl --expected-position 12
    """
    with _open(target) as log:
        if file == "-":
            data, source = sys.stdin.buffer.read(), "<stdin>"
        else:
            data, source = Path(file).read_bytes(), file
        events = log.codec.read_input(data, source=source)
        try:
            _append(log, events, expected_position, as_json)
        except ValidationError as exc:  # a revision naming no event: say which line
            raise Failure(str(_locate(exc, events, data, source))) from None


def _locate(exc: ValidationError, events: list[Event], data: bytes, source: str) -> ValidationError:
    """The error of an append, located at the input line (or item) of the event it is about."""
    field = exc.field
    if field not in ("corrects", "retracts"):
        return exc.located(source=source)
    index = next(
        (
            i
            for i, event in enumerate(events)
            if getattr(event, field) is not None and repr(getattr(event, field)) in exc.message
        ),
        None,
    )
    if index is None:
        return exc.located(source=source)
    lines = [n for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    if len(lines) == len(events) and not data.strip().startswith(b"["):
        return exc.located(source=source, line=lines[index])
    return exc.located(source=source, field_prefix=f"[{index}]")


def _append(
    log: EventLog, events: list[Event], expected_position: int | None, as_json: bool
) -> None:
    try:
        result = log.append(events, expected_position=expected_position)
    except ConflictError as exc:
        raise Failure(f"{log.name}: {exc}; nothing was appended", EXIT_FAILED) from None
    if as_json:
        click.echo(
            to_json(
                {
                    "appended": [
                        {"position": r.position, "id": r.event.id, "type": r.event.TYPE}
                        for r in result.records
                    ],
                    "skipped": list(result.skipped),
                    "head": result.head,
                }
            )
        )
        return
    records = result.records
    if records:
        where = (
            f"position {records[0].position}"
            if len(records) == 1
            else f"positions {records[0].position}-{records[-1].position}"
        )
        noun = "event" if len(records) == 1 else "events"
        click.echo(f"appended {len(records)} {noun} at {where}")
    for event_id in result.skipped:
        click.echo(f"skipped {event_id}: already in the log")
    if not records and not result.skipped:
        click.echo("nothing to append")
    click.echo(f"head {result.head}")


_ENVELOPE = ("id", "recorded", "sources", "corrects", "retracts", "notes", "tags")


class AddCommand(click.Command):
    """``sitrep add``: its help lists every event type and its fields."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        try:
            codec = _plugins().codec
        except Exception:  # help must show even when a plugin fails to load
            codec = Codec()
        rows = []
        for tag in sorted(codec.types):
            specs = field_specs(codec.types[tag]).values()
            shown = [
                f"{s.option}{'' if s.required else '?'}{'...' if s.shape != 'one' else ''}"
                for s in specs
                if s.name not in _ENVELOPE
            ]
            rows.append((tag, " ".join(shown)))
        with formatter.section("Event types and their fields (? optional, ... repeatable)"):
            formatter.write_dl(rows)


@cli.command(
    cls=AddCommand,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": False},
)
@click.argument("target", metavar="LOG")
@click.argument("type_", metavar="TYPE")
@click.argument("fields", nargs=-1, type=click.UNPROCESSED, metavar="--FIELD VALUE...")
@click.option(
    "--expected-position",
    type=click.IntRange(min=0),
    metavar="N",
    help="Append only if the log's last position is N (exit 1 otherwise).",
)
@click.option("--dry-run", is_flag=True, help="Print the event's line; append nothing.")
def add(
    target: str, type_: str, fields: tuple[str, ...], expected_position: int | None, dry_run: bool
) -> None:
    """Append one event typed by hand: its fields as --NAME VALUE.

    \b
    Every event takes --occurred (required: 2017-08, 2017-08-29,
    2017-08-30T16:50, 2017-08-29~ or 2017-08-28/2017-08-30), --id (default: a new
    UUIDv7), --recorded (default: now), --source NAME|RELIABILITY|CREDIBILITY|URL|QUOTE
    (repeatable), --tag (repeatable), --notes, --corrects ID, --retracts ID.
    Counts: 308, ~308, >=25, <=10, 200-999 or unknown, optionally followed by the
    source's words ("~308 around 308 fighters"). Vehicles: --vehicle bus=17.
    List fields repeat (--party Hezbollah --party ISIS).

    \b
    Examples:
      sitrep add log.jsonl statement --occurred 2017-08-29 --speaker McGurk \\
          --subject qalamoun-deal --stance condemns \\
          --quote "ISIS fighters should be killed on the battlefield" \\
          --source "Brett McGurk|A|2"
      sitrep add log.jsonl evacuation --occurred 2017-08-28 --group ISIS \\
          --origin "Western Qalamoun" --destination "Abu Kamal" \\
          --fighters "~308" --civilians "~331" --vehicle bus=17 --vehicle ambulance=11
    """
    with _open(target) as log:
        try:
            event = event_from_words(log.codec, type_, fields)
        except ValidationError as exc:
            raise Failure(str(exc.located(source=f"add {type_}"))) from None
        if dry_run:
            click.echo(log.codec.encode(event).decode())
            return
        try:
            result = log.append([event], expected_position=expected_position)
        except ConflictError as exc:
            raise Failure(f"{log.name}: {exc}; nothing was appended", EXIT_FAILED) from None
        except ValidationError as exc:
            raise Failure(str(exc.located(source=f"add {type_}"))) from None
        if result.records:
            click.echo(f"appended {event.TYPE} {event.id} at position {result.records[0].position}")
        else:
            click.echo(f"skipped {event.id}: already in the log")


def _check_types(codec: Codec, wanted: Sequence[str]) -> None:
    unknown = [t for t in wanted if t not in codec.types]
    if unknown:
        raise Failure(
            f"unknown event type {unknown[0]!r}; known types: {', '.join(sorted(codec.types))}"
        )


@cli.command(name="log")
@click.argument("target", metavar="LOG")
@click.option("--type", "types", multiple=True, metavar="TYPE", help="Only this type (repeatable).")
@click.option(
    "--from", "start", type=click.IntRange(min=1), default=1, metavar="N", help="From position N."
)
@click.option("--limit", type=click.IntRange(min=0), metavar="N", help="At most N records.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line, the event whole.")
def log_(target: str, types: tuple[str, ...], start: int, limit: int | None, as_json: bool) -> None:
    """List the log's records: position, occurred, type and headline.

    \b
    Examples:
      sitrep log log.jsonl
      sitrep log log.jsonl --type statement --type strike
      sitrep log log.jsonl --from 100 --limit 20 --json
    """
    with _open(target) as log:
        _check_types(log.codec, types)
        for shown, record in enumerate(log.read(start, types=types or None)):
            if limit is not None and shown >= limit:
                break
            if as_json:
                click.echo(record_json(log.codec, record))
            else:
                event = record.event
                click.echo(
                    f"{record.position:>5}  {_one_line(event.occurred.text):<16}  "
                    f"{event.TYPE:<12}  {_one_line(plain(event_phrase(event, Directory())))}"
                )


def _projections(names: Sequence[str]) -> list[Projection[Any, Any]]:
    available = list(_plugins().projections())
    if not names:
        return available
    by_name = {p.name: p for p in available}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise Failure(
            f"unknown projection {unknown[0]!r}; known projections: {', '.join(sorted(by_name))}"
        )
    return [by_name[n] for n in dict.fromkeys(names)]


@cli.command(name="replay")
@click.argument("target", metavar="LOG")
@click.option(
    "--projection", "names", multiple=True, metavar="NAME", help="Only this view (repeatable)."
)
@click.option("--as-of", type=MOMENT, help="The world as it stood then, from all we know now.")
@click.option("--known-at", type=MOMENT, help="Only what had been recorded by then.")
def replay_(target: str, names: tuple[str, ...], as_of: str | None, known_at: str | None) -> None:
    """Replay the log and print the projections' views as JSON.

    \b
    Examples:
      sitrep replay log.jsonl
      sitrep replay log.jsonl --projection convoys --as-of 2017-08-31
      sitrep replay log.jsonl --known-at 2017-09-02T12:00Z
    """
    from ..replay._replay import replay

    chosen = _projections(names)
    with _open(target) as log, _progress(log, "replaying") as tracked:
        snapshot = replay(tracked, chosen, as_of=as_of, known_at=known_at)
    wanted = set(names) or set(snapshot.views)
    click.echo(
        to_json(
            {
                "log": log.name,
                "position": snapshot.position,
                "head_hash": snapshot.head_hash,
                "as_of": _moment_text(as_of),
                "known_at": _moment_text(known_at),
                "views": {k: v for k, v in snapshot.views.items() if k in wanted},
            }
        )
    )


class RenderCommand(click.Command):
    """``sitrep render``: its help lists the formats the loaded plugins offer."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        try:
            renderers = _plugins().renderers()
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
    plugins = _plugins()
    if fmt is not None:
        return plugins.renderer(fmt)
    if output is not None and output != "-":
        return plugins.renderer_for_path(output)
    known = ", ".join(sorted(plugins.renderers())) or "none"
    raise Failure(f"give --format (known formats: {known}) or -o FILE with a known extension")


@cli.command(cls=RenderCommand)
@click.argument("target", metavar="LOG")
@click.option("-f", "--format", "fmt", metavar="FMT", help="Output format (default: from -o).")
@click.option("--as-of", type=MOMENT, help="The world as it stood then, from all we know now.")
@click.option("--known-at", type=MOMENT, help="Only what had been recorded by then.")
@click.option("--since", type=MOMENT, help="One update: every change since then.")
@click.option("--title", default="Situation report", show_default=True, help="The title.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (default: stdout).")
def render(
    target: str,
    fmt: str | None,
    as_of: str | None,
    known_at: str | None,
    since: str | None,
    title: str,
    output: str | None,
) -> None:
    """Render the report in any loaded format, as of any moment.

    \b
    Examples:
      sitrep render log.jsonl --format markdown
      sitrep render log.jsonl --format html -o report.html
      sitrep render log.jsonl -o report.html --known-at 2017-09-02T12:00Z
      sitrep render log.jsonl --format json --since 2017-08-31
    """
    renderer = _format_for(fmt, output)
    plugins = _plugins()
    with _open(target) as log, _progress(log, "rendering") as tracked:
        report = plugins.report(tracked, title=title, as_of=as_of, known_at=known_at, since=since)
    text = plugins.render(report, renderer.format)
    if output is None or output == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    path = Path(output)
    if path.is_symlink():  # writing through it would change a file not named here
        raise Failure(f"{output}: is a symbolic link; not writing through it (name its target)")
    partial = path.with_name(f".{path.name}.partial")
    try:
        _write_new(partial, text.encode("utf-8"))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"wrote {output} ({renderer.format}, {len(text.encode())} bytes)")


def _write_new(path: Path, data: bytes) -> None:
    """Write a new file at ``path``, never through a symlink; one left over is replaced."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o666)
    except FileExistsError:
        path.unlink()  # a partial file a killed render left (or a link: unlink removes it)
        fd = os.open(path, flags, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


@cli.command(name="changes")
@click.argument("target", metavar="LOG")
@click.option("--since", type=MOMENT, required=True, help="The earlier moment.")
@click.option("--until", type=MOMENT, help="The later moment (default: everything).")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as a JSON array.")
def changes_(target: str, since: str, until: str | None, as_json: bool) -> None:
    """What changed between two moments, per projection.

    The report at --since is compared with the report at --until. Each moment
    sets both clocks: the report as it could have been written then.

    \b
    Examples:
      sitrep changes log.jsonl --since 2017-08-31
      sitrep changes log.jsonl --since 2017-08-31 --until 2017-09-02T12:00Z --json
    """
    from ..replay import diff_views, fold_log, moment, views_at

    chosen = _projections(())
    with _open(target) as log, _progress(log, "Replaying") as tracked:
        state = fold_log(tracked, chosen)
    start, end = moment(since), moment(until)
    after = views_at(state, end, end)
    found = diff_views(state.projections, views_at(state, start, start), after)
    names = after["directory"]
    if as_json:
        click.echo(to_json(found))
        return
    for change in found:
        click.echo(f"{change.projection}: {_one_line(plain(change_phrase(change, names)))}")
    if not found:
        click.echo(f"no changes since {since}")


@cli.command()
@click.argument("target", metavar="LOG")
def verify(target: str) -> None:
    """Check the hash chain; exit 1 at the first bad record.

    Every record's position, link to the one before and content hash are checked.

    \b
    Examples:
      sitrep verify log.jsonl
      sitrep verify postgresql://analyst@db.example.org/sitrep
    """
    with _open(target) as log:
        try:
            result = log.verify()
        except CorruptLogError as exc:
            raise Failure(f"broken: {exc}", EXIT_FAILED) from None
        if not result.ok:
            raise Failure(str(result), EXIT_FAILED)
        click.echo(f"{log.name}: {result}")


@cli.command()
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plugins.")
def plugins(show_all: bool) -> None:
    """List the loaded plugins as JSON: name, version, hooks.

    Plugins come from the entry-point group "sitrep".

    \b
    Examples:
      sitrep plugins
      sitrep plugins --all
    """
    listing = [p for p in _plugins().listing() if show_all or not p.builtin]
    click.echo(
        to_json(
            [
                {"name": p.name, "version": p.version, "hooks": list(p.hooks), "builtin": p.builtin}
                for p in listing
            ]
        )
    )


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the line format.

    The schema (draft 2020-12) describes one input line; it covers the event
    types of every loaded plugin.

    \b
    Examples:
      sitrep schema > line-format.schema.json
    """
    from ..codec._schema import dumps

    click.echo(dumps(_plugins().codec.json_schema()), nl=False)


@cli.command()
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

    with _open(source) as src, _open(target, create=True) as dst:
        progress, bar = None, None
        if _stderr_is_terminal() and src.head >= PROGRESS_MIN:
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


@cli.command()
@click.argument("target", metavar="LOG")
@click.option(
    "--from", "start", type=click.IntRange(min=1), default=1, metavar="N", help="From position N."
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.01),
    default=1.0,
    show_default=True,
    help="Seconds between looks, for stores that cannot notify.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0), help="End after this many seconds with nothing new."
)
def follow(target: str, start: int, interval: float, timeout: float | None) -> None:
    """Print the records as JSON lines, then each new one as it comes.

    PostgreSQL wakes on each append's NOTIFY; other stores are polled. Ctrl-C ends it.

    \b
    Examples:
      sitrep follow postgresql://analyst@db.example.org/sitrep
      sitrep follow log.jsonl --from 120
    """
    with _open(target) as log:
        follow_records: Callable[..., Iterator[Record]] | None = getattr(log, "follow", None)
        records = (
            follow_records(start, timeout=timeout, poll_interval=interval)
            if follow_records is not None
            else _poll(log, start, interval, timeout)
        )
        try:
            for record in records:
                click.echo(record_json(log.codec, record))
                sys.stdout.flush()
        except KeyboardInterrupt:
            pass


def _poll(log: EventLog, start: int, interval: float, timeout: float | None) -> Iterator[Record]:
    next_position, quiet_since = start, time.monotonic()
    while True:
        for record in log.read(next_position):
            next_position = record.position + 1
            quiet_since = time.monotonic()
            yield record
        wait = interval
        if timeout is not None:
            left = timeout - (time.monotonic() - quiet_since)
            if left <= 0:
                return
            wait = min(wait, left)
        time.sleep(wait)


def main(args: Sequence[str] | None = None) -> NoReturn:
    """Run the command line (the ``sitrep`` script)."""
    cli.main(args=list(args) if args is not None else None, prog_name="sitrep")
    raise SystemExit(0)  # pragma: no cover - click exits
