"""Replay on two clocks, and checkpoints that are data, never trusted.

A checkpoint that is edited, truncated, of another log, of a log rewritten since,
or of other projections costs a full replay and a :class:`CheckpointWarning`, and
the replay is the same as one without any checkpoint.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import sitrep_core as sr
from sitrep_core import Count, Source
from sitrep_core.projections import builtin_projections

AP = Source("AP", "B", 2)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


STORY: list[sr.Event] = [
    sr.Evacuation(
        id="evacuation",
        occurred="2017-08-28",
        recorded=at("2017-08-28T18:00"),
        group="isis",
        origins=["western-qalamoun"],
        fighters=Count.approx(308),
        vehicles={"bus": Count(17)},
        convoy="convoy",
        sources=[AP],
    ),
    sr.ConvoyMove(
        id="halt",
        occurred="2017-08-30T16:50",
        recorded=at("2017-08-30T17:00"),
        convoy="convoy",
        status="halted",
        location=sr.Location(text="east of As Sukhnah", relation="east-of", places=["sukhnah"]),
        sources=[AP],
    ),
    sr.Strike(
        id="crater",
        occurred="2017-08-30",
        recorded=at("2017-08-30T18:00"),
        actor="coalition",
        targets=["road"],
        incident="crater",
        killed=Count(4),
        convoy="convoy",
    ),
]
CORRECTION = sr.Strike(
    id="crater-corrected",
    occurred="2017-08-30",
    recorded=at("2017-08-31T09:00"),
    actor="coalition",
    targets=["road", "bridge"],
    incident="crater",
    killed=Count(6),
    convoy="convoy",
    corrects="crater",
)


@pytest.fixture
def log() -> Iterator[sr.EventLog]:
    with sr.open_log("memory:") as opened:
        opened.append(STORY)
        yield opened


def timeline_ids(snapshot: sr.Snapshot) -> list[str]:
    return [entry.event_id for entry in snapshot["timeline"]]


# -- two clocks -----------------------------------------------------------------------


def test_as_of_keeps_what_had_certainly_happened(log: sr.EventLog) -> None:
    assert timeline_ids(sr.replay(log, as_of="2017-08-29")) == ["evacuation"]
    # 16:50 on the 30th is over by 17:00; the whole day of the strike is not
    assert timeline_ids(sr.replay(log, as_of="2017-08-30T17:00")) == ["evacuation", "halt"]


def test_what_was_recorded_had_happened_by_then(log: sr.EventLog) -> None:
    # the strike's day is not over at 18:30, but it was reported at 18:00
    assert "crater" in timeline_ids(sr.replay(log, as_of=at("2017-08-30T18:30")))


def test_known_at_shows_only_what_had_been_recorded(log: sr.EventLog) -> None:
    assert timeline_ids(sr.replay(log, known_at="2017-08-29")) == ["evacuation"]
    convoy = sr.replay(log, known_at=at("2017-08-30T17:30"))["convoys"][0]
    assert convoy.status.status == "halted"
    assert convoy.strikes == ()


def test_a_correction_counts_from_when_it_was_recorded(log: sr.EventLog) -> None:
    log.append([CORRECTION])
    before = sr.replay(log, known_at="2017-08-30")
    after = sr.replay(log)
    assert [e.event.targets for e in before["timeline"] if e.event.TYPE == "strike"] == [("road",)]
    (entry,) = [e for e in after["timeline"] if e.event.TYPE == "strike"]
    assert entry.event.targets == ("road", "bridge")
    assert entry.replaces is not None and entry.replaces.id == "crater"
    # seen from before it, the original is marked as revised later
    (earlier,) = [e for e in before["timeline"] if e.event.TYPE == "strike"]
    assert earlier.later_revised


def test_retracting_the_original_of_a_corrected_event_withdraws_the_correction(
    log: sr.EventLog,
) -> None:
    log.append([CORRECTION])
    log.append(
        [sr.Retraction(id="r", occurred="2017-08-31", recorded=at("2017-09-01"), retracts="crater")]
    )
    assert "crater" not in timeline_ids(sr.replay(log))
    assert "crater-corrected" not in timeline_ids(sr.replay(log))
    assert "crater-corrected" in timeline_ids(sr.replay(log, known_at="2017-08-31"))


def test_a_later_line_recorded_earlier_counts_from_its_recorded_moment() -> None:
    with sr.open_log("memory:") as log:
        log.append(STORY)
        # written in this order, but the second retraction was known first
        log.append(
            [
                sr.Retraction(
                    id="r1", occurred="2017-09", recorded=at("2017-09-05"), retracts="halt"
                ),
                sr.Retraction(
                    id="r2", occurred="2017-09", recorded=at("2017-09-01"), retracts="halt"
                ),
            ]
        )
        assert "halt" in timeline_ids(sr.replay(log, known_at="2017-08-31"))
        assert "halt" not in timeline_ids(sr.replay(log, known_at="2017-09-02"))


def test_changes_are_data(log: sr.EventLog) -> None:
    log.append([CORRECTION])
    found = sr.changes(log, at("2017-08-29T00:00"), at("2017-08-31T12:00"))
    kinds = {(c.projection, c.kind, c.key) for c in found}
    assert ("convoys", "status", "convoy") in kinds
    assert ("convoys", "location", "convoy") in kinds
    assert ("figures", "added", "crater/killed") in kinds
    status = next(c for c in found if c.kind == "status")
    assert (status.before, status.after.status, status.event_ids) == (None, "halted", ("halt",))
    killed = next(c for c in found if c.key == "crater/killed")
    assert killed.after.value == Count(6)


# -- checkpoints ----------------------------------------------------------------------


def test_memory_checkpoints_resume_where_the_last_replay_ended(log: sr.EventLog) -> None:
    store = sr.MemoryCheckpoints()
    first = sr.replay(log, checkpoints=store)
    log.append([CORRECTION])
    resumed = sr.replay(log, checkpoints=store)
    cold = sr.replay(log)
    assert resumed == cold
    assert resumed != first


@pytest.fixture
def store(tmp_path: Path) -> sr.FileCheckpoints:
    return sr.FileCheckpoints(tmp_path / "checkpoints")


def kept(log: sr.EventLog, store: sr.FileCheckpoints) -> Path:
    """Replay once so that the store keeps a checkpoint; its file."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sr.replay(log, checkpoints=store)
    assert store.path.exists()
    return store.path


