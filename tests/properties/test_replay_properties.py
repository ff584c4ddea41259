"""One fold serves every moment: a replay at (as_of, known_at) is the replay of a log
filtered by hand, and the changes between two moments are the difference of two
independent replays.

The oracle (``filtered``) is a plain statement of the two clocks' rules, written
without the fold's machinery:

1. known_at K: keep the events recorded by K;
2. in log order, a correction or retraction among them withdraws whatever version
   of the event it revises is shown (a correction is then shown in its place);
3. as_of A: keep what had happened by A (its whole span ended by A, or it had been
   recorded by A); names (actors, places, subjects) hold at any moment.

The filtered log is replayed with no moment at all; both replays are compared as
JSON data, less what only says how an event came to be shown (revision links, the
value a correction replaced, log positions, "revised later" marks).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitrep_core as sr
from sitrep_core import Count, Source
from sitrep_core.projections import builtin_projections
from sitrep_core.renderers import unstructure
from sitrep_core.replay import diff_views

START = datetime(2017, 8, 28, tzinfo=UTC)
CONVOYS = ("c1", "c2")
PLACES = ("qara", "sukhnah", "humayma")
ACTORS = ("isis", "coalition", "hezbollah")
INCIDENTS = ("crater", "vehicles")

steady = settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

counts = st.one_of(
    st.builds(Count.exact, st.integers(0, 500)),
    st.builds(Count.approx, st.integers(1, 500)),
    st.builds(Count.at_least, st.integers(0, 500)),
    st.integers(0, 100).flatmap(
        lambda low: st.builds(Count.between, st.just(low), st.integers(low, 600))
    ),
)
sources = st.lists(
    st.builds(
        Source,
        st.sampled_from(["AP", "Coalition", "SOHR"]),
        st.sampled_from("ABF"),
        st.integers(1, 6),
    ),
    max_size=2,
    unique_by=lambda s: s.name,
)
# whole minutes and days from 28 Aug on; moments fall between them (no ties)
occurred_times = st.one_of(
    st.integers(0, 6).map(lambda d: (START + timedelta(days=d)).strftime("%Y-%m-%d")),
    st.integers(0, 6 * 24 * 60).map(
        lambda m: (START + timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%MZ")
    ),
    st.just("2017-08-28/2017-08-31"),
    st.just("2017-08"),
)


def minute(n: int) -> datetime:
    return START + timedelta(minutes=n)


@st.composite
def happening(draw: st.DrawFn, event_id: str, kind: str, recorded: datetime) -> sr.Event:
    """A happening of one type, its content drawn (the same type as any it corrects)."""
    common: dict[str, Any] = {
        "id": event_id,
        "occurred": draw(occurred_times),
        "recorded": recorded,
        "sources": draw(sources),
    }
    if kind == "evacuation":
        return sr.Evacuation(
            **common,
            group=draw(st.sampled_from(ACTORS)),
            origins=draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=2)),
            convoy=draw(st.sampled_from(CONVOYS)),
            fighters=draw(st.none() | counts),
            vehicles=draw(
                st.dictionaries(st.sampled_from(["bus", "ambulance"]), counts, max_size=2)
            ),
        )
    if kind == "convoy-move":
        split = draw(st.booleans())
        places = draw(st.lists(st.sampled_from(PLACES), max_size=2))
        return sr.ConvoyMove(
            **common,
            convoy=draw(st.sampled_from(CONVOYS)),
            status=draw(st.sampled_from(["moving", "halted", "stalled", None])),
            location=sr.Location(places=places, relation="near") if places else None,
            new_convoy=f"split-{event_id}" if split else None,
            vehicles={"bus": Count.exact(draw(st.integers(1, 9)))} if split else {},
            fighters=None if split else draw(st.none() | counts),
        )
    if kind == "strike":
        return sr.Strike(
            **common,
            actor=draw(st.none() | st.sampled_from(ACTORS)),
            incident=draw(st.sampled_from(INCIDENTS)),
            convoy=draw(st.none() | st.sampled_from(CONVOYS)),
            killed=draw(st.none() | counts),
        )
    if kind == "figure":
        return sr.FigureReported(
            **common,
            subject=draw(st.sampled_from(["qalamoun", *CONVOYS])),
            measure=draw(st.sampled_from(["killed", "displaced", "fighters"])),
            count=draw(counts),
        )
    if kind == "aid-delivery":
        return sr.AidDelivery(**common, items=["food"], convoy=draw(st.sampled_from(CONVOYS)))
    return sr.Statement(
        **common,
        speaker=draw(st.sampled_from(ACTORS)),
        subject=draw(st.sampled_from(["deal", "convoy"])),
        stances=draw(
            st.lists(st.sampled_from(["condemns", "supports", "threatens"]), min_size=1, max_size=2)
        ),
    )


@st.composite
def reference(draw: st.DrawFn, event_id: str, recorded: datetime) -> sr.Event:
    """A name: defined at any time (names hold whatever the moment of a report)."""
    common: dict[str, Any] = {
        "id": event_id,
        "occurred": draw(occurred_times),
        "recorded": recorded,
    }
    kind = draw(st.sampled_from(["actor", "place", "subject"]))
    suffix = draw(st.sampled_from(["", " (renamed)"]))
    if kind == "actor":
        key = draw(st.sampled_from(ACTORS))
        return sr.ActorDefined(**common, key=key, name=key.upper() + suffix)
    if kind == "place":
        key = draw(st.sampled_from(PLACES))
        return sr.PlaceDefined(**common, key=key, name=key.title() + suffix, lat=34.5, lon=38.5)
    key = draw(st.sampled_from([*CONVOYS, "deal"]))
    return sr.SubjectDefined(**common, key=key, name=f"The {key}{suffix}", kind="convoy")


KINDS = ("evacuation", "convoy-move", "strike", "statement", "aid-delivery", "figure")


@st.composite
def logs(draw: st.DrawFn, in_recorded_order: bool = True) -> list[sr.Event]:
    """Events as a log holds them: happenings, names, corrections and retractions.

    ``in_recorded_order``: each event recorded no earlier than the one before it (as
    the store records them); otherwise writers gave recorded times in any order.
    """
    size = draw(st.integers(1, 12))
    events: list[sr.Event] = []
    clock = 0
    for index in range(size):
        step = draw(st.integers(0, 90))
        clock = clock + step if in_recorded_order else draw(st.integers(0, 6 * 24 * 60))
        recorded = minute(clock)
        event_id = f"e{index}"
        revisable = [e for e in events if not isinstance(e, sr.Retraction)]
        what = draw(
            st.sampled_from(
                ["new"] * 3 + ["name"] + (["correct", "retract"] * 2 if revisable else [])
            )
        )
        if what == "new":
            events.append(draw(happening(event_id, draw(st.sampled_from(KINDS)), recorded)))
        elif what == "name":
            events.append(draw(reference(event_id, recorded)))
        else:
            target = draw(st.sampled_from(revisable))
            if what == "retract":
                # no sources: a retraction shows in no view, and the filtered log leaves it out
                events.append(
                    sr.Retraction(
                        id=event_id,
                        occurred=draw(occurred_times),
                        recorded=recorded,
                        retracts=target.id,
                    )
                )
            elif isinstance(target, sr.Event) and target.TYPE in ("actor", "place", "subject"):
                events.append(attrs.evolve(draw(reference(event_id, recorded)), corrects=target.id))
            else:
                fresh = draw(happening(event_id, target.TYPE, recorded))
                events.append(attrs.evolve(fresh, corrects=target.id))
    return events


moments = st.none() | st.integers(-60, 7 * 24 * 60).map(lambda m: minute(m) + timedelta(seconds=30))


# -- the oracle -----------------------------------------------------------------------


def filtered(
    events: list[sr.Event], as_of: datetime | None, known_at: datetime | None
) -> list[sr.Event]:
    """The log as the two clocks' rules say it reads at (as_of, known_at)."""
    chain: dict[str, str] = {}  # every event's first version
    for event in events:
        target = event.corrects or event.retracts
        chain[event.id] = chain.get(target, target) if target else event.id
    shown: list[sr.Event] = []
    for event in events:
        if known_at is not None and event.recorded is not None and event.recorded > known_at:
            continue
        target = event.corrects or event.retracts
        if target is not None:
            shown = [e for e in shown if chain[e.id] != chain[target]]
        if not isinstance(event, sr.Retraction):
            shown.append(event)

    def had_happened(event: sr.Event) -> bool:
        if as_of is None or event.TYPE in ("actor", "place", "subject"):
            return True
        recorded = event.recorded
        return event.occurred.latest <= as_of or (recorded is not None and recorded <= as_of)

    return [plain(e) for e in shown if had_happened(e)]


