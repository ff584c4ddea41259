"""The report: one view model built from the projections at a moment.

Every renderer receives a :class:`Report` and nothing else; it never reads the log.
The report holds data (views, counts, moments, references), and what grows with
the log is capped, saying how much it left out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

import attrs

from ..model import FuzzyTime
from ..projections import (
    BUILTIN_VIEWS,
    Actor,
    ConvoyView,
    Directory,
    Figure,
    Place,
    Projection,
    SourceView,
    StanceView,
    Subject,
    TimelineEntry,
)
from ..replay import (
    Checkpoints,
    FoldState,
    Moment,
    collector_paused,
    context_at,
    diff_views,
    fold_log,
    moment,
    views_at,
)
from ..stores import EventLog
from ._updates import Update, dated_updates, told_once

REPORT_SCHEMA = "sitrep-report/2"


@attrs.frozen
class LogInfo:
    """Which log, and which record of its hash chain, the report reflects.

    ``name`` is what the report calls the log: a name its writer gave, or the file's
    base name, never a path, host or user.
    """

    name: str
    position: int
    head_hash: str


@attrs.frozen
class Highlights:
    """What a reader needs first, as data: the newest update, the main figures and the
    latest stance of note (where each convoy is comes from the report's convoys)."""

    latest_update: Update | None
    figures: tuple[Figure, ...]
    stance: StanceView | None


@attrs.frozen
class Section:
    """A plugin projection's view shown as a section of the report.

    ``markdown`` and ``html`` are the plugin's own rendering of the view (from its
    ``sitrep_sections`` hook), when it has one; renderers otherwise lay out the data.
    """

    name: str
    title: str
    view: Any
    markdown: str | None = None
    html: str | None = None


class PluginViews(Mapping[str, Any]):
    """The views of plugin projections by name. A view no section of the report shows
    (one that only feeds an export, such as ACLED rows or GeoJSON features) is made
    the first time a renderer asks for it: a Markdown report does not pay for every
    export's rows. It is made from the fold state of the report's own replay, which
    nothing folds into afterwards."""

    def __init__(self, made: Mapping[str, Any], later: Mapping[str, Callable[[], Any]]) -> None:
        self._views = dict(made)
        self._later = dict(later)

    def __getitem__(self, name: str) -> Any:
        try:
            return self._views[name]
        except KeyError:
            make = self._later.pop(name)  # KeyError: no such view
            view = self._views[name] = make()
            return view

    def __iter__(self) -> Iterator[str]:
        return iter([*self._views, *self._later])

    def __len__(self) -> int:
        return len(self._views) + len(self._later)

    def __repr__(self) -> str:
        return f"PluginViews({dict(self)!r})"


@attrs.frozen
class Report:
    """Everything a renderer shows, at one moment.

    ``updates`` are newest first; ``timeline`` holds at most the latest
    ``timeline_limit`` entries of ``timeline_total``. ``sections`` are the views of
    projections that plugins add; ``extra`` holds every plugin view by name (also
    those that only feed an export).
    """

    SCHEMA: ClassVar[str] = REPORT_SCHEMA

    title: str
    as_of: FuzzyTime | None
    known_at: FuzzyTime | None
    since: FuzzyTime | None
    period: tuple[FuzzyTime, FuzzyTime] | None
    log: LogInfo
    highlights: Highlights
    figures: tuple[Figure, ...]
    convoys: tuple[ConvoyView, ...]
    stances: tuple[StanceView, ...]
    updates: tuple[Update, ...]
    timeline: tuple[TimelineEntry, ...]
    timeline_total: int
    sources: tuple[SourceView, ...]
    actors: tuple[Actor, ...]
    places: tuple[Place, ...]
    subjects: tuple[Subject, ...] = ()
    moment: datetime | None = None
    """The instant the report stands at: its moment, or the latest recorded time in
    the log when none was given (what durations such as "day 7" count to)."""
    sections: tuple[Section, ...] = ()
    extra: Mapping[str, Any] = attrs.field(factory=dict)
    figures_omitted: int = 0

    @property
    def names(self) -> Directory:
        """The report's actors, places and subjects, resolving any of their names."""
        return Directory(self.actors, self.places, self.subjects)


# What a report keeps of the parts of its views that grow with the log.
FIGURE_LIMIT = 40
CLAIMS_LIMIT = 10
ROUTE_LIMIT = 25
EVENTS_LIMIT = 10
HISTORY_LIMIT = 20
CHANGES_LIMIT = 200

_T = TypeVar("_T")


def moment_as_given(value: Moment | None) -> FuzzyTime | None:
    """A report's moment as the caller gave it (a date-time without a zone is UTC)."""
    if value is None or isinstance(value, FuzzyTime):
        return value
    if isinstance(value, datetime):
        return FuzzyTime.from_datetime(value if value.tzinfo else value.replace(tzinfo=UTC))
    return FuzzyTime.parse(value)


def public_name(log: EventLog) -> str:
    """What a report calls a log it was not given a name for: a file's base name, a
    database's name, never a path, host or user."""
    name = log.name
    if "://" in name:
        parts = urlsplit(name)
        return parts.path.strip("/").split("/")[-1] or parts.scheme
    return PurePath(name).name or name


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
    log_name: str | None = None,
) -> Report:
    """Build the report of a log at a moment.

    ``as_of``/``known_at`` are the two clocks of :func:`sitrep_core.replay`. With
    ``since``, the report has one update: every change from then to the report's
    moment. Otherwise each recorded minute after the first, up to the report's
    moment, is a dated update (the latest ``max_updates`` of them).
    """
    with collector_paused():
        state = fold_log(log, projections, checkpoints=checkpoints)
        return report_of(
            state,
            title=title,
            as_of=as_of,
            known_at=known_at,
            since=since,
            max_updates=max_updates,
            timeline_limit=timeline_limit,
            log_name=log_name or public_name(log),
            # a checkpointed state is folded into again by the next replay: every view
            # of this report is made now, while the state is this report's
            exports_when_asked=checkpoints is None,
        )