def replayed_without_warning(log: sr.EventLog, store: sr.FileCheckpoints) -> sr.Snapshot:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return sr.replay(log, checkpoints=store)


def test_a_file_checkpoint_resumes_to_what_a_cold_replay_gives(
    log: sr.EventLog, store: sr.FileCheckpoints
) -> None:
    kept(log, store)
    log.append([CORRECTION])
    assert replayed_without_warning(log, store) == sr.replay(log)
    # and it was kept again, at the new head
    assert replayed_without_warning(log, store) == sr.replay(log)


def edited(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"halted"', b'"moving"', 1))


def edited_with_a_new_digest(path: Path) -> None:
    """An edit by someone who knows the format: the digest is made again."""
    import hashlib

    import orjson

    body = path.read_bytes().rstrip(b"\n").rpartition(b"\n")[0] + b"\n"
    body = body.replace(b'"credibility":2', b'"credibility":9', 1)
    path.write_bytes(body + orjson.dumps({"sha256": hashlib.sha256(body).hexdigest()}) + b"\n")


def truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def emptied(path: Path) -> None:
    path.write_bytes(b"")


def not_json(path: Path) -> None:
    path.write_bytes(b"\x00\xff garbage\n")


DAMAGE = {
    "edited": edited,
    "edited, digest made again": edited_with_a_new_digest,
    "truncated": truncated,
    "emptied": emptied,
    "not JSON": not_json,
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_checkpoint_file_costs_a_full_replay_and_a_warning(
    log: sr.EventLog, store: sr.FileCheckpoints, damage: object
) -> None:
    path = kept(log, store)
    damage(path)  # type: ignore[operator]
    log.append([CORRECTION])
    with pytest.warns(sr.CheckpointWarning, match="replaying the whole log"):
        snapshot = sr.replay(log, checkpoints=store)
    assert snapshot == sr.replay(log)
    # the replay kept a good checkpoint in its place
    assert replayed_without_warning(log, store) == snapshot


def test_another_logs_checkpoint_costs_a_full_replay_and_a_warning(
    log: sr.EventLog, store: sr.FileCheckpoints
) -> None:
    with sr.open_log("memory:") as other:
        other.append(
            [sr.ConvoyMove(id="x", occurred="2017-09-01", convoy="other", status="moving")]
        )
        other.append(STORY[:2])
        kept(other, store)
    with pytest.warns(sr.CheckpointWarning, match="does not fit this log"):
        snapshot = sr.replay(log, checkpoints=store)
    assert snapshot == sr.replay(log)


def test_a_checkpoint_of_a_log_since_rewritten_costs_a_full_replay_and_a_warning(
    tmp_path: Path, store: sr.FileCheckpoints
) -> None:
    path = tmp_path / "log.jsonl"
    with sr.open_log(path) as log:
        log.append(STORY)
        kept(log, store)
    path.unlink()
    with sr.open_log(path) as log:  # a shorter log under the same name
        log.append(STORY[:1])
        with pytest.warns(sr.CheckpointWarning):
            snapshot = sr.replay(log, checkpoints=store)
        assert snapshot == sr.replay(log)


def test_a_checkpoint_of_other_projections_costs_a_full_replay_and_a_warning(
    log: sr.EventLog, store: sr.FileCheckpoints
) -> None:
    kept(log, store)
    fewer = [p for p in builtin_projections() if p.name != "stances"]
    with pytest.warns(sr.CheckpointWarning, match="other projections"):
        snapshot = sr.replay(log, fewer, checkpoints=store)
    assert snapshot == sr.replay(log, fewer)


def test_a_checkpoint_whose_events_no_longer_validate_is_not_used(
    log: sr.EventLog, store: sr.FileCheckpoints
) -> None:
    path = kept(log, store)
    edited_with_a_new_digest(path)
    with pytest.warns(sr.CheckpointWarning, match="credibility"):
        assert sr.replay(log, checkpoints=store) == sr.replay(log)