def plain(event: sr.Event) -> sr.Event:
    """The event as a log that never held its earlier versions would."""
    return attrs.evolve(event, corrects=None) if event.corrects else event


HOW_SHOWN = {"corrects", "retracts", "replaces", "later_revised", "position"}


def comparable(value: Any) -> Any:
    """Views as JSON data, less what says how an event came to be shown."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in HOW_SHOWN}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def memory_log(events: Iterable[sr.Event]) -> sr.EventLog:
    log = sr.open_log("memory:")
    log.append(list(events))
    return log


def views_of(snapshot: sr.Snapshot) -> Any:
    return comparable(unstructure(snapshot.views))


# -- properties -----------------------------------------------------------------------


@steady
@given(events=logs(), as_of=moments, known_at=moments)
def test_a_replay_at_a_moment_is_the_replay_of_the_log_filtered_by_its_rules(
    events: list[sr.Event], as_of: datetime | None, known_at: datetime | None
) -> None:
    at_moment = sr.replay(memory_log(events), as_of=as_of, known_at=known_at)
    expected = sr.replay(memory_log(filtered(events, as_of, known_at)))
    assert views_of(at_moment) == views_of(expected)


@steady
@given(events=logs(in_recorded_order=False), as_of=moments, known_at=moments)
def test_recorded_times_in_any_order_follow_the_same_rules(
    events: list[sr.Event], as_of: datetime | None, known_at: datetime | None
) -> None:
    at_moment = sr.replay(memory_log(events), as_of=as_of, known_at=known_at)
    expected = sr.replay(memory_log(filtered(events, as_of, known_at)))
    assert views_of(at_moment) == views_of(expected)


@steady
@given(events=logs(), since=moments.filter(bool), until=moments)
def test_changes_are_the_difference_of_two_independent_replays(
    events: list[sr.Event], since: datetime, until: datetime | None
) -> None:
    log = memory_log(events)
    found = sr.changes(log, since, until)
    before = sr.replay(log, as_of=since, known_at=since)
    after = sr.replay(memory_log(events), as_of=until, known_at=until)
    assert found == diff_views(builtin_projections(), before.views, after.views)
    # and, said without any projection's diff: the timeline's news are the events
    # shown at the second moment and not at the first
    shown_before = {e["event"]["id"] for e in unstructure(before.views["timeline"])}
    shown_after = {e["event"]["id"] for e in unstructure(after.views["timeline"])}
    told = {c.key for c in found if c.projection == "timeline" and c.kind in ("event", "corrected")}
    gone = {c.key for c in found if c.projection == "timeline" and c.kind == "retracted"}
    assert told == shown_after - shown_before
    assert gone <= shown_before - shown_after


@steady
@given(events=logs(), cut=st.integers(0, 14))
def test_memory_checkpoints_resume_to_what_a_cold_replay_gives(
    events: list[sr.Event], cut: int
) -> None:
    log = sr.open_log("memory:")
    store = sr.MemoryCheckpoints()
    log.append(events[:cut])
    sr.replay(log, checkpoints=store)
    log.append(events[cut:])
    resumed = sr.replay(log, checkpoints=store)
    assert resumed == sr.replay(memory_log(events))
    assert sr.replay(log, checkpoints=store) == resumed  # and again, with nothing new
