"""Replay: the log folded into projections, and their views at a moment on two clocks.

``as_of``: the world as it stood then, from everything we know now. ``known_at``:
only what had been recorded by then. Both come from the same fold (see
:mod:`._fold`): a fold's state holds every fact with its revision marks, and a view
shows the facts that stand at its moment.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from ..model import FuzzyTime, moment_of
from ..projections import (
    Change,
    Directory,
    DirectoryProjection,
    Projection,
    ViewContext,
)
from ..stores import EventLog
from ._checkpoints import Checkpoints, CheckpointWarning
from ._fold import FoldState, fold

Moment = str | datetime | FuzzyTime


class Snapshot:
    """Every projection's view at one moment, and the log position it reflects."""

    __slots__ = ("as_of", "head_hash", "known_at", "position", "views")

    def __init__(
        self,
        position: int,
        head_hash: str,
        as_of: datetime | None,
        known_at: datetime | None,
        views: dict[str, Any],
    ) -> None:
        self.position = position
        self.head_hash = head_hash
        self.as_of = as_of
        self.known_at = known_at
        self.views = views

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


def with_directory(
    projections: Sequence[Projection[Any, Any]] | None,
) -> list[Projection[Any, Any]]:
    """The projections to fold (the built-in ones by default), the directory first:
    every view resolves names through it."""
    if projections is None:
        from ..projections import builtin_projections  # loaded by the first replay

        projections = builtin_projections()
    chosen = list(projections)
    directory = [p for p in chosen if p.name == "directory"]
    rest = [p for p in chosen if p.name != "directory"]
    return [*(directory[:1] or [DirectoryProjection()]), *directory[1:], *rest]


def moment(value: Moment | None) -> datetime | None:
    return None if value is None else moment_of(value)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a replay folds the log and builds views:
    the facts live on, and the collector would walk them again and again as they and
    the views grow (the cost of a report would grow faster than the log). Afterwards
    they go straight to the oldest generation (``freeze`` then ``unfreeze``), rather
    than be walked by the first young collection. Nested uses leave it to the outer.
    Used at the entry points of the data path (replay, changes, reports) only."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def fold_log(
    log: EventLog,
    projections: Sequence[Projection[Any, Any]] | None = None,
    *,
    checkpoints: Checkpoints | None = None,
) -> FoldState:
    """The fold of the whole log: from a checkpoint that still fits the log, or from
    the start; the new state is kept in ``checkpoints`` for the next replay."""
    chosen = with_directory(projections)
    with collector_paused():
        state = checkpoints.resume(chosen, log.codec) if checkpoints is not None else None
        if state is not None and not _fits(state, log):
            warnings.warn(
                CheckpointWarning(
                    f"the checkpoint at position {state.position} does not fit this log "
                    "(another log's, or the log was rewritten); replaying the whole log"
                ),
                stacklevel=3,
            )
            state = None
        if state is None:
            state = FoldState(chosen)
        fold(log.read(state.position + 1), state)
        # the decoder's table of shared values has served this read; its keys (about
        # 55 bytes an event at 100,000 events) would stay while the views are made
        log.codec.shared.clear()
    if checkpoints is not None:
        checkpoints.keep(state, log.codec)
    return state


def _fits(state: FoldState, log: EventLog) -> bool:
    """Whether the log still has the record the state ends with (not a rewritten log,
    nor another one)."""
    if state.position == 0:
        return True
    record = next(log.read(state.position), None)
    return record is not None and (record.position, record.hash) == (
        state.position,
        state.head_hash,
    )


def context_at(
    state: FoldState, as_of: datetime | None = None, known_at: datetime | None = None
) -> ViewContext:
    """The context of views at a moment: the directory's view of the names then."""
    directory = state.projections[0]
    names: Directory = directory.view(
        state.states[directory.name], ViewContext(Directory(), as_of, known_at)
    )
    return ViewContext(names, as_of, known_at)


def views_at(
    state: FoldState,
    as_of: datetime | None = None,
    known_at: datetime | None = None,
    *,
    leave_out: Collection[str] = (),
) -> dict[str, Any]:
    """Every projection's view of ``state`` at a moment, by name (the directory's first:
    the others resolve names through it), but those named in ``leave_out``."""
    context = context_at(state, as_of, known_at)
    views: dict[str, Any] = {state.projections[0].name: context.names}
    for projection in state.projections[1:]:
        if projection.name not in leave_out:
            views[projection.name] = projection.view(state.states[projection.name], context)
    return views


def snapshot_at(
    state: FoldState, as_of: datetime | None = None, known_at: datetime | None = None
) -> Snapshot:
    return Snapshot(
        state.position, state.head_hash, as_of, known_at, views_at(state, as_of, known_at)
    )


def replay(
    log: EventLog,
    projections: Sequence[Projection[Any, Any]] | None = None,
    *,
    as_of: Moment | None = None,
    known_at: Moment | None = None,
    checkpoints: Checkpoints | None = None,
) -> Snapshot:
    """Fold the log into projections and return their views at a moment.

    ``as_of``: the world as it stood then, from all we know now. ``known_at``: only
    what had been recorded by then. A fuzzy moment means its end ("2017-08-31" is
    the end of that day). With ``checkpoints``, the fold goes on from the state the
    last replay kept there, when it still fits the log.
    """
    with collector_paused():
        state = fold_log(log, projections, checkpoints=checkpoints)
        if checkpoints is None:
            # nothing folds into this state again and no view finds a fact by its id:
            # that index (about 33 bytes an event) goes before the views are made
            state.facts.clear()
        return snapshot_at(state, moment(as_of), moment(known_at))


def diff_views(
    projections: Sequence[Projection[Any, Any]],
    before: dict[str, Any],
    after: dict[str, Any],
) -> list[Change]:
    """Every projection's changes between two sets of views, in projection order."""
    found: list[Change] = []
    for projection in projections:
        found.extend(projection.diff(before[projection.name], after[projection.name]))
    return found


def changes(
    log: EventLog,
    since: Moment,
    until: Moment | None = None,
    *,
    projections: Sequence[Projection[Any, Any]] | None = None,
    checkpoints: Checkpoints | None = None,
) -> list[Change]:
    """What changed in each projection between the report at ``since`` and at ``until``.

    Each moment sets both clocks: the report as it could have been written then.
    Without ``until``, the second report is of everything in the log.
    """
    with collector_paused():
        state = fold_log(log, projections, checkpoints=checkpoints)
        start, end = moment(since), moment(until)
        return diff_views(
            state.projections, views_at(state, start, start), views_at(state, end, end)
        )