def report_of(
    state: FoldState,
    *,
    title: str,
    as_of: Moment | None,
    known_at: Moment | None,
    since: Moment | None,
    max_updates: int,
    timeline_limit: int,
    log_name: str,
    exports_when_asked: bool = False,
) -> Report:
    """The report of a fold's state at a moment (see :func:`build_report`).

    ``exports_when_asked``: the views no section shows are made when a renderer first
    asks for them (see :class:`PluginViews`); only for a state nothing folds into
    afterwards.
    """
    world, knowledge = moment(as_of), moment(known_at)
    exports = [
        p.name
        for p in state.projections
        if exports_when_asked and since is None and p.name not in BUILTIN_VIEWS and not p.section
    ]
    views = views_at(state, world, knowledge, leave_out=exports)
    names: Directory = views["directory"]
    until = min((m for m in (world, knowledge) if m is not None), default=None)
    if since is not None:
        start = moment(since)
        earlier = views_at(state, start, start)
        found = told_once(diff_views(state.projections, earlier, views))
        assert start is not None
        updates = [_capped_update(Update(start, tuple(found)))]
    else:
        updates = [_capped_update(u) for u in dated_updates(state, world, until, max_updates)]
    timeline: tuple[TimelineEntry, ...] = views.get("timeline", ())
    shown = timeline[-timeline_limit:] if timeline_limit else ()
    figures, figures_omitted = _key_figures(views.get("figures", ()), shown)
    convoys = tuple(_capped_convoy(c) for c in views.get("convoys", ()))
    stances = tuple(_capped_stance(s) for s in views.get("stances", ()))
    later: dict[str, Callable[[], Any]] = {}
    if exports:
        context = context_at(state, world, knowledge)
        later = {
            p.name: functools.partial(p.view, state.states[p.name], context)
            for p in state.projections
            if p.name in exports
        }
    extra = PluginViews(
        {name: view for name, view in views.items() if name not in BUILTIN_VIEWS}, later
    )
    sections = tuple(
        Section(p.name, p.name.replace("-", " ").replace("_", " ").capitalize(), views[p.name])
        for p in state.projections
        if p.name not in BUILTIN_VIEWS and p.section
    )
    return Report(
        title=title,
        as_of=moment_as_given(as_of),
        known_at=moment_as_given(known_at),
        since=moment_as_given(since),
        period=_period(timeline, until, _earliest_given(as_of, known_at)),
        log=LogInfo(log_name, state.position, state.head_hash),
        highlights=_highlights(updates, convoys, figures, stances),
        figures=figures,
        convoys=convoys,
        stances=stances,
        updates=tuple(updates),
        timeline=shown,
        timeline_total=len(timeline),
        sources=views.get("sources", ()),
        actors=names.actors,
        places=names.places,
        subjects=names.subjects,
        moment=until if until is not None else state.latest_recorded,
        sections=sections,
        extra=extra,
        figures_omitted=figures_omitted,
    )


