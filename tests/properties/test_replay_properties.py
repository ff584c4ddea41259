"""Replay properties: checkpoints, determinism, the as_of clock, retractions, order."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import cattrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitrep_core as sr
from sitrep_core import Count, Source

RECORDED = datetime(2017, 9, 10, tzinfo=UTC)
CONVOYS = ("c1", "c2", "c3")
PLACES = ("qara", "abu-kamal", "sukhnah", "palmyra")
ACTORS = ("isis", "coalition", "hezbollah", "iraq")

_unstructure = cattrs.Converter().unstructure

reference: list[sr.Event] = [
    *(
        sr.ActorDefined(
            id=f"actor-{k}",
            occurred="2014",
            key=k,
            name=k.upper(),
            aliases=[f"the {k}"],
            recorded=RECORDED,
        )
        for k in ACTORS
    ),
    *(
        sr.PlaceDefined(
            id=f"place-{k}",
            occurred="2014",
            key=k,
            name=k.title(),
            lat=34.0 + i,
            lon=36.0 + i,
            recorded=RECORDED,
        )
        for i, k in enumerate(PLACES)
    ),
]

counts = st.one_of(
    st.builds(Count.exact, st.integers(0, 500)),
    st.builds(Count.approx, st.integers(0, 500), st.sampled_from([None, "around that"])),
    st.builds(Count.at_least, st.integers(0, 500)),
    st.integers(0, 100).flatmap(
        lambda low: st.builds(Count.between, st.just(low), st.integers(low, 600))
    ),
)
sources = st.lists(
    st.builds(
        Source,
        st.sampled_from(["AP", "Coalition", "Reuters", "SOHR"]),
        st.sampled_from("ABCDEF"),
        st.integers(1, 6),
    ),
    max_size=2,
)


def _event(kind: str, draw: Any, index: int, occurred: str) -> sr.Event:
    common: dict[str, Any] = {
        "id": f"e{index}",
        "occurred": occurred,
        "recorded": RECORDED,
        "sources": draw(sources),
    }
    if kind == "evacuation":
        return sr.Evacuation(
            **common,
            group=draw(st.sampled_from(ACTORS)),
            origin=draw(st.sampled_from(PLACES)),
            destination=draw(st.sampled_from(PLACES)),
            convoy=draw(st.sampled_from(CONVOYS)),
            fighters=draw(st.none() | counts),
            vehicles=draw(
                st.dictionaries(st.sampled_from(["bus", "ambulance"]), counts, max_size=2)
            ),
        )
    if kind == "convoy-move":
        split = draw(st.booleans())
        return sr.ConvoyMove(
            **common,
            convoy=draw(st.sampled_from(CONVOYS)),
            status=draw(st.sampled_from(["moving", "halted", "stalled", "turned-back", None])),
            near=draw(st.lists(st.sampled_from(PLACES), max_size=2)),
            position=draw(st.none() | st.sampled_from(["east of X", "between A and B"])),
            new_convoy=f"split-{index}" if split else None,
            vehicles={"bus": Count.exact(draw(st.integers(1, 9)))} if split else {},
            fighters=None if split else draw(st.none() | counts),
        )
    if kind == "strike":
        return sr.Strike(
            **common,
            actor=draw(st.sampled_from(ACTORS)),
            targets=draw(st.lists(st.sampled_from(["road", "bridge", "tank"]), max_size=2)),
            convoy=draw(st.none() | st.sampled_from(CONVOYS)),
            killed=draw(st.none() | counts),
        )
    if kind == "aid-delivery":
        return sr.AidDelivery(
            **common, items=["food", "water"], convoy=draw(st.sampled_from(CONVOYS))
        )
    return sr.Statement(
        **common,
        speaker=draw(st.sampled_from([*ACTORS, "the isis"])),
        subject=draw(st.sampled_from(["deal", "convoy"])),
        stance=draw(st.sampled_from(["condemns", "supports", "threatens"])),
        quote=draw(st.none() | st.text(max_size=20)),
    )


@st.composite
def scenarios(draw: Any, min_size: int = 1, max_size: int = 25) -> list[sr.Event]:
    """World events with distinct occurred days, in random order, after the reference data."""
    size = draw(st.integers(min_size, max_size))
    days = draw(st.lists(st.integers(0, 300), min_size=size, max_size=size, unique=True))
    kinds = ["evacuation", "convoy-move", "strike", "aid-delivery", "statement"]
    events = []
    for index, day in enumerate(days):
        occurred = (datetime(2017, 1, 1) + timedelta(days=day)).strftime("%Y-%m-%d")
        events.append(_event(draw(st.sampled_from(kinds)), draw, index, occurred))
    return events


def fill(events: list[sr.Event]) -> sr.EventLog:
    log = sr.open_log("memory:")
    log.append(reference)
    if events:
        log.append(events)
    return log


def comparable(snapshot: sr.Snapshot) -> dict[str, Any]:
    """Views without log positions (which differ when the same facts were appended differently)."""
    views = _unstructure(snapshot.views)
    for entry in views["timeline"]:
        entry.pop("position")
        entry.pop("corrects")
    return views


settings.register_profile(
    "replay", max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None
)
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(scenarios(), st.data())
def test_replay_from_any_checkpoint_equals_full_replay(
    events: list[sr.Event], data: st.DataObject
) -> None:
    # world events, then revisions: corrections, corrections of corrections, and
    # retractions naming the original of a corrected fact; the checkpoint may fall anywhere
    batches: list[list[sr.Event]] = [[e] for e in events]
    latest = {e.id: e for e in events}
    for n, original in enumerate(
        data.draw(st.lists(st.sampled_from(events[:2]), max_size=6), label="revised")
    ):
        standing = latest.get(original.id)
        if standing is None:
            continue
        if data.draw(st.booleans(), label=f"retract {n}"):
            batches.append(
                [
                    sr.Retraction(
                        id=f"r{n}", occurred="2017-12-31", retracts=original.id, recorded=RECORDED
                    )
                ]
            )
            del latest[original.id]
        else:
            correction = attrs.evolve(
                standing, id=f"c{n}", corrects=standing.id, notes=f"revision {n}"
            )
            batches.append([correction])
            latest[original.id] = correction
    cut = data.draw(st.integers(0, len(batches)), label="cut")
    store = sr.MemoryCheckpoints()
    log = fill([])
    for batch in batches[:cut]:
        log.append(batch)
    sr.replay(log, checkpoints=store, checkpoint_every=1)
    for batch in batches[cut:]:
        log.append(batch)
    resumed = sr.replay(log, checkpoints=store, checkpoint_every=1)
    full = sr.replay(log)
    assert resumed.position == full.position == log.head
    assert _unstructure(resumed.views) == _unstructure(full.views)


@fast
@given(scenarios())
def test_replay_is_deterministic(events: list[sr.Event]) -> None:
    log = fill(events)
    assert _unstructure(sr.replay(log).views) == _unstructure(sr.replay(log).views)


@fast
@given(scenarios())
def test_as_of_past_every_event_equals_full_replay(events: list[sr.Event]) -> None:
    log = fill(events)
    assert _unstructure(sr.replay(log, as_of="2100").views) == _unstructure(sr.replay(log).views)
    assert _unstructure(sr.replay(log, known_at="2100").views) == _unstructure(sr.replay(log).views)


@fast
@given(scenarios(min_size=1), st.data())
def test_retracting_an_event_equals_never_appending_it(
    events: list[sr.Event], data: st.DataObject
) -> None:
    victim = data.draw(st.sampled_from(events), label="retracted")
    with_retraction = fill(events)
    with_retraction.append(
        [
            sr.Retraction(
                id="retraction", occurred="2017-12-31", retracts=victim.id, recorded=RECORDED
            )
        ]
    )
    without = fill([e for e in events if e is not victim])
    assert comparable(sr.replay(with_retraction)) == comparable(sr.replay(without))


@fast
@given(
    scenarios(min_size=2),
    st.randoms(use_true_random=False),
    st.sampled_from([None, "2017-04-01", "2017-07-15"]),
)
def test_append_order_does_not_change_the_as_of_state(
    events: list[sr.Event], rng: random.Random, as_of: str | None
) -> None:
    shuffled = list(events)
    rng.shuffle(shuffled)
    first = sr.replay(fill(events), as_of=as_of)
    second = sr.replay(fill(shuffled), as_of=as_of)
    assert comparable(first) == comparable(second)


@fast
@given(scenarios(min_size=1), st.data())
def test_a_correction_replaces_what_it_corrects(
    events: list[sr.Event], data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(events), label="corrected")
    replacement = data.draw(st.sampled_from(events), label="replacement")
    corrected = attrs.evolve(replacement, id="correction", corrects=target.id)
    log = fill(events)
    log.append([corrected])
    expected = fill(
        [e for e in events if e is not target] + [attrs.evolve(replacement, id="correction")]
    )
    assert comparable(sr.replay(log)) == comparable(sr.replay(expected))
