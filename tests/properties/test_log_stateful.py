"""Every backend against a plain list: random appends, retries, clashes, reopens, reads.

The default run is short (a few seconds a backend). For a longer hunt::

    SITREP_STATEFUL_EXAMPLES=500 SITREP_STATEFUL_STEPS=40 python -m pytest tests/properties

(``SITREP_TRIALS_SCALE`` multiplies the default number of examples: ``tests/_trials.py``.)
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
from _trials import trials
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from sitrep_core import ConflictError, DuplicateIdError, Event, EventLog, open_log
from sitrep_core.stores._jsonl_index import index_path

if TYPE_CHECKING:
    from conftest import Targets

EXAMPLES = trials("SITREP_STATEFUL_EXAMPLES", 10)
STEPS = int(os.environ.get("SITREP_STATEFUL_STEPS", "15"))


SPOILS = ("deleted", "cut short", "garbage", "a row lost", "lines moved", "streams lost")


def spoil_copy(copy: Path, spoil: str) -> None:
    if not copy.exists():
        return
    if spoil == "deleted":
        copy.unlink()
    elif spoil == "cut short":
        copy.write_bytes(copy.read_bytes()[: copy.stat().st_size // 2])
    elif spoil == "garbage":
        copy.write_bytes(b"not an index\n" * 8)
    else:
        statement = {
            "a row lost": "DELETE FROM records WHERE position = (SELECT count(*) FROM records)",
            "lines moved": "UPDATE records SET at = at + 1",
            "streams lost": "DELETE FROM streams",
        }[spoil]
        try:
            with sqlite3.connect(copy) as connection:
                connection.execute(statement)
        except sqlite3.DatabaseError:
            pass  # already not a database: spoilt enough
        finally:
            connection.close()


def machine_for(
    targets: Targets, events: st.SearchStrategy[Event]
) -> Callable[[], RuleBasedStateMachine]:
    """A state machine class over a new log of ``targets``' backend per example."""

    class LogMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.target = targets.new()
            self.log: EventLog = open_log(self.target)
            self.model: list[Event] = []  # what the log must hold, as it returned it
            self.fresh = 0

        def _fresh(self, drafts: list[Event]) -> list[Event]:
            batch = []
            for draft in drafts:
                self.fresh += 1
                batch.append(attrs.evolve(draft, id=f"ev-{self.fresh}"))
            return batch

        @initialize()
        def empty(self) -> None:
            assert self.log.head == 0
            assert list(self.log.read()) == []

        @rule(drafts=st.lists(events, min_size=1, max_size=4), guarded=st.booleans())
        def append(self, drafts: list[Event], guarded: bool) -> None:
            batch = self._fresh(drafts)
            expected = len(self.model) if guarded else None
            result = self.log.append(batch, expected_position=expected)
            assert result.skipped == ()
            assert [r.position for r in result.records] == list(
                range(len(self.model) + 1, len(self.model) + len(batch) + 1)
            )
            for given, record in zip(batch, result.records, strict=True):
                assert attrs.evolve(record.event, recorded=given.recorded) == given
            self.model.extend(r.event for r in result.records)
            assert result.head == len(self.model)

        @precondition(lambda self: self.model)
        @rule(data=st.data(), omit_recorded=st.booleans(), stale=st.booleans())
        def duplicate_append(self, data: st.DataObject, omit_recorded: bool, stale: bool) -> None:
            picked = data.draw(st.lists(st.sampled_from(self.model), min_size=1, max_size=4))
            if omit_recorded:
                picked = [attrs.evolve(e, recorded=None) for e in picked]
            # a retry of stored events succeeds even when the writer's view is stale
            expected = data.draw(st.integers(0, len(self.model))) if stale else None
            result = self.log.append(picked, expected_position=expected)
            assert result.records == ()
            assert result.skipped == tuple(e.id for e in picked)
            assert result.head == len(self.model)

        @precondition(lambda self: self.model)
        @rule(data=st.data(), drafts=st.lists(events, max_size=2))
        def conflicting_duplicate(self, data: st.DataObject, drafts: list[Event]) -> None:
            stored = data.draw(st.sampled_from(self.model))
            other = attrs.evolve(stored, notes=f"{stored.notes or ''} (revised)")
            batch = self._fresh(drafts)
            batch.insert(data.draw(st.integers(0, len(batch))), other)
            try:
                self.log.append(batch)
            except DuplicateIdError as exc:
                assert exc.event_id == stored.id
                assert exc.position == self.model.index(stored) + 1
            else:
                raise AssertionError("other content under a stored id was accepted")

        @precondition(lambda self: self.model)
        @rule(data=st.data(), drafts=st.lists(events, min_size=1, max_size=3))
        def stale_append(self, data: st.DataObject, drafts: list[Event]) -> None:
            head = len(self.model)
            stale = data.draw(
                st.integers(0, head - 1) | st.integers(head + 1, head + 5), label="stale"
            )
            try:
                self.log.append(self._fresh(drafts), expected_position=stale)
            except DuplicateIdError:
                raise AssertionError("fresh ids reported as duplicates") from None
            except ConflictError as exc:
                assert (exc.expected, exc.actual) == (stale, head)
            else:
                raise AssertionError("an append with a stale position was accepted")

        @precondition(lambda self: targets.reopens)
        @rule()
        def reopen(self) -> None:
            self.log.close()
            self.log = open_log(self.target)

        @precondition(lambda self: targets.backend == "jsonl" and self.model)
        @rule(spoil=st.sampled_from(SPOILS))
        def spoil_the_index_copy(self, spoil: str) -> None:
            """The copy of the index beside a JSON Lines log lost, damaged or pointing
            elsewhere: the log behaves the same, before and after a reopen."""
            self.log.close()
            spoil_copy(index_path(Path(self.target)), spoil)
            self.log = open_log(self.target)

        @rule(data=st.data())
        def read_from(self, data: st.DataObject) -> None:
            start = data.draw(st.integers(-1, len(self.model) + 2), label="from")
            records = list(self.log.read(start))
            assert [r.event for r in records] == self.model[max(start, 1) - 1 :]
            assert [r.position for r in records] == list(range(max(start, 1), len(self.model) + 1))

        @rule(data=st.data())
        def read_types(self, data: st.DataObject) -> None:
            types = data.draw(st.sets(st.sampled_from(("strike", "statement", "evacuation"))))
            got = [r.event for r in self.log.read(types=types)]
            assert got == [e for e in self.model if e.TYPE in types]

        @precondition(lambda self: self.model)
        @rule(data=st.data())
        def get(self, data: st.DataObject) -> None:
            position = data.draw(st.integers(1, len(self.model)))
            record = self.log.get(self.model[position - 1].id)
            assert record is not None
            assert (record.position, record.event) == (position, self.model[position - 1])

        @rule(data=st.data())
        def read_stream(self, data: st.DataObject) -> None:
            streams = sorted({self._stream_of(e) for e in self.model}) or ["convoy:none"]
            stream = data.draw(st.sampled_from(streams), label="stream")
            expected = [e for e in self.model if self._stream_of(e) == stream]
            records = list(self.log.read(stream=stream))
            assert [r.event for r in records] == expected
            assert all(r.stream == stream for r in records)
            assert self.log.stream_version(stream) == len(expected)

        @rule(data=st.data(), drafts=st.lists(events, min_size=1, max_size=3))
        def append_to_streams(self, data: st.DataObject, drafts: list[Event]) -> None:
            """A writer that decided from some streams' versions: the append goes through
            when every one is what the model holds, else nothing is written."""
            batch = self._fresh(drafts)
            streams = sorted({self._stream_of(e) for e in self.model} | {"convoy:elsewhere"})
            chosen = data.draw(st.lists(st.sampled_from(streams), max_size=3, unique=True))
            versions = {}
            for stream in chosen:
                true = sum(1 for e in self.model if self._stream_of(e) == stream)
                versions[stream] = data.draw(
                    st.sampled_from([true, true, true + 1, max(true - 1, 0)])
                )
            stale = [
                s
                for s, v in versions.items()
                if v != sum(1 for e in self.model if self._stream_of(e) == s)
            ]
            try:
                result = self.log.append(batch, expected_versions=versions)
            except ConflictError as exc:
                assert stale and exc.stream in stale
                return
            assert not stale
            self.model.extend(r.event for r in result.records)
            for record in result.records:
                assert record.stream == self._stream_of(record.event)

        def _stream_of(self, event: Event) -> str:
            """The stream the model puts an event in: that of the event it revises."""
            link = event.corrects or event.retracts
            if link is not None:
                return self._stream_of(next(e for e in self.model if e.id == link))
            return event.stream

        @invariant()
        def verifies(self) -> None:
            result = self.log.verify()
            assert result.ok, str(result)
            assert result.checked == result.head == len(self.model) == self.log.head

        def teardown(self) -> None:
            self.log.close()

    return LogMachine


def test_log_behaves_like_a_list(
    targets: Targets, events_strategy: Callable[[], st.SearchStrategy[Event]]
) -> None:
    run_state_machine_as_test(
        machine_for(targets, events_strategy()),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
