"""Commands that write a log: ``init``, ``append`` and ``add`` (its words parsed in
``_fields``)."""

from __future__ import annotations

import click

from ..codec._codec import Codec
from ..errors import ConflictError, SitrepError, StoreUnavailableError, ValidationError
from ..model import Event
from ..stores._log import EventLog
from ._failures import EXIT_FAILED, Failure
from ._fields import event_from_words, field_specs
from ._inputs import local_path, locate, read_events
from ._output import to_json
from ._run import complete_files, loaded_plugins, log_argument, opened


@click.command()
@log_argument()
def init(target: str) -> None:
    """Create an empty log; refuses one that exists already.

    \b
    Examples:
      sitrep init log.jsonl
      sitrep init desk.sqlite
      sitrep init postgresql://analyst@db.example.org/sitrep
    """
    path = local_path(target)
    if path is not None:
        if path.exists() or path.is_symlink():
            raise Failure(f"{target}: already exists; not overwriting it")
    elif target.startswith(("postgresql://", "postgres://")):
        try:
            loaded_plugins().open_log(target, create=False).close()
        except StoreUnavailableError:
            raise
        except SitrepError:
            pass  # no log there yet (or one to migrate): create it below
        else:
            raise Failure(f"{target}: already holds a sitrep log; not overwriting it")
    with opened(target, create=True) as log:
        click.echo(f"created {log.name}")


EXPECTED_POSITION = click.option(
    "--expected-position",
    type=click.IntRange(min=0),
    metavar="N",
    help="Append only if the log's last position is N (exit 1 otherwise).",
)
EXPECT = click.option(
    "--expect",
    "expect",
    multiple=True,
    metavar="STREAM=VERSION",
    help="Append only if STREAM holds VERSION records (exit 1 otherwise; repeatable).",
)


def _versions(given: tuple[str, ...]) -> dict[str, int]:
    """--expect STREAM=VERSION, as ``expected_versions``."""
    versions: dict[str, int] = {}
    for text in given:
        stream, _, version = text.rpartition("=")
        if not stream or not version.isdigit():
            raise Failure(
                f"--expect {text!r}: give STREAM=VERSION, such as convoy:qalamoun-convoy=3 "
                "('sitrep log LOG --stream STREAM' lists a stream's records)"
            )
        versions[stream] = int(version)
    return versions


@click.command()
@log_argument()
@click.argument("file", default="-", metavar="[FILE|-]", shell_complete=complete_files)
@EXPECTED_POSITION
@EXPECT
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def append(
    target: str, file: str, expected_position: int | None, expect: tuple[str, ...], as_json: bool
) -> None:
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
      sitrep append log.jsonl events.jsonl --expect convoy:qalamoun-convoy=7
    """
    versions = _versions(expect)
    with opened(target) as log:
        read = read_events(log.codec, file)
        try:
            _append(log, read.events, expected_position, versions, as_json)
        except ValidationError as exc:  # about one event (a revision naming none): its line
            raise Failure(str(locate(exc, read))) from None


def _append(
    log: EventLog,
    events: list[Event],
    expected_position: int | None,
    versions: dict[str, int],
    as_json: bool,
) -> None:
    try:
        result = log.append(events, expected_position=expected_position, expected_versions=versions)
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
            codec = loaded_plugins().codec
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


@click.command(
    cls=AddCommand,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": False},
)
@log_argument()
@click.argument("type_", metavar="TYPE")
@click.argument("fields", nargs=-1, type=click.UNPROCESSED, metavar="--FIELD VALUE...")
@EXPECTED_POSITION
@EXPECT
@click.option("--dry-run", is_flag=True, help="Print the event's line; append nothing.")
def add(
    target: str,
    type_: str,
    fields: tuple[str, ...],
    expected_position: int | None,
    expect: tuple[str, ...],
    dry_run: bool,
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
    versions = _versions(expect)
    with opened(target) as log:
        try:
            event = event_from_words(log.codec, type_, fields)
        except ValidationError as exc:
            raise Failure(str(exc.located(source=f"add {type_}"))) from None
        if dry_run:
            click.echo(log.codec.encode(event).decode())
            return
        try:
            result = log.append(
                [event], expected_position=expected_position, expected_versions=versions
            )
        except ConflictError as exc:
            raise Failure(f"{log.name}: {exc}; nothing was appended", EXIT_FAILED) from None
        except ValidationError as exc:
            raise Failure(str(exc.located(source=f"add {type_}"))) from None
        if result.records:
            click.echo(f"appended {event.TYPE} {event.id} at position {result.records[0].position}")
        else:
            click.echo(f"skipped {event.id}: already in the log")
