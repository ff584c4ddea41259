"""What every log backend must do, run once per backend (see ``log_target``)."""

from __future__ import annotations

import hashlib
import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import attrs
import pytest

from sitrep_core import (
    AppendResult,
    ConflictError,
    DuplicateIdError,
    Event,
    EventLog,
    RawRecord,
    Record,
    Retraction,
    Statement,
    StoreError,
    ValidationError,
    open_log,
)

GENESIS = "0" * 64


def chain_hash(position: int, prev: str, event_bytes: bytes) -> str:
    """The chain hash as docs/log-records.md defines it (not the library's code)."""
    head = f"sitrep-chain-v1\n{position}\n{prev}\n".encode()
    return hashlib.sha256(head + event_bytes).hexdigest()


if TYPE_CHECKING:
    from conftest import StepClock, Targets

MakeEvent = Callable[..., Event]


@contextmanager
def opened(target: str, clock: StepClock | None = None) -> Iterator[EventLog]:
    """Open a log, with the clock when the backend takes one."""
    log = open_log(target, clock=clock) if clock is not None else open_log(target)
    try:
        yield log
    finally:
        log.close()


def takes_clock(log: EventLog) -> bool:
    return "clock" in inspect.signature(type(log)).parameters


def ids(records: Iterator[Record] | tuple[Record, ...] | list[Record]) -> list[str]:
    return [r.event.id for r in records]


def everything(log: EventLog) -> list[Record]:
    return list(log.read())


# -- append ------------------------------------------------------------------------------


def test_append_assigns_gapless_positions_from_one(
    log_target: str, make_event: MakeEvent, clock: StepClock
) -> None:
    with opened(log_target, clock) as log:
        assert log.head == 0
        assert everything(log) == []
        first = log.append([make_event(0, id="a"), make_event(1, id="b")])
        second = log.append([make_event(2, id="c")])
        third = log.append([make_event(n, id=f"d{n}") for n in range(3, 8)])
        assert isinstance(first, AppendResult)
        assert [r.position for r in first.records] == [1, 2]
        assert [r.position for r in second.records] == [3]
        assert [r.position for r in third.records] == [4, 5, 6, 7, 8]
        assert (first.head, second.head, third.head) == (2, 3, 8)
        assert first.skipped == second.skipped == ()
        assert log.head == 8
        assert [r.position for r in everything(log)] == list(range(1, 9))


