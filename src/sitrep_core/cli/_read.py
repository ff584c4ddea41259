"""Commands that read a log: ``log``, ``replay``, ``changes``, ``verify`` and ``follow``."""

from __future__ import annotations

import sys

import click

from ..errors import CorruptLogError
from ..projections import Directory, DirectoryProjection
from ..stores import EventLog
from ._failures import EXIT_FAILED, Failure, one_line
from ._output import progress, record_json, to_json
from ._run import MOMENT, check_types, chosen_projections, log_argument, opened, readable

# The replay, report and renderers are imported by the commands that use them:
# every command of a run imports this module.


@click.command(name="log")
@log_argument()
@click.option("--type", "types", multiple=True, metavar="TYPE", help="Only this type (repeatable).")
@click.option(
    "--from", "start", type=click.IntRange(min=1), default=1, metavar="N", help="From position N."
)
@click.option("--limit", type=click.IntRange(min=0), metavar="N", help="At most N records.")
@click.option(
    "--stream", metavar="STREAM", help="Only this stream's records (e.g. convoy:qalamoun-convoy)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line, the event whole.")
def log_(
    target: str,
    types: tuple[str, ...],
    start: int,
    limit: int | None,
    stream: str | None,
    as_json: bool,
) -> None:
    """List the log's records: position, occurred, type and headline.

    LOG may also be a file of events (as append takes): they are listed from
    memory, nothing verified or stored.

    \b
    Examples:
      sitrep log log.jsonl
      sitrep log log.jsonl --type statement --type strike
      sitrep log log.jsonl --from 100 --limit 20 --json
      sitrep log log.jsonl --stream convoy:qalamoun-convoy
    """
    from ..renderers import event_phrase, plain

    with readable(target) as log:
        check_types(log.codec, types)
        names = Directory() if as_json else _directory(log)
        records = log.read(start, types=types or None, stream=stream)
        for shown, record in enumerate(records):
            if limit is not None and shown >= limit:
                break
            if as_json:
                click.echo(record_json(log.codec, record))
            else:
                event = record.event
                click.echo(
                    f"{record.position:>5}  {one_line(event.occurred.text):<16}  "
                    f"{event.TYPE:<12}  {one_line(plain(event_phrase(event, names)))}"
                )


def _directory(log: EventLog) -> Directory:
    """What the log's reference events call things, so a listing shows names, not keys
    (a replay of the directory alone: it reads only those events)."""
    from ..replay._replay import replay

    directory = replay(log, [DirectoryProjection()])["directory"]
    assert isinstance(directory, Directory)
    return directory


def _moment_text(value: str | None) -> str | None:
    from ..report import moment_as_given

    found = moment_as_given(value)
    return None if found is None else found.text


@click.command(name="replay")
@log_argument()
@click.option(
    "--projection", "names", multiple=True, metavar="NAME", help="Only this view (repeatable)."
)
@click.option("--as-of", type=MOMENT, help="The world as it stood then, from all we know now.")
@click.option("--known-at", type=MOMENT, help="Only what had been recorded by then.")
def replay_(target: str, names: tuple[str, ...], as_of: str | None, known_at: str | None) -> None:
    """Replay the log and print the projections' views as JSON.

    LOG may also be a file of events (as append takes): they are replayed from
    memory, nothing verified or stored.

    \b
    Examples:
      sitrep replay log.jsonl
      sitrep replay log.jsonl --projection convoys --as-of 2017-08-31
      sitrep replay log.jsonl --known-at 2017-09-02T12:00Z
    """
    from ..replay._replay import replay

    chosen = chosen_projections(names)
    with readable(target) as log, progress(log, "replaying") as tracked:
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


@click.command(name="changes")
@log_argument()
@click.option("--since", type=MOMENT, required=True, help="The earlier moment.")
@click.option("--until", type=MOMENT, help="The later moment (default: everything).")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as a JSON array.")
def changes_(target: str, since: str, until: str | None, as_json: bool) -> None:
    """What changed between two moments, per projection.

    The report at --since is compared with the report at --until. Each moment
    sets both clocks: the report as it could have been written then. LOG may
    also be a file of events (as append takes), read into memory.

    \b
    Examples:
      sitrep changes log.jsonl --since 2017-08-31
      sitrep changes log.jsonl --since 2017-08-31 --until 2017-09-02T12:00Z --json
    """
    from ..renderers import change_phrase, plain
    from ..replay import diff_views, fold_log, moment, views_at

    chosen = chosen_projections(())
    with readable(target) as log, progress(log, "replaying") as tracked:
        state = fold_log(tracked, chosen)
    start, end = moment(since), moment(until)
    after = views_at(state, end, end)
    found = diff_views(state.projections, views_at(state, start, start), after)
    if as_json:
        click.echo(to_json(found))
        return
    names = after["directory"]
    for change in found:
        click.echo(f"{change.projection}: {one_line(plain(change_phrase(change, names)))}")
    if not found:
        click.echo(f"no changes since {since}")


@click.command()
@log_argument()
@click.option(
    "--expect-head",
    metavar="POSITION:HASH",
    help="The log must still hold this record (a head published earlier, as a report cites "
    "it): catches a log cut back by whole batches.",
)
def verify(target: str, expect_head: str | None) -> None:
    """Check the hash chain; exit 1 at the first bad record.

    Every record's position, link to the one before, content hash, id and stream are
    checked; with --expect-head, also that the log still holds a head published before.

    \b
    Examples:
      sitrep verify log.jsonl
      sitrep verify log.jsonl --expect-head 86:dcf8178411...4d694 (the whole hash)
      sitrep verify postgresql://analyst@db.example.org/sitrep
    """
    pinned = None if expect_head is None else _head(expect_head)
    with opened(target) as log:
        try:
            result = log.verify(expect_head=pinned)
        except CorruptLogError as exc:
            raise Failure(f"broken: {exc}", EXIT_FAILED) from None
        if not result.ok:
            raise Failure(str(result), EXIT_FAILED)
        click.echo(f"{log.name}: {result}")


def _head(text: str) -> tuple[int, str]:
    """POSITION:HASH as given to --expect-head."""
    position, _, digest = text.partition(":")
    if (
        not position.isdigit()
        or int(position) < 1
        or len(digest) != 64
        or not all(c in "0123456789abcdef" for c in digest)
    ):
        raise Failure(
            f"--expect-head {text!r}: give POSITION:HASH, a position from 1 and the record's "
            "64 hex digits (as 'sitrep verify' and reports print them)"
        )
    return int(position), digest


@click.command()
@log_argument()
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
    with opened(target) as log:
        try:
            for record in log.follow(start, poll_interval=interval, timeout=timeout):
                click.echo(record_json(log.codec, record))
                sys.stdout.flush()
        except KeyboardInterrupt:
            pass
