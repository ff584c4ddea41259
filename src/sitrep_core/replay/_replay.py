"""Replay: fold a log into projections, on two clocks, with corrections applied.

One pass in log order. ``known_at`` keeps only what had been recorded by then;
``as_of`` keeps only events that had certainly happened by then (their whole
span ends by it). Projections are written so the order of events with distinct
``occurred`` times does not matter, which is what lets a replay stream.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import attrs

from ..model._events import Event
from ..model._time import LAST_INSTANT, FuzzyTime, moment_of
from ..projections import Change, DirectoryProjection, Projection, ViewContext, builtin_projections
from ..stores._log import GENESIS, EventLog, Record
from ._checkpoints import Checkpoint, Checkpoints, LiveStates

Moment = str | datetime | FuzzyTime


class Snapshot:
    """Every projection's view at one moment, and the log position it reflects.

    A replay's views are made when first read, from the projections' states: the
    replay itself only folds the log into them.
    """

    __slots__ = ("_make", "_views", "as_of", "head_hash", "known_at", "position")

    def __init__(
        self,
        position: int,
        head_hash: str,
        as_of: datetime | None,
        known_at: datetime | None,
        views: dict[str, Any] | Callable[[], dict[str, Any]],
    ) -> None:
        self.position = position
        self.head_hash = head_hash
        self.as_of = as_of
        self.known_at = known_at
        self._views: dict[str, Any] | None = views if isinstance(views, dict) else None
        self._make = None if isinstance(views, dict) else views

    @property
    def views(self) -> dict[str, Any]:
        """Every projection's view, by name."""
        if self._views is None:
            assert self._make is not None
            self._views, self._make = self._make(), None
        return self._views

    def __getitem__(self, name: str) -> Any:
        return self.views[name]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Snapshot):
            return NotImplemented
        return (self.position, self.head_hash, self.as_of, self.known_at, self.views) == (
            other.position,
            other.head_hash,
            other.as_of,
            other.known_at,
            other.views,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Snapshot(position={self.position!r}, head_hash={self.head_hash!r}, "
            f"as_of={self.as_of!r}, known_at={self.known_at!r}, views={self.views!r})"
        )


class _Revisions:
    """Which event currently stands for each corrected fact; retractions end a fact."""

    def __init__(
        self, root: dict[str, str] | None = None, current: dict[str, str | None] | None = None
    ):
        self.root = root or {}
        self.current = current or {}

    def standing(self, target: str) -> str | None:
        """The id to revoke when ``target`` is revised: the fact's current version."""
        root = self.root.get(target, target)
        return self.current.get(root, root)

    def apply(
        self, event: Event, revoking: Sequence[tuple[Callable[[Any, str], None], Any]]
    ) -> None:
        """Take out what ``event`` corrects or retracts (its fact's standing version),
        through each ``(revoke, state)`` pair, and remember the new standing."""
        for target, replaces in ((event.corrects, True), (event.retracts, False)):
            if target is None:
                continue
            standing = self.standing(target)
            if standing is not None:
                for revoke, state in revoking:
                    revoke(state, standing)
            if replaces:
                self.correct(target, event.id)
            else:
                self.retract(target)

    def correct(self, target: str, replacement: str) -> None:
        root = self.root.get(target, target)
        self.root[replacement] = root
        self.current[root] = replacement

    def retract(self, target: str) -> None:
        self.current[self.root.get(target, target)] = None

    def dump(self) -> dict[str, Any]:
        return {"root": self.root, "current": self.current}


def happened_by(event: Event) -> datetime:
    """The instant by which an event had certainly happened: the last instant of its
    span, or when it was recorded if that is earlier (what was reported had happened)."""
    latest = event.occurred.latest - LAST_INSTANT
    recorded = event.recorded
    return recorded if recorded is not None and recorded < latest else latest


def _with_directory(
    projections: Sequence[Projection[Any, Any]] | None,
) -> list[Projection[Any, Any]]:
    chosen = list(projections) if projections is not None else builtin_projections()
    if not any(p.name == "directory" for p in chosen):
        chosen.insert(0, DirectoryProjection())
    names = [p.name for p in chosen]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise ValueError(f"projection name(s) used twice: {', '.join(sorted(duplicated))}")
    return chosen


def replay(
    log: EventLog,
    projections: Sequence[Projection[Any, Any]] | None = None,
    *,
    as_of: Moment | None = None,
    known_at: Moment | None = None,
    checkpoints: Checkpoints | None = None,
    checkpoint_every: int = 1000,
) -> Snapshot:
    """Fold the log into projections and return their views.

    ``as_of``: the world as it stood then, from all we know now. ``known_at``: only
    what had been recorded by then. A fuzzy moment means its end ("2017-08-31" is
    the end of that day). With ``checkpoints`` (and neither clock set), replay
    resumes from saved states and saves new ones once ``checkpoint_every`` events
    were read past them.
    """
    return run_replay(
        log,
        projections,
        as_of=as_of,
        known_at=known_at,
        checkpoints=checkpoints,
        checkpoint_every=checkpoint_every,
    ).snapshot


@attrs.define
class Run:
    """What one replay did: its snapshot, and what a report may reuse of it."""

    snapshot: Snapshot
    chosen: list[Projection[Any, Any]]
    states: dict[str, Any]
    start: int
    """The position the replay went on from (0: the start of the log)."""
    first_recorded: datetime | None
    """The earliest ``recorded`` time of the records read after ``start``."""
    max_recorded: datetime | None
    """The latest ``recorded`` time of every record up to the head (None: unknown)."""
    captured: dict[int, Snapshot]
    live: LiveStates | None
    """The states kept in memory for the next replay, when the checkpoints keep them."""


def run_replay(
    log: EventLog,
    projections: Sequence[Projection[Any, Any]] | None = None,
    *,
    as_of: Moment | None = None,
    known_at: Moment | None = None,
    checkpoints: Checkpoints | None = None,
    checkpoint_every: int = 1000,
    captures: Collection[int] = (),
) -> Run:
    """:func:`replay`, saying what it did; with ``captures``, the views are also taken
    just after each of those positions (only where the replay reads them)."""
    chosen = _with_directory(projections)
    as_of_moment = None if as_of is None else moment_of(as_of)
    known_moment = None if known_at is None else moment_of(known_at)
    use_checkpoints = checkpoints is not None and as_of is None and known_at is None

    states: dict[str, Any] = {}
    starts: dict[str, int] = {}
    revisions = _Revisions()
    resumed_hash = GENESIS
    max_recorded: datetime | None = None
    live = checkpoints.take_live() if use_checkpoints and checkpoints is not None else None
    if live is not None and live.pending is not None:
        _made(live.pending)  # its views come from these states: make them before they change
    if live is not None and _fits(live, log, chosen):
        states.update(live.states)
        starts.update(dict.fromkeys(live.states, live.position))
        revisions, resumed_hash, max_recorded = live.revisions, live.hash, live.max_recorded
    elif use_checkpoints:
        assert checkpoints is not None
        live = None
        revisions, resumed_hash = _resume(log, chosen, checkpoints, states, starts)
    for projection in chosen:
        if projection.name not in states:
            states[projection.name] = projection.initial()
            starts[projection.name] = 0
    start = min(starts.values())
    if start and any(s != start for s in starts.values()):
        revisions = _Revisions()  # some projections start over: so do the revision links
        resumed_hash = GENESIS
        for projection in chosen:
            states[projection.name] = projection.initial()
            starts[projection.name] = 0
        start = 0
    if start and live is None:
        max_recorded = None  # a saved checkpoint does not say: unknown
    known_recorded = start == 0 or live is not None

    position, head_hash = start, resumed_hash
    first_recorded: datetime | None = None
    revoking = [(p.revoke, states[p.name]) for p in chosen]
    routes = _Routes(chosen, states)
    captured: dict[int, Snapshot] = {}
    with _collector_off():
        position, head_hash, first_recorded, max_recorded = _fold(
            log.read(start + 1),
            routes,
            revoking,
            revisions,
            as_of_moment,
            known_moment,
            captures,
            captured,
            (position, head_hash, max_recorded if known_recorded else None),
            lambda at, digest: _made(
                _snapshot(chosen, states, at, digest, as_of_moment, known_moment)
            ),
        )
    snapshot = _snapshot(chosen, states, position, head_hash, as_of_moment, known_moment)

    kept = None
    if use_checkpoints:
        assert checkpoints is not None
        kept = LiveStates(
            position,
            head_hash,
            {p.name: p for p in chosen},
            states,
            revisions,
            max_recorded if known_recorded else None,
            log.codec,
            live.cache if live is not None and live.position == start else {},
            snapshot,
        )
        if not checkpoints.keep_live(kept):
            kept = None
            if position - start >= checkpoint_every:
                for projection in chosen:
                    checkpoints.save(
                        Checkpoint(
                            projection.name,
                            projection.version,
                            position,
                            head_hash,
                            projection.dump(states[projection.name], log.codec),
                            revisions.dump(),
                        )
                    )
    return Run(
        snapshot,
        chosen,
        states,
        start,
        first_recorded,
        max_recorded if known_recorded else None,
        captured,
        kept,
    )


class _Routes:
    """Which projections each event type goes to. A built-in projection says the types
    it keeps (``types``), so events of others never reach it; any other projection
    sees every event."""

    def __init__(self, chosen: Sequence[Projection[Any, Any]], states: dict[str, Any]) -> None:
        self._chosen = [(p, states[p.name]) for p in chosen]
        self._by_type: dict[tuple[str, bool], list[tuple[Any, Any]]] = {}

    def __call__(self, tag: str, happened: bool) -> list[tuple[Any, Any]]:
        found = self._by_type.get((tag, happened))
        if found is None:
            found = self._by_type[(tag, happened)] = [
                (p.apply, state)
                for p, state in self._chosen
                if (happened or not p.follows_as_of)
                and (
                    not getattr(p, "routes_by_type", False)
                    or p.types is None  # type: ignore[attr-defined]
                    or tag in p.types  # type: ignore[attr-defined]
                )
            ]
        return found


def _fold(
    records: Iterable[Record],
    routes: _Routes,
    revoking: list[tuple[Any, Any]],
    revisions: _Revisions,
    as_of: datetime | None,
    known_at: datetime | None,
    captures: Collection[int],
    captured: dict[int, Snapshot],
    at: tuple[int, str, datetime | None],
    snapshot: Any,
) -> tuple[int, str, datetime | None, datetime | None]:
    """Apply records in order; (position, hash, earliest and latest recorded time)."""
    position, head_hash, max_recorded = at
    track_max = position == 0 or max_recorded is not None
    first_recorded: datetime | None = None
    for record in records:
        position, head_hash = record.position, record.hash
        event = record.event
        recorded = event.recorded
        if recorded is not None:
            if first_recorded is None or recorded < first_recorded:
                first_recorded = recorded
            if track_max and (max_recorded is None or recorded > max_recorded):
                max_recorded = recorded
        if known_at is not None and (recorded is None or recorded > known_at):
            continue
        if event.corrects is not None or event.retracts is not None:
            revisions.apply(event, revoking)
        for apply, state in routes(event.TYPE, as_of is None or happened_by(event) <= as_of):
            apply(state, event, position)
        if position in captures:
            captured[position] = snapshot(position, head_hash)
    return position, head_hash, first_recorded, max_recorded


def _fits(live: LiveStates, log: EventLog, chosen: Sequence[Projection[Any, Any]]) -> bool:
    """True when states left in memory are of these projections and of this log."""
    if [(p.name, type(p), p.version) for p in chosen] != [
        (p.name, type(p), p.version) for p in live.projections.values()
    ]:
        return False
    record = next(log.read(live.position), None)
    return record is not None and record.position == live.position and record.hash == live.hash


def _resume(
    log: EventLog,
    chosen: Sequence[Projection[Any, Any]],
    checkpoints: Checkpoints,
    states: dict[str, Any],
    starts: dict[str, int],
) -> tuple[_Revisions, str]:
    """Load every projection's checkpoint that still fits this log; all or none."""
    loaded = [checkpoints.load(p.name) for p in chosen]
    first = loaded[0]
    if first is None or any(
        cp is None
        or cp.version != p.version
        or cp.position != first.position
        or cp.hash != first.hash
        for cp, p in zip(loaded, chosen, strict=True)
    ):
        return _Revisions(), GENESIS
    record = next(log.read(first.position), None)
    if record is None or record.position != first.position or record.hash != first.hash:
        return _Revisions(), GENESIS  # the log is not the one the checkpoint was made from
    for cp, projection in zip(loaded, chosen, strict=True):
        assert cp is not None
        states[projection.name] = projection.load(cp.state, log.codec)
        starts[projection.name] = cp.position
    revisions = first.revisions or {}
    return _Revisions(
        dict(revisions.get("root", {})), dict(revisions.get("current", {}))
    ), first.hash


def _snapshot(
    chosen: Sequence[Projection[Any, Any]],
    states: dict[str, Any],
    position: int,
    head_hash: str,
    as_of: datetime | None,
    known_at: datetime | None,
) -> Snapshot:
    directory = (
        chosen[0]
        if chosen[0].name == "directory"
        else next(p for p in chosen if p.name == "directory")
    )

    def views() -> dict[str, Any]:
        with _collector_off():
            names = directory.view(states["directory"], ViewContext(None, as_of, known_at))
            context = ViewContext(names, as_of, known_at)
            made: dict[str, Any] = {}
            for projection in chosen:
                made[projection.name] = (
                    names
                    if projection is directory
                    else projection.view(states[projection.name], context)
                )
            return made

    return Snapshot(position, head_hash, as_of, known_at, views)


@contextmanager
def _collector_off() -> Iterator[None]:
    """The cyclic garbage collector off for a while: a replay and its views allocate many
    objects that live on (the states), which the collector would walk over and over.

    Afterwards those objects go straight to the oldest generation (``freeze`` then
    ``unfreeze`` moves every tracked object there without looking at it), rather than
    be walked by the first young collection after the collector is back on.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _made(snapshot: Snapshot) -> Snapshot:
    """The snapshot, its views made now."""
    _ = snapshot.views
    return snapshot


def changes(
    log: EventLog,
    since: Moment,
    until: Moment | None = None,
    *,
    projections: Sequence[Projection[Any, Any]] | None = None,
) -> list[Change]:
    """What changed in each projection between the report at ``since`` and at ``until``.

    Each moment sets both clocks: the report as it could have been written then.
    Without ``until``, the second report is of everything in the log.
    """
    chosen = _with_directory(projections)
    before = replay(log, chosen, as_of=since, known_at=since)
    after = replay(log, chosen, as_of=until, known_at=until)
    return diff_snapshots(chosen, before, after)


def diff_snapshots(
    projections: Iterable[Projection[Any, Any]], before: Snapshot, after: Snapshot
) -> list[Change]:
    """Every projection's changes between two snapshots, in projection order."""
    found: list[Change] = []
    for projection in projections:
        found.extend(projection.diff(before.views[projection.name], after.views[projection.name]))
    return found