def _earliest_given(*moments: Moment | None) -> FuzzyTime | None:
    given = [m for m in map(moment_as_given, moments) if m is not None]
    return min(given, key=lambda m: m.latest, default=None)


def _period(
    timeline: Sequence[TimelineEntry], until: datetime | None, given: FuzzyTime | None
) -> tuple[FuzzyTime, FuzzyTime] | None:
    """The dates of the earliest-starting and the latest-ending events; a report of a
    moment covers no later than that moment."""
    if not timeline:
        return None
    first = min((e.event.occurred for e in timeline), key=lambda t: t.earliest)
    last = max((e.event.occurred for e in timeline), key=lambda t: t.latest)
    if until is not None and given is not None and last.latest > until:
        last = given
    return first, last


def _highlights(
    updates: Sequence[Update],
    convoys: Sequence[ConvoyView],
    figures: Sequence[Figure],
    stances: Sequence[StanceView],
) -> Highlights:
    people = [f for c in convoys for f in c.people]
    main = people or [f for f in figures if f.subject.kind != "incident"][:4] or list(figures[:4])
    latest_stance = max(
        stances,
        key=lambda s: (
            s.latest.recorded or datetime.min.replace(tzinfo=UTC),
            s.latest.occurred.sort_key,
        ),
        default=None,
    )
    return Highlights(updates[0] if updates else None, tuple(main[:6]), latest_stance)


def _key_figures(
    figures: Sequence[Figure], timeline: Sequence[TimelineEntry]
) -> tuple[tuple[Figure, ...], int]:
    """At most ``FIGURE_LIMIT`` figures: those of convoys, evacuations and named
    subjects first, then those of the attacks the shown timeline tells of."""
    if len(figures) <= FIGURE_LIMIT:
        return tuple(_capped_figure(f) for f in figures), 0
    shown = {e.event_id for e in timeline}
    first = [f for f in figures if f.subject.kind != "incident"]
    attacks = [
        f
        for f in figures
        if f.subject.kind == "incident" and any(c.event_id in shown for c in f.claims)
    ]
    kept = (first + attacks)[:FIGURE_LIMIT]
    return tuple(_capped_figure(f) for f in kept), len(figures) - len(kept)


def _last(items: tuple[_T, ...], limit: int, omitted: int) -> tuple[tuple[_T, ...], int]:
    """The last ``limit`` of ``items``, and how many are left out in all."""
    return items[-limit:], omitted + max(len(items) - limit, 0)


def _capped_figure(figure: Figure) -> Figure:
    claims, omitted = _last(figure.claims, CLAIMS_LIMIT, figure.claims_omitted)
    return attrs.evolve(figure, claims=claims, claims_omitted=omitted)


def _capped_convoy(convoy: ConvoyView) -> ConvoyView:
    route, route_omitted = _last(convoy.route, ROUTE_LIMIT, convoy.route_omitted)
    strikes, strikes_omitted = _last(convoy.strikes, EVENTS_LIMIT, convoy.strikes_omitted)
    aid, aid_omitted = _last(convoy.aid, EVENTS_LIMIT, convoy.aid_omitted)
    return attrs.evolve(
        convoy,
        people=tuple(_capped_figure(f) for f in convoy.people),
        route=route,
        route_omitted=route_omitted,
        strikes=strikes,
        strikes_omitted=strikes_omitted,
        aid=aid,
        aid_omitted=aid_omitted,
    )


def _capped_stance(stance: StanceView) -> StanceView:
    history, omitted = _last(stance.history, HISTORY_LIMIT, stance.history_omitted)
    return attrs.evolve(stance, history=history, history_omitted=omitted)


def _capped_update(update: Update) -> Update:
    if len(update.changes) <= CHANGES_LIMIT:
        return update
    return attrs.evolve(
        update,
        changes=update.changes[:CHANGES_LIMIT],
        omitted=update.omitted + len(update.changes) - CHANGES_LIMIT,
    )