def test_append_returns_records_linked_in_a_chain(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        records = log.append([make_event(n, id=f"e{n}") for n in range(3)]).records
        records += log.append([make_event(3, id="e3")]).records
        prev = GENESIS
        for record in records:
            assert record.prev == prev
            data = log.codec.encode(record.event)
            assert record.hash == chain_hash(record.position, record.prev, data)
            prev = record.hash
        assert everything(log) == list(records)


def test_append_sets_recorded_from_the_clock(
    log_target: str, make_event: MakeEvent, clock: StepClock
) -> None:
    with opened(log_target, clock) as log:
        if not takes_clock(log):
            pytest.skip(f"{type(log).__name__} takes no clock")
        given = datetime(2017, 8, 30, 16, 50, tzinfo=UTC)
        kept = attrs.evolve(make_event(1, id="kept"), recorded=given)
        result = log.append([make_event(0, id="auto-1"), kept, make_event(2, id="auto-2")])
        # one batch, one moment: the store reads its clock once per append
        assert [r.event.recorded for r in result.records] == [
            datetime(2017, 9, 2, 12, 0, tzinfo=UTC),
            given,
            datetime(2017, 9, 2, 12, 0, tzinfo=UTC),
        ]
        later = log.append([make_event(3, id="auto-3")]).records[0]
        assert later.event.recorded == datetime(2017, 9, 2, 12, 0, 1, tzinfo=UTC)
        stored = {r.event.id: r.event.recorded for r in everything(log)}
        assert stored == {r.event.id: r.event.recorded for r in [*result.records, later]}


def test_append_without_a_clock_records_now(log_target: str, make_event: MakeEvent) -> None:
    before = datetime.now(UTC)
    with opened(log_target) as log:
        recorded = log.append([make_event(0)]).records[0].event.recorded
    assert recorded is not None
    assert before <= recorded <= datetime.now(UTC)


def test_stored_events_read_back_equal(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        written = log.append([make_event(n, id=f"e{n}") for n in range(8)]).records
        assert [r.event for r in everything(log)] == [r.event for r in written]
        # the content is what was given, apart from the recorded time the store chose
        for n, record in enumerate(written):
            assert attrs.evolve(record.event, recorded=None) == make_event(n, id=f"e{n}")


def test_append_of_an_empty_batch_writes_nothing(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a")])
        result = log.append([])
        assert (result.records, result.skipped, result.head) == ((), (), 1)
        assert log.head == 1


def test_append_refuses_what_is_not_an_event(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        with pytest.raises(TypeError, match="item 1"):
            log.append([make_event(0, id="a"), {"type": "strike"}])  # type: ignore[list-item]
        assert log.head == 0


def test_append_takes_any_iterable(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        result = log.append(make_event(n, id=f"g{n}") for n in range(3))
        assert result.head == 3


# -- batches are atomic ------------------------------------------------------------------


def test_a_batch_with_a_conflicting_duplicate_writes_nothing(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a")])
        batch = [make_event(1, id="b"), make_event(2, id="c"), make_event(0, id="a", variant=1)]
        with pytest.raises(DuplicateIdError) as caught:
            log.append(batch)
        assert (caught.value.event_id, caught.value.position) == ("a", 1)
        assert log.head == 1
        assert ids(everything(log)) == ["a"]
        assert log.get("b") is None
        # the good part of the batch is not half-remembered either
        assert log.append([make_event(1, id="b")]).records[0].position == 2


def test_a_batch_with_a_bad_revision_link_writes_nothing(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        batch = [make_event(0, id="a"), Retraction(occurred="2017-09", retracts="nowhere")]
        with pytest.raises(ValidationError):
            log.append(batch)
        assert log.head == 0
        assert everything(log) == []


def test_a_batch_is_all_or_nothing_after_reopen(targets: Targets, make_event: MakeEvent) -> None:
    if not targets.reopens:
        pytest.skip("a memory log is gone once closed")
    target = targets.new()
    with opened(target) as log:
        log.append([make_event(n, id=f"ok{n}") for n in range(3)])
        with pytest.raises(DuplicateIdError):
            log.append([make_event(9, id="new"), make_event(0, id="ok0", variant=2)])
    with opened(target) as log:
        assert ids(everything(log)) == ["ok0", "ok1", "ok2"]
        assert log.verify().ok


# -- idempotent append -------------------------------------------------------------------


def test_same_id_same_content_is_skipped_and_reported(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a"), make_event(1, id="b")])
        result = log.append([make_event(1, id="b"), make_event(2, id="c"), make_event(0, id="a")])
        assert result.skipped == ("b", "a")
        assert ids(result.records) == ["c"]
        assert [r.position for r in result.records] == [3]
        assert result.head == 3
        assert ids(everything(log)) == ["a", "b", "c"]


def test_a_retried_batch_is_a_no_op(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        batch = [make_event(n, id=f"r{n}") for n in range(5)]
        first = log.append(batch)
        again = log.append(batch)
        assert again.records == ()
        assert again.skipped == tuple(f"r{n}" for n in range(5))
        assert again.head == first.head == 5
        # the records the store returned (with their recorded time) are the same content
        echoed = log.append([r.event for r in first.records])
        assert echoed.records == () and len(echoed.skipped) == 5
        assert log.head == 5


def test_same_id_with_recorded_omitted_matches_the_stored_time(
    log_target: str, make_event: MakeEvent, clock: StepClock
) -> None:
    with opened(log_target, clock) as log:
        stored = log.append([make_event(0, id="a")]).records[0].event
        assert stored.recorded is not None
        assert make_event(0, id="a").recorded is None
        result = log.append([make_event(0, id="a")])
        assert result.skipped == ("a",) and result.records == ()
        # a recorded time given explicitly is content: a different one is a conflict
        other = attrs.evolve(make_event(0, id="a"), recorded=datetime(2001, 1, 1, tzinfo=UTC))
        with pytest.raises(DuplicateIdError):
            log.append([other])
        assert log.head == 1


def test_same_id_other_content_is_refused(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a")])
        with pytest.raises(DuplicateIdError, match="position 1") as caught:
            log.append([make_event(0, id="a", variant=1)])
        assert isinstance(caught.value, ConflictError)
        assert log.head == 1
        assert everything(log)[0].event == log.get("a").event  # type: ignore[union-attr]


def test_same_id_twice_in_one_batch(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        result = log.append([make_event(0, id="a"), make_event(0, id="a")])
        assert ids(result.records) == ["a"] and result.skipped == ("a",)
        with pytest.raises(DuplicateIdError):
            log.append([make_event(1, id="b"), make_event(1, id="b", variant=3)])
        assert ids(everything(log)) == ["a"]


def test_same_id_as_another_type_is_refused(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a")])  # an evacuation
        with pytest.raises(DuplicateIdError):
            log.append([make_event(1, id="a")])  # a convoy move
        assert log.head == 1


# -- optimistic concurrency --------------------------------------------------------------


def test_expected_position_matching_the_head_appends(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        assert log.append([make_event(0, id="a")], expected_position=0).head == 1
        assert log.append([make_event(1, id="b")], expected_position=1).head == 2


def test_stale_expected_position_is_a_conflict_and_writes_nothing(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a"), make_event(1, id="b")])
        for stale in (0, 1, 3):
            with pytest.raises(ConflictError) as caught:
                log.append([make_event(2, id="c")], expected_position=stale)
            assert not isinstance(caught.value, DuplicateIdError)
            assert (caught.value.expected, caught.value.actual) == (stale, 2)
        assert log.head == 2
        assert log.get("c") is None
        assert ids(everything(log)) == ["a", "b"]


def test_a_stale_retry_of_stored_events_succeeds_as_a_no_op(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        batch = [make_event(0, id="a"), make_event(1, id="b")]
        log.append(batch, expected_position=0)
        log.append([make_event(2, id="c")])
        # the first writer did not see its answer and retries with what it expected then
        retry = log.append(batch, expected_position=0)
        assert retry.records == () and retry.skipped == ("a", "b")
        assert retry.head == 3
        # but a retry that would write anything new is still a conflict
        with pytest.raises(ConflictError):
            log.append([*batch, make_event(3, id="d")], expected_position=0)
        assert log.head == 3


def test_read_head_then_append_is_the_compare_and_set(
    targets: Targets, make_event: MakeEvent
) -> None:
    if not targets.reopens:
        pytest.skip("two handles on one memory log need the one object")
    target = targets.new()
    with opened(target) as one, opened(target) as two:
        seen_one, seen_two = one.head, two.head
        one.append([make_event(0, id="from-one")], expected_position=seen_one)
        with pytest.raises(ConflictError):
            two.append([make_event(1, id="from-two")], expected_position=seen_two)
        # two reads the new head and tries again
        two.append([make_event(1, id="from-two")], expected_position=two.head)
        assert ids(everything(one)) == ids(everything(two)) == ["from-one", "from-two"]


# -- revisions must name an existing event -------------------------------------------------


def test_corrects_and_retracts_must_name_an_existing_event(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a")])
        correction = attrs.evolve(make_event(0, id="a2", variant=1), corrects="missing")
        with pytest.raises(ValidationError) as caught:
            log.append([correction])
        assert caught.value.field == "corrects"
        with pytest.raises(ValidationError) as caught:
            log.append([Retraction(id="r", occurred="2017-09", retracts="missing")])
        assert caught.value.field == "retracts"
        assert log.head == 1
        result = log.append(
            [
                attrs.evolve(make_event(0, id="a2", variant=1), corrects="a"),
                Retraction(id="r", occurred="2017-09", retracts="a", reason="duplicate report"),
            ]
        )
        assert ids(result.records) == ["a2", "r"]


def test_a_revision_may_name_an_event_earlier_in_its_batch(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        result = log.append(
            [make_event(0, id="a"), Retraction(id="r", occurred="2017-09", retracts="a")]
        )
        assert ids(result.records) == ["a", "r"]
        with pytest.raises(ValidationError):
            log.append(
                [Retraction(id="r2", occurred="2017-09", retracts="b"), make_event(1, id="b")]
            )
        assert log.head == 2


# -- reading -------------------------------------------------------------------------------


@pytest.fixture
def filled(log_target: str, make_event: MakeEvent) -> Iterator[EventLog]:
    """A log of 12 events (types cycle evacuation, convoy-move, strike, statement)."""
    with opened(log_target) as log:
        log.append([make_event(n, id=f"e{n}") for n in range(5)])
        log.append([make_event(n, id=f"e{n}") for n in range(5, 6)])
        log.append([make_event(n, id=f"e{n}") for n in range(6, 12)])
        yield log


def test_read_from_a_position(filled: EventLog) -> None:
    every = everything(filled)
    for start in (1, 2, 5, 6, 7, 12):
        assert list(filled.read(start)) == every[start - 1 :]
    assert list(filled.read(13)) == []
    assert list(filled.read(100)) == []
    assert list(filled.read(0)) == every
    assert list(filled.read(-5)) == every
    assert list(filled) == every
    assert list(filled.events(11)) == [r.event for r in every[10:]]


def test_read_filtered_by_types(filled: EventLog) -> None:
    strikes = list(filled.read(types={"strike"}))
    assert [r.position for r in strikes] == [3, 7, 11]
    assert all(r.event.TYPE == "strike" for r in strikes)
    two = list(filled.read(4, types=["statement", "evacuation"]))
    assert [r.position for r in two] == [4, 5, 8, 9, 12]
    assert list(filled.read(types=())) == []
    assert list(filled.read(types={"no-such-type"})) == []
    assert [e.id for e in filled.events(types={"convoy-move"})] == ["e1", "e5", "e9"]


def test_read_is_a_stream(filled: EventLog) -> None:
    stream = filled.read()
    first = next(stream)
    assert first.position == 1
    stream.close()


def test_get_by_id(filled: EventLog) -> None:
    every = {r.event.id: r for r in everything(filled)}
    for event_id in ("e0", "e4", "e5", "e11"):
        assert filled.get(event_id) == every[event_id]
    assert filled.get("nope") is None


def test_verify_a_fresh_and_a_filled_log(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        empty = log.verify()
        assert empty.ok and bool(empty)
        assert (empty.checked, empty.head, empty.head_hash) == (0, 0, GENESIS)
        last = log.append([make_event(n, id=f"v{n}") for n in range(7)]).records[-1]
        result = log.verify()
        assert result.ok, str(result)
        assert (result.checked, result.head, result.head_hash) == (7, 7, last.hash)
        assert result.problem is None
        assert str(result).startswith("ok: 7 records")


# -- reopening -----------------------------------------------------------------------------


def test_reopen_keeps_everything(targets: Targets, make_event: MakeEvent, clock: StepClock) -> None:
    if not targets.reopens:
        pytest.skip("a memory log is gone once closed")
    target = targets.new()
    with opened(target, clock) as log:
        log.append([make_event(n, id=f"k{n}") for n in range(4)])
        log.append([make_event(4, id="k4")])
        before = everything(log)
        tip = log.verify()
    with opened(target) as log:
        assert log.head == 5
        assert everything(log) == before
        assert log.get("k2") == before[2]
        again = log.verify()
        assert again.ok and again.head_hash == tip.head_hash
        # ids and content survive: a retry is still a no-op, a clash still an error
        assert log.append([make_event(1, id="k1")]).skipped == ("k1",)
        with pytest.raises(DuplicateIdError):
            log.append([make_event(1, id="k1", variant=1)])
        with pytest.raises(ConflictError):
            log.append([make_event(5, id="k5")], expected_position=4)
        added = log.append([make_event(5, id="k5")], expected_position=5).records[0]
        assert added.position == 6 and added.prev == tip.head_hash
    with opened(target) as log:
        assert [r.position for r in everything(log)] == list(range(1, 7))
        assert log.verify().ok


def test_open_without_create_refuses_a_missing_log(targets: Targets) -> None:
    if targets.backend not in ("jsonl", "sqlite"):
        pytest.skip("only file stores can be missing")
    target = targets.new()
    with pytest.raises(FileNotFoundError):
        open_log(target, create=False)


def test_a_closed_log_cannot_be_used(targets: Targets, make_event: MakeEvent) -> None:
    if not targets.reopens:
        pytest.skip("a memory log holds nothing open")
    with opened(targets.new()) as log:
        pass
    with pytest.raises(Exception):  # the type is the backend's own
        log.append([make_event(0)])


# -- one interface: follow, raw records, the same errors everywhere -----------------------


def test_follow_is_part_of_every_log(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        log.append([make_event(n, id=f"f{n}") for n in range(3)])
        assert [r.position for r in log.follow(2, poll_interval=0.01, timeout=0.05)] == [2, 3]
        stop = threading.Event()
        seen = []
        for record in log.follow(1, poll_interval=0.01, stop=stop):
            seen.append(record.event.id)
            if record.position == 3:
                log.append([make_event(3, id="f3")])
            if record.position == 4:
                stop.set()
        assert seen == ["f0", "f1", "f2", "f3"]


def test_raw_records_are_the_stored_bytes_the_hashes_cover(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        records = log.append([make_event(n, id=f"r{n}") for n in range(4)]).records
        raw = list(log.raw_records())
        assert all(isinstance(r, RawRecord) for r in raw)
        assert [(r.position, r.prev, r.hash) for r in raw] == [
            (r.position, r.prev, r.hash) for r in records
        ]
        for row, record in zip(raw, records, strict=True):
            assert row.hash == chain_hash(row.position, row.prev, row.event_bytes)
            assert row.event_bytes == log.codec.encode(record.event)
        assert list(log.raw_records(3)) == raw[2:]


def test_append_raw_continues_the_chain_with_the_same_hashes(
    targets: Targets, make_event: MakeEvent
) -> None:
    with opened(targets.new()) as source, opened(targets.new()) as target:
        source.append([make_event(n, id=f"c{n}") for n in range(5)])
        raw = list(source.raw_records())
        assert target.append_raw(raw[:2]).head == 2
        with pytest.raises(ConflictError) as caught:  # does not continue this log's chain
            target.append_raw(raw[3:])
        assert (caught.value.expected, caught.value.actual) == (3, 2)
        forged = attrs.evolve(
            raw[2], event_bytes=raw[2].event_bytes.replace(b"qalamoun", b"Qalamoun")
        )
        with pytest.raises(ValidationError, match="does not match its hash") as refused:
            target.append_raw([forged, *raw[3:]])
        assert refused.value.index == 0
        result = target.append_raw(raw[2:])
        assert [r.position for r in result.records] == [3, 4, 5]
        assert list(target.raw_records()) == raw
        assert [r.event for r in target.read()] == [r.event for r in source.read()]


def test_a_duplicate_says_which_event_of_the_batch(log_target: str, make_event: MakeEvent) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a")])
        batch = [make_event(1, id="b"), make_event(0, id="a", variant=1)]
        with pytest.raises(DuplicateIdError) as caught:
            log.append(batch)
        error = caught.value
        assert (error.event_id, error.position, error.index) == ("a", 1, 1)
        assert isinstance(error, ConflictError) and isinstance(error, StoreError)
        assert error.committed is False
        assert log.head == 1


def test_on_duplicate_error_refuses_a_batch_holding_a_stored_id(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a")])
        batch = [make_event(1, id="b"), make_event(0, id="a"), make_event(2, id="c")]
        with pytest.raises(DuplicateIdError) as caught:
            log.append(batch, on_duplicate="error")
        assert (caught.value.index, caught.value.position) == (1, 1)
        assert caught.value.same_content
        assert log.head == 1 and log.get("b") is None
        skipped = log.append(batch)  # the default skips it and appends the rest
        assert skipped.skipped == ("a",) and ids(skipped.records) == ["b", "c"]
        with pytest.raises(ValueError, match="on_duplicate"):
            log.append(batch, on_duplicate="ignore")  # type: ignore[arg-type]


def test_a_revision_naming_no_event_says_which_event_of_the_batch(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        batch = [make_event(0, id="a"), Retraction(id="r", occurred="2017-09", retracts="zz")]
        with pytest.raises(ValidationError) as caught:
            log.append(batch)
        assert (caught.value.field, caught.value.index) == ("retracts", 1)


def test_a_stale_position_is_a_conflict_naming_the_log(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a")])
        with pytest.raises(ConflictError) as caught:
            log.append([make_event(1, id="b")], expected_position=0)
        assert type(caught.value) is ConflictError
        assert (caught.value.expected, caught.value.actual, caught.value.stream) == (0, 1, None)
        assert caught.value.source == log.name and caught.value.committed is False


def test_what_the_line_format_cannot_read_back_is_refused(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        huge = attrs.evolve(make_event(1, id="huge"), notes="x" * (2 << 20))
        with pytest.raises(ValidationError, match="bytes") as caught:
            log.append([make_event(0, id="ok"), huge])
        assert caught.value.index == 1
        lone = Statement(
            id="lone",
            occurred="2017-09",
            speaker="someone",
            subject="a subject",
            stances=("warns",),
            quote="half a pair \ud800",
        )
        with pytest.raises(ValidationError) as caught:
            log.append([lone])
        assert caught.value.index == 0
        assert log.head == 0


def test_exclusive_holds_the_lock_for_a_read_a_decision_and_an_append(
    log_target: str, make_event: MakeEvent
) -> None:
    with opened(log_target) as log:
        log.append([make_event(0, id="a")])
        with log.exclusive() as held:
            assert held is log
            seen = log.head
            version = log.stream_version("convoy:qalamoun-convoy")
            log.append(
                [make_event(1, id="b")],
                expected_position=seen,
                expected_versions={"convoy:qalamoun-convoy": version},
            )
            log.append([make_event(2, id="c")], expected_position=seen + 1)
        assert ids(everything(log)) == ["a", "b", "c"] and log.verify()
        with pytest.raises(ConflictError), log.exclusive():
            log.append([make_event(3, id="d")], expected_position=0)
        assert log.append([make_event(3, id="d")]).head == 4  # the lock was let go
