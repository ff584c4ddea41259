"""Replay: the two clocks, reduced precision, revisions and checkpoints, by example."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

import sitrep_core as sr
from sitrep_core import Count, Source

R1 = datetime(2017, 8, 30, 16, 50, tzinfo=UTC)
R2 = datetime(2017, 9, 5, 12, 0, tzinfo=UTC)


def statement(
    id: str, occurred: str, stance: str, recorded: datetime = R1, **kw: object
) -> sr.Statement:
    return sr.Statement(
        id=id,
        occurred=occurred,
        speaker="coalition",
        subject="convoy",
        stance=stance,
        recorded=recorded,
        **kw,
    )


def stance(snapshot: sr.Snapshot) -> str | None:
    views = snapshot["stances"]
    return views[0].stance if views else None


@pytest.fixture
def log() -> sr.EventLog:
    return sr.open_log("memory:")


def test_as_of_keeps_only_what_had_certainly_happened(log: sr.EventLog) -> None:
    log.append([statement("month", "2017-08", "threatens", recorded=R2)])
    # an event of "2017-08" is not before 2017-08-15: it may have happened later that month
    assert stance(sr.replay(log, as_of="2017-08-15")) is None
    assert stance(sr.replay(log, as_of="2017-08-31")) == "threatens"  # the end of that day
    assert stance(sr.replay(log, as_of="2017-09-01T00:00Z")) == "threatens"


def test_what_was_recorded_had_happened_by_then(log: sr.EventLog) -> None:
    # reported at 16:50 on a day-precision date: it had happened by 16:50
    log.append([statement("day", "2017-08-30", "threatens", recorded=R1)])
    assert stance(sr.replay(log, as_of="2017-08-30T16:50")) == "threatens"
    assert stance(sr.replay(log, as_of="2017-08-30T16:40")) is None


def test_known_at_reproduces_what_could_be_written_then(log: sr.EventLog) -> None:
    log.append([statement("old", "2017-08-29", "threatens", recorded=R1)])
    # learnt on 5 September about 29 August: as_of sees it, known_at before 5 September does not
    log.append([statement("late", "2017-08-29T18:00", "denies", recorded=R2)])
    assert stance(sr.replay(log, as_of="2017-08-31")) == "denies"
    assert stance(sr.replay(log, known_at="2017-08-31")) == "threatens"
    assert stance(sr.replay(log, as_of="2017-08-31", known_at="2017-08-31")) == "threatens"


def test_a_correction_replaces_and_known_at_before_it_shows_the_original(log: sr.EventLog) -> None:
    original = statement("s1", "2017-08-30", "threatens")
    log.append([original])
    log.append([attrs.evolve(original, id="s1-fix", corrects="s1", stance="warns", recorded=R2)])
    assert stance(sr.replay(log)) == "warns"
    assert [e.event_id for e in sr.replay(log)["stances"][0].history] == ["s1-fix"]
    assert stance(sr.replay(log, known_at="2017-09-01")) == "threatens"


def test_retracting_the_original_of_a_corrected_fact_withdraws_the_correction(
    log: sr.EventLog,
) -> None:
    original = statement("s1", "2017-08-30", "threatens")
    log.append([original])
    log.append([attrs.evolve(original, id="s1-fix", corrects="s1", stance="warns", recorded=R2)])
    log.append([sr.Retraction(id="r", occurred="2017-09-06", retracts="s1", recorded=R2)])
    assert sr.replay(log)["stances"] == ()
    assert [e.event_id for e in sr.replay(log)["timeline"]] == []


def test_checkpoint_carries_revision_links_across(log: sr.EventLog) -> None:
    original = statement("s1", "2017-08-30", "threatens")
    log.append([original])
    log.append([attrs.evolve(original, id="s1-fix", corrects="s1", stance="warns", recorded=R2)])
    store = sr.MemoryCheckpoints()
    assert stance(sr.replay(log, checkpoints=store, checkpoint_every=1)) == "warns"
    log.append([sr.Retraction(id="r", occurred="2017-09-06", retracts="s1", recorded=R2)])
    assert sr.replay(log, checkpoints=store, checkpoint_every=1)["stances"] == ()


class CountingLog(sr.EventLog):
    """Wraps a log and counts the records replay reads."""

    def __init__(self, inner: sr.EventLog) -> None:
        super().__init__(inner.codec)
        self.inner = inner
        self.read_count = 0

    def read(self, from_position: int = 1, *, types: object = None):  # type: ignore[no-untyped-def, override]
        for record in self.inner.read(from_position):
            self.read_count += 1
            yield record

    @property
    def head(self) -> int:
        return self.inner.head

    def _locked(self):  # type: ignore[no-untyped-def]
        return self.inner._locked()

    def _tip(self):  # type: ignore[no-untyped-def]
        return self.inner._tip()

    def _lookup(self, event_id):  # type: ignore[no-untyped-def]
        return self.inner._lookup(event_id)

    def _write(self, rows):  # type: ignore[no-untyped-def]
        return self.inner._write(rows)

    def _rows(self):  # type: ignore[no-untyped-def]
        return self.inner._rows()


def test_replay_after_one_new_event_reads_only_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = CountingLog(sr.open_log("memory:"))
    log.append(statement(f"s{i}", f"2017-08-{i % 28 + 1:02d}", "threatens") for i in range(500))
    store = sr.FileCheckpoints(tmp_path / "checkpoints")
    sr.replay(log, checkpoints=store, checkpoint_every=1)
    log.append([statement("new", "2017-08-30", "denies", recorded=R2)])
    log.read_count = 0
    resumed = sr.replay(log, checkpoints=store, checkpoint_every=1)
    assert log.read_count == 2  # the checkpoint's own record (to check its hash) and the new one
    assert resumed.views == sr.replay(log).views


def test_a_checkpoint_of_another_version_or_log_is_ignored(tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = sr.open_log("memory:")
    log.append([statement("s1", "2017-08-30", "threatens")])
    store = sr.MemoryCheckpoints()
    sr.replay(log, checkpoints=store, checkpoint_every=1)
    stale = store.load("stances")
    assert stale is not None
    store.save(attrs.evolve(stale, version=stale.version + 1, state=[]))
    assert stance(sr.replay(log, checkpoints=store)) == "threatens"
    other = sr.open_log("memory:")
    other.append([statement("s2", "2017-08-30", "denies")])
    assert stance(sr.replay(other, checkpoints=store)) == "denies"


def test_changes_between_two_moments_are_typed(log: sr.EventLog) -> None:
    log.append(
        [
            sr.Evacuation(
                id="ev",
                occurred="2017-08-28",
                group="ISIS",
                origin="Qara",
                destination="Abu Kamal",
                convoy="c",
                fighters=Count.approx(308, "around 308"),
                vehicles={"bus": Count.exact(17)},
                sources=[Source("reports", "C", 3)],
                recorded=R1,
            ),
            sr.ConvoyMove(
                id="m1",
                occurred="2017-08-30",
                convoy="c",
                status="halted",
                position="near Humayma",
                recorded=R1,
            ),
            sr.ConvoyMove(
                id="m2",
                occurred="2017-09-05",
                convoy="c",
                status="stalled",
                position="east of As Sukhnah",
                recorded=R2,
            ),
            sr.ConvoyMove(
                id="m3",
                occurred="2017-09-05",
                convoy="c",
                new_convoy="c-west",
                vehicles={"bus": Count.exact(6)},
                status="turned-back",
                toward="Palmyra",
                recorded=R2,
            ),
            statement("s", "2017-09-05", "denies", recorded=R2),
        ]
    )
    found = sr.changes(log, since="2017-09-01", until="2017-09-06")
    kinds = {(c.projection, c.kind, c.key) for c in found}
    assert ("convoys", "status", "c") in kinds
    assert ("convoys", "position", "c") in kinds
    assert ("convoys", "split", "c") in kinds
    assert ("convoys", "added", "c-west") in kinds
    assert ("stances", "stance", "coalition/convoy") in kinds
    status = next(c for c in found if c.kind == "status" and c.key == "c")
    assert (status.before, status.after) == ("halted", "stalled")
    buses = sr.replay(log)["convoys"][0].vehicles[0]
    assert (buses.kind, buses.total.value, buses.current.value) == ("bus", 17, 11)
    assert [(d.convoy, d.vehicles.value) for d in buses.detached] == [("c-west", 6)]


def test_competing_claims_stay_side_by_side(log: sr.EventLog) -> None:
    log.append(
        [
            sr.Evacuation(
                id="ev",
                occurred="2017-08-28",
                group="ISIS",
                origin="Qara",
                convoy="c",
                fighters=Count.approx(308, "around 308"),
                sources=[Source("reports", "C", 3)],
                recorded=R1,
            ),
            sr.ConvoyMove(
                id="m",
                occurred="2017-09-02",
                convoy="c",
                fighters=Count.between(200, 999, "hundreds"),
                sources=[Source("Coalition", "B", 2)],
                recorded=R2,
            ),
        ]
    )
    figure = next(f for f in sr.replay(log)["figures"] if f.measure == "fighters")
    assert figure.disputed
    assert {(c.sources, str(c.value)) for c in figure.claims} == {
        (("reports",), "around 308"),
        (("Coalition",), "hundreds"),
    }
    assert str(figure.value) == "around 308"  # the most specific claim leads


def test_a_source_revising_its_own_figure_is_not_a_dispute(log: sr.EventLog) -> None:
    src = [Source("Hezbollah officials", "C", 3)]
    log.append(
        [
            sr.Evacuation(
                id="a",
                occurred="2017-08-28",
                group="ISIS",
                origin="Qara",
                convoy="c",
                wounded=Count.at_least(20),
                sources=src,
                recorded=R1,
            ),
            sr.ConvoyMove(
                id="b",
                occurred="2017-08-29",
                convoy="c",
                wounded=Count.at_least(25, "at least 25"),
                sources=src,
                recorded=R2,
            ),
        ]
    )
    figure = next(f for f in sr.replay(log)["figures"] if f.measure == "wounded")
    assert not figure.disputed
    assert str(figure.value) == "at least 25"


def test_aliases_and_speakers_resolve_to_actors(log: sr.EventLog) -> None:
    log.append(
        [
            sr.ActorDefined(
                id="a1",
                occurred="2014",
                key="coalition",
                name="US-led Coalition",
                aliases=["CJTF-OIR"],
                recorded=R1,
            ),
            sr.ActorDefined(
                id="a2",
                occurred="2014",
                key="townsend",
                name="Lt. Gen. Stephen J. Townsend",
                aliases=["Townsend"],
                kind="person",
                speaks_for="CJTF-OIR",
                recorded=R1,
            ),
            sr.Statement(
                id="s1",
                occurred="2017-09-05",
                speaker="Townsend",
                subject="convoy",
                stance="condemns",
                recorded=R2,
            ),
            sr.Statement(
                id="s2",
                occurred="2017-08-31",
                speaker="cjtf-oir",
                subject="convoy",
                stance="threatens",
                recorded=R2,
            ),
        ]
    )
    (view,) = sr.replay(log)["stances"]
    assert (view.actor, view.actor_name, view.stance) == (
        "coalition",
        "US-led Coalition",
        "condemns",
    )
    assert [h.stance for h in view.history] == ["threatens", "condemns"]
    assert view.history[-1].speaker == "Lt. Gen. Stephen J. Townsend"
