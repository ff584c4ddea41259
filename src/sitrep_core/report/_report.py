"""The report: one view model built from the projections at a moment.

Every renderer receives a :class:`Report` and nothing else; it never reads the log.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import attrs

from ..model._events import plural
from ..model._time import FuzzyTime, moment_of
from ..projections import Change, Projection, ViewContext
from ..projections._convoys import ConvoyView
from ..projections._directory import Actor, Directory, Place
from ..projections._figures import Figure
from ..projections._stances import StanceView
from ..projections._timeline import (
    SourceView,
    TimelineEntry,
    TimelineFacts,
    TimelineProjection,
    span_end,
    span_start,
)
from ..replay._checkpoints import Checkpoints
from ..replay._replay import (
    Moment,
    Run,
    _with_directory,
    diff_snapshots,
    replay,
    run_replay,
)
from ..stores._log import EventLog
from ._updates import dated_changes

REPORT_SCHEMA = "sitrep-report/1"

BUILTIN_VIEWS = frozenset({"directory", "convoys", "stances", "timeline", "figures", "sources"})


@attrs.frozen
class LogInfo:
    """Which log, and which record of its hash chain, the report reflects."""

    name: str
    position: int
    head_hash: str


@attrs.frozen
class Update:
    """A dated update block: what changed when new facts were recorded at ``at``."""

    at: str
    title: str
    changes: tuple[Change, ...]
    omitted: int = 0
    """Changes a report leaves out (it keeps the first ``CHANGES_LIMIT``)."""


@attrs.frozen
class Report:
    """Everything a renderer shows, at one moment.

    ``updates`` are newest first; ``timeline`` holds at most the latest
    ``timeline_limit`` entries of ``timeline_total``. ``extra`` holds the views of
    projections added by plugins, by name; those named in ``hidden`` are not
    shown to readers.

    What grows with the log is capped, and says what it left out: key figures
    (``figures_omitted``), each convoy's route, strikes and aid, each stance's
    history, each source's events, each update's changes (the ``*_omitted`` fields
    of their views). A report of a log of any size stays one a reader can read.
    """

    SCHEMA: ClassVar[str] = REPORT_SCHEMA

    title: str
    as_of: str | None
    known_at: str | None
    since: str | None
    period_start: str | None
    period_end: str | None
    log: LogInfo
    highlights: tuple[str, ...]
    figures: tuple[Figure, ...]
    convoys: tuple[ConvoyView, ...]
    stances: tuple[StanceView, ...]
    updates: tuple[Update, ...]
    timeline: tuple[TimelineEntry, ...]
    timeline_total: int
    sources: tuple[SourceView, ...]
    actors: tuple[Actor, ...]
    places: tuple[Place, ...]
    extra: dict[str, Any] = attrs.field(factory=dict)
    hidden: tuple[str, ...] = ()
    """Names in ``extra`` that feed renderers only (exports); the others are sections."""
    figures_omitted: int = 0
    """Key figures left out (per-strike figures of strikes not in ``timeline`` first)."""


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def moment_text(moment: Moment | None) -> str | None:
    """A report's moment as the caller wrote it (``2017-08-31``, ``2017-09-05T12:00Z``);
    a time without a zone is read as UTC and says so."""
    if moment is None or isinstance(moment, datetime):
        return _iso(moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC))
    text = moment.text if isinstance(moment, FuzzyTime) else FuzzyTime.parse(moment).text
    return text + "Z" if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?", text) else text


def _minute(stamp: str) -> str:
    return stamp[:16]


def _update_title(moment: str) -> str:
    when = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return f"UPDATE {when.day} {when:%B %Y}, {when:%H:%M} UTC"


def build_report(
    log: EventLog,
    *,
    title: str = "Situation report",
    as_of: Moment | None = None,
    known_at: Moment | None = None,
    since: Moment | None = None,
    projections: Sequence[Projection[Any, Any]] | None = None,
    max_updates: int = 10,
    timeline_limit: int = 200,
    checkpoints: Checkpoints | None = None,
) -> Report:
    """Build the report of a log at a moment.

    ``as_of``/``known_at`` are the two clocks of :func:`replay`. With ``since``, the
    report has one update: every change from then to the report's moment.
    Otherwise each distinct recorded minute after the first is a dated update
    (the latest ``max_updates`` of them).
    """
    chosen = _with_directory(projections)
    run = run_replay(log, chosen, as_of=as_of, known_at=known_at, checkpoints=checkpoints)
    snapshot = run.snapshot
    timeline: tuple[TimelineEntry, ...] = (
        snapshot["timeline"] if "timeline" in snapshot.views else ()
    )
    facts = _timeline_facts(run, timeline)
    updates = _updates(log, run, as_of, known_at, since, facts, max_updates)
    directory: Directory = snapshot["directory"]
    shown = timeline[-timeline_limit:] if timeline_limit else ()
    figures, figures_omitted = _key_figures(snapshot.views.get("figures", ()), shown)
    report = Report(
        title=title,
        as_of=moment_text(as_of),
        known_at=moment_text(known_at),
        since=moment_text(since),
        period_start=facts.period_start,
        period_end=facts.period_end,
        log=LogInfo(log.name, snapshot.position, snapshot.head_hash),
        highlights=(),
        figures=figures,
        convoys=_capped(_capped_convoy, snapshot.views.get("convoys", ())),
        stances=_capped(_capped_stance, snapshot.views.get("stances", ())),
        updates=updates,
        timeline=shown,
        timeline_total=len(timeline),
        sources=_capped(_capped_source, snapshot.views.get("sources", ())),
        actors=directory.actors,
        places=directory.places,
        extra={name: view for name, view in snapshot.views.items() if name not in BUILTIN_VIEWS},
        hidden=tuple(p.name for p in chosen if p.name not in BUILTIN_VIEWS and not p.section),
        figures_omitted=figures_omitted,
    )
    return attrs.evolve(report, highlights=highlights(report))


# What a report keeps of the parts of its views that grow with the log.
FIGURE_LIMIT = 40
CLAIMS_LIMIT = 10
ROUTE_LIMIT = 25
EVENTS_LIMIT = 10
HISTORY_LIMIT = 5
CHANGES_LIMIT = 200


def _subject(figure: Figure) -> str:
    return figure.subject


def _key_figures(
    figures: tuple[Figure, ...], timeline: tuple[TimelineEntry, ...]
) -> tuple[tuple[Figure, ...], int]:
    """At most ``FIGURE_LIMIT`` figures, in view order: those of convoys and evacuations,
    then those of the strikes the timeline shows (each strike has figures of its own,
    so they grow with the log). Also how many were left out."""
    if len(figures) <= FIGURE_LIMIT:
        return tuple(_capped_figure(f) for f in figures), 0
    # figures are in order of subject: the strikes' ("strike:<id>") are one run
    low = bisect_left(figures, "strike:", key=_subject)
    high = bisect_left(figures, "strike;", key=_subject)  # ";" follows ":"
    chosen = [*range(low), *range(high, len(figures))][:FIGURE_LIMIT]
    for entry in reversed(timeline):
        if len(chosen) >= FIGURE_LIMIT:
            break
        if entry.type != "strike":
            continue
        subject = f"strike:{entry.event_id}"
        at = bisect_left(figures, subject, low, high, key=_subject)
        while at < high and figures[at].subject == subject and len(chosen) < FIGURE_LIMIT:
            chosen.append(at)
            at += 1
    kept = tuple(_capped_figure(figures[i]) for i in sorted(set(chosen)))
    return kept, len(figures) - len(kept)


def _capped_figure(figure: Figure) -> Figure:
    if len(figure.claims) <= CLAIMS_LIMIT:
        return figure
    return attrs.evolve(
        figure,
        claims=figure.claims[-CLAIMS_LIMIT:],
        claims_omitted=figure.claims_omitted + len(figure.claims) - CLAIMS_LIMIT,
    )


V = TypeVar("V")
_CAPPED: dict[int, tuple[Any, tuple[int, ...], Any]] = {}


def _capped(cap: Callable[[V], V], views: Sequence[V]) -> tuple[V, ...]:
    """Each view capped; a view seen by the last build (views that did not change are
    the same objects from one build to the next) is not capped again."""
    found: list[V] = []
    limits = (FIGURE_LIMIT, CLAIMS_LIMIT, ROUTE_LIMIT, EVENTS_LIMIT, HISTORY_LIMIT)
    for view in views:
        kept = _CAPPED.get(id(view))
        if kept is None or kept[0] is not view or kept[1] != limits:
            kept = (view, limits, cap(view))
        _CAPPED[id(view)] = kept  # the view is held, so its id stays its own
        found.append(kept[2])
    if len(_CAPPED) > 4 * len(views) + 1024:
        shown = {id(view) for view in views}
        for key in [k for k in _CAPPED if k not in shown]:
            del _CAPPED[key]
    return tuple(found)


def _capped_convoy(convoy: ConvoyView) -> ConvoyView:
    if (
        len(convoy.route) <= ROUTE_LIMIT
        and len(convoy.strikes) <= EVENTS_LIMIT
        and len(convoy.aid) <= EVENTS_LIMIT
        and all(len(f.claims) <= CLAIMS_LIMIT for f in convoy.people)
    ):
        return convoy
    return attrs.evolve(
        convoy,
        people=tuple(_capped_figure(f) for f in convoy.people),
        route=convoy.route[-ROUTE_LIMIT:],
        route_omitted=convoy.route_omitted + max(len(convoy.route) - ROUTE_LIMIT, 0),
        strikes=convoy.strikes[-EVENTS_LIMIT:],
        strikes_omitted=convoy.strikes_omitted + max(len(convoy.strikes) - EVENTS_LIMIT, 0),
        aid=convoy.aid[-EVENTS_LIMIT:],
        aid_omitted=convoy.aid_omitted + max(len(convoy.aid) - EVENTS_LIMIT, 0),
    )


def _capped_stance(stance: StanceView) -> StanceView:
    if len(stance.history) <= HISTORY_LIMIT:
        return stance
    return attrs.evolve(
        stance,
        history=stance.history[-HISTORY_LIMIT:],
        history_omitted=stance.history_omitted + len(stance.history) - HISTORY_LIMIT,
    )


def _capped_source(source: SourceView) -> SourceView:
    if len(source.events) <= EVENTS_LIMIT:
        return source
    return attrs.evolve(
        source,
        events=source.events[-EVENTS_LIMIT:],
        events_omitted=source.events_omitted + len(source.events) - EVENTS_LIMIT,
    )


def _capped_update(update: Update) -> Update:
    if len(update.changes) <= CHANGES_LIMIT:
        return update
    return attrs.evolve(
        update,
        changes=update.changes[:CHANGES_LIMIT],
        omitted=update.omitted + len(update.changes) - CHANGES_LIMIT,
    )


def _timeline_facts(run: Run, timeline: tuple[TimelineEntry, ...]) -> TimelineFacts:
    """The timeline's recorded minutes and period: kept by the built-in timeline as it
    goes; worked out from the entries for any other."""
    projection = next((p for p in run.chosen if p.name == "timeline"), None)
    if isinstance(projection, TimelineProjection):
        names = run.snapshot["directory"]
        context = ViewContext(names, run.snapshot.as_of, run.snapshot.known_at)
        return projection.facts(run.states["timeline"], context)
    return TimelineFacts(
        tuple(sorted({_minute(e.recorded) for e in timeline if e.recorded})),
        min((span_start(e.occurred) for e in timeline), default=None),
        max((span_end(e.occurred) for e in timeline), default=None),
    )


def _updates(
    log: EventLog,
    run: Run,
    as_of: Moment | None,
    known_at: Moment | None,
    since: Moment | None,
    facts: TimelineFacts,
    max_updates: int,
) -> tuple[Update, ...]:
    chosen = run.chosen
    if since is not None:
        before = replay(log, chosen, as_of=since, known_at=since)
        found = _once(diff_snapshots(chosen, before, run.snapshot))
        moment = moment_text(since) or ""
        return (_capped_update(Update(moment, f"Changes since {moment}", tuple(found))),)
    if max_updates <= 0:
        return ()
    stamps = facts.recorded_minutes
    if len(stamps) < 2:
        return ()
    stamps = stamps[-(max_updates + 1) :]
    moments = [moment_of(_end_of_minute(stamp)) for stamp in stamps]
    dated = dated_changes(
        log,
        run,
        None if as_of is None else moment_of(as_of),
        None if known_at is None else moment_of(known_at),
        moments,
        _once,
    )
    found_updates: list[Update] = []
    for stamp, found in zip(stamps[1:], dated, strict=True):
        at = stamp + ":00Z" if len(stamp) == 16 else stamp
        found_updates.append(_capped_update(Update(at, _update_title(at), tuple(found))))
    return tuple(reversed(found_updates))


def _once(found: list[Change]) -> list[Change]:
    """Changes with each new event told once: a timeline line is dropped when another
    projection already reports that event (a strike near a convoy, a statement)."""
    told = {i for c in found if c.projection != "timeline" for i in c.event_ids}
    return [
        c
        for c in found
        if not (c.projection == "timeline" and c.kind == "event" and set(c.event_ids) <= told)
    ]


def _end_of_minute(stamp: str) -> str:
    """A recorded minute (``YYYY-MM-DDTHH:MM``) as a UTC moment; it means the minute's end."""
    return stamp + "Z"


