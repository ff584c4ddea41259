"""A report's dated updates: what changed at each recorded minute, made cheaply.

An update compares the report as it could have been written at the end of one
recorded minute (a ``known_at`` replay) with the one at the end of the next. The
reports at every minute come from one pass over the log, which takes each view as
the first record recorded after that minute arrives: when records were appended in
the order they were recorded, which is how a store records them, that is exactly the
``known_at`` replay. A minute the pass cannot vouch for (a record recorded earlier
came later) gets its own replay.

Between builds of a report, when its checkpoints keep live states, the changes and
the views at the latest minutes are kept with them. New records change only what
was known at or after the moment they were recorded, so a build after a few new
events makes only the newest update again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

import attrs

from ..projections import Change, Projection
from ..replay._replay import (
    Run,
    Snapshot,
    _collector_off,
    _made,
    _Revisions,
    _Routes,
    _snapshot,
    diff_snapshots,
    happened_by,
    replay,
)
from ..stores._log import EventLog


def snapshots_known_at(
    log: EventLog,
    chosen: list[Projection[Any, Any]],
    as_of: datetime | None,
    moments: Sequence[datetime],
) -> dict[datetime, Snapshot]:
    """The snapshot ``replay(log, chosen, as_of=as_of, known_at=moment)`` gives, for each
    of ``moments``, from one pass over the log (and a replay for each moment the pass
    cannot vouch for)."""
    wanted = sorted(set(moments))
    states = {p.name: p.initial() for p in chosen}
    revisions = _Revisions()
    routes = _Routes(chosen, states)
    revoking = [(p.revoke, states[p.name]) for p in chosen]
    taken: list[tuple[datetime, Snapshot, bool]] = []
    # the earliest recorded time after each view was taken: a record recorded by the
    # moment of a view, read after it, means the pass cannot give that view
    later: list[datetime | None] = []
    latest: datetime | None = None
    position, head_hash, step = 0, "", 0
    with _collector_off():
        for record in log.read():
            event = record.event
            recorded = event.recorded
            if recorded is None:
                return {m: replay(log, chosen, as_of=as_of, known_at=m) for m in wanted}
            while step < len(wanted) and recorded > wanted[step]:
                moment = wanted[step]
                taken.append(
                    (
                        moment,
                        _made(_snapshot(chosen, states, position, head_hash, as_of, moment)),
                        latest is None or latest <= moment,
                    )
                )
                later.append(None)
                step += 1
            if later and (later[-1] is None or recorded < later[-1]):
                later[-1] = recorded
            if latest is None or recorded > latest:
                latest = recorded
            position, head_hash = record.position, record.hash
            if event.corrects is not None or event.retracts is not None:
                revisions.apply(event, revoking)
            for apply, state in routes(event.TYPE, as_of is None or happened_by(event) <= as_of):
                apply(state, event, position)
        final = _snapshot(chosen, states, position, head_hash, as_of, None)
    found: dict[datetime, Snapshot] = {}
    earliest_after: datetime | None = None
    for (moment, snapshot, fits), after in reversed(list(zip(taken, later, strict=True))):
        if after is not None and (earliest_after is None or after < earliest_after):
            earliest_after = after
        if fits and (earliest_after is None or earliest_after > moment):
            found[moment] = snapshot
    for moment in wanted[step:]:  # nothing was recorded after these: the whole log
        if latest is None or latest <= moment:
            found[moment] = final
    for moment in wanted:
        if moment not in found:
            found[moment] = replay(log, chosen, as_of=as_of, known_at=moment)
    return found


@attrs.define
class _Kept:
    """What a report keeps between builds: views at the latest minutes and the changes
    between minutes, valid for the log up to ``position``."""

    position: int
    snapshots: dict[datetime, Snapshot]
    changes: dict[tuple[datetime, datetime], list[Change]]


def dated_changes(
    log: EventLog,
    run: Run,
    as_of: datetime | None,
    main_known_at: datetime | None,
    moments: Sequence[datetime],
    summarise: Callable[[list[Change]], list[Change]],
) -> list[list[Change]]:
    """The changes between each moment and the next (``len(moments) - 1`` lists), as
    :func:`diff_snapshots` of ``known_at`` replays at those moments gives them.

    ``run`` is the report's own replay: its snapshot stands for the last moment when
    nothing was recorded after it; its live states keep what the next build reuses.
    """
    chosen = run.chosen
    key = ("dated-updates", as_of, tuple((p.name, type(p), p.version) for p in chosen))
    cache = run.live.cache if run.live is not None else {}
    kept = cache.get(key)
    if not isinstance(kept, _Kept) or kept.position != run.start:
        kept = _Kept(run.snapshot.position, {}, {})
    else:  # records read since were recorded from run.first_recorded on
        since = run.first_recorded
        if since is not None:
            kept.snapshots = {m: s for m, s in kept.snapshots.items() if m < since}
            kept.changes = {p: c for p, c in kept.changes.items() if p[1] < since}
        kept.position = run.snapshot.position

    everything = (
        main_known_at is None and run.max_recorded is not None and run.max_recorded <= moments[-1]
    )
    pairs = list(pairwise(moments))
    needed = {m for pair in pairs if pair not in kept.changes for m in pair}
    snapshots = {m: kept.snapshots[m] for m in needed if m in kept.snapshots}
    if everything and moments[-1] in needed:
        snapshots[moments[-1]] = run.snapshot
    missing = [m for m in needed if m not in snapshots]
    if missing:
        snapshots.update(snapshots_known_at(log, chosen, as_of, missing))
    found: list[list[Change]] = []
    for pair in pairs:
        changes = kept.changes.get(pair)
        if changes is None:
            before, after = snapshots[pair[0]], snapshots[pair[1]]
            changes = kept.changes[pair] = summarise(diff_snapshots(chosen, before, after))
        found.append(changes)
    kept.changes = {pair: kept.changes[pair] for pair in pairs}
    # the next build compares a new minute with the latest, or the latest again with the
    # one before: those two views are all it can need
    kept.snapshots = {
        m: found_at
        for m in moments[-2:]
        if (found_at := snapshots.get(m) or kept.snapshots.get(m)) is not None
    }
    if run.live is not None:
        cache[key] = kept
    return found