def highlights(report: Report) -> tuple[str, ...]:
    """A few lines a reader needs first: convoys now, disputed figures, latest stances."""
    lines: list[str] = []
    for convoy in report.convoys:
        state = ", ".join(
            part
            for part in (
                convoy.status.replace("-", " ") if convoy.status else None,
                convoy.position,
                f"heading {convoy.heading}" if convoy.heading else None,
                f"toward {convoy.toward}" if convoy.toward else None,
            )
            if part
        )
        vehicles = ", ".join(
            f"{attrs.evolve(v.current, text=None)} {plural(v.kind, v.current)}"
            for v in convoy.vehicles
            if v.current is not None
        )
        since = f" since {convoy.status_since}" if convoy.status_since else ""
        body = f"{state}{since}" if state else "no status reported"
        lines.append(f"Convoy {convoy.id}: {body}" + (f" ({vehicles})" if vehicles else ""))
    for figure in report.figures:
        if figure.disputed:
            claims = "; ".join(f"{c.value} ({', '.join(c.sources)})" for c in figure.claims)
            lines.append(f"Disputed: {figure.label}: {claims}")
    if report.updates:
        for change in report.updates[0].changes:
            if change.projection == "stances" and change.kind == "stance":
                lines.append(change.summary)
    return tuple(lines)
