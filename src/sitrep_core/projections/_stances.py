"""Stances: where each actor stands on each subject, since when, in whose words."""

from __future__ import annotations

import heapq
from typing import Any

import attrs

from ..model._events import (
    Event,
    Statement,
)
from ._base import Change, ViewContext
from ._directory import Directory
from ._indexed import IndexedProjection, Ordered, latest_key, recorded_iso


@attrs.frozen
class StanceEntry:
    occurred: str
    stance: str
    speaker: str
    quote: str | None
    audience: str | None
    sources: tuple[str, ...]
    event_id: str
    recorded: str | None


@attrs.frozen
class StanceView:
    """Where an actor stands on a subject now, since when, and how it got there."""

    actor: str
    actor_name: str
    subject: str
    stance: str
    since: str
    speaker: str
    quote: str | None
    history: tuple[StanceEntry, ...]
    history_omitted: int = 0
    """Earlier statements a report leaves out of ``history`` (it keeps the latest)."""


RawGroup = tuple[str, str, str]
"""Statements grouped as written: ("actor", actor, subject) or ("speaker", speaker, subject)."""


class _Group:
    __slots__ = ("members", "view")

    def __init__(self) -> None:
        self.members: list[Ordered[StanceEntry]] = []
        self.view: StanceView | None = None


class _Stances:
    """Statements by the actor or speaker as written, in order; the views of the groups
    those resolve to, kept until a statement of theirs comes or goes or names change."""

    __slots__ = ("dirty", "groups", "names", "raw", "view")

    def __init__(self) -> None:
        self.raw: dict[RawGroup, Ordered[StanceEntry]] = {}
        self.dirty: set[RawGroup] = set()
        self.groups: dict[tuple[str, str], _Group] = {}
        self.names: Any = None
        self.view: tuple[StanceView, ...] | None = None


def _raw_group(event: Statement) -> RawGroup:
    if event.actor:
        return ("actor", event.actor, event.subject)
    return ("speaker", event.speaker, event.subject)


class StancesProjection(IndexedProjection[tuple[StanceView, ...]]):
    """Per actor and subject: the current stance and its dated history, with quotes."""

    name = "stances"
    version = 1
    types = frozenset({"statement"})

    def new_index(self) -> _Stances:
        return _Stances()

    def index_add(self, index: _Stances, event: Event, position: int) -> None:
        assert isinstance(event, Statement)
        raw = _raw_group(event)
        found = index.raw.get(raw)
        if found is None:
            found = index.raw[raw] = Ordered()
        found.add(latest_key(event, position), event)
        index.dirty.add(raw)
        index.view = None

    def index_remove(self, index: _Stances, event: Event, position: int) -> None:
        assert isinstance(event, Statement)
        raw = _raw_group(event)
        found = index.raw.get(raw)
        if found is not None and found.remove(latest_key(event, position)):
            if not found:
                del index.raw[raw]
            index.dirty.add(raw)
            index.view = None

    def index_view(self, index: _Stances, context: ViewContext) -> tuple[StanceView, ...]:
        names: Directory = context.names
        if index.view is not None and index.names is names:
            return index.view
        if index.names is not names:
            index.names = names
            index.dirty = set(index.raw)
            index.groups = {}
        resolved: dict[tuple[str, str], tuple[str, list[Ordered[StanceEntry]]]] = {}
        for raw, statements in index.raw.items():
            kind, who, subject = raw
            actor = names.actor(who) if kind == "actor" else names.speaker_actor(who)
            key = actor.key if actor else who
            display = actor.name if actor else key
            found = resolved.get((key, subject))
            if found is None:
                resolved[(key, subject)] = (display, [statements])
            else:
                found[1].append(statements)
        touched = {(k, raw[2]) for raw in index.dirty for k in [self._key(raw, names)]}
        index.dirty = set()
        groups: dict[tuple[str, str], _Group] = {}
        ordered: list[tuple[str, str, int, StanceView]] = []
        for (key, subject), (display, members) in resolved.items():
            group = index.groups.get((key, subject))
            if group is None or (key, subject) in touched or group.members != members:
                group = _Group()
                group.members = members
                group.view = self._group_view(key, display, subject, members, names)
            groups[(key, subject)] = group
            assert group.view is not None
            first = min(m.first_key() or 0 for m in members)
            ordered.append((display.casefold(), subject, first, group.view))
        index.groups = groups
        ordered.sort(key=lambda item: item[:3])
        index.view = tuple(item[3] for item in ordered)
        return index.view

    @staticmethod
    def _key(raw: RawGroup, names: Directory) -> str:
        kind, who, _ = raw
        actor = names.actor(who) if kind == "actor" else names.speaker_actor(who)
        return actor.key if actor else who

    @staticmethod
    def _group_view(
        key: str,
        display: str,
        subject: str,
        members: list[Ordered[StanceEntry]],
        names: Directory,
    ) -> StanceView:
        def entry(s: Event, _key: int) -> StanceEntry:
            assert isinstance(s, Statement)
            return StanceEntry(
                s.occurred.text,
                s.stance,
                names.actor_name(s.speaker),
                s.quote,
                s.audience,
                tuple(src.name for src in s.sources),
                s.id,
                recorded_iso(s),
            )

        if len(members) == 1:
            history = tuple(members[0].items(entry, names))
        else:
            merged = heapq.merge(
                *(zip(m.keys(), m.items(entry, names), strict=True) for m in members)
            )
            history = tuple(item for _, item in merged)
        now = history[-1]
        return StanceView(
            key, display, subject, now.stance, now.occurred, now.speaker, now.quote, history
        )

    def diff(self, before: tuple[StanceView, ...], after: tuple[StanceView, ...]) -> list[Change]:
        old = {(v.actor, v.subject): v for v in before}
        found: list[Change] = []
        for view in after:
            key = f"{view.actor}/{view.subject}"
            prior = old.get((view.actor, view.subject))
            if prior is view:
                continue
            said = f': "{view.quote}"' if view.quote else ""
            if prior is None:
                found.append(
                    Change(
                        "stances",
                        "stance",
                        key,
                        f"{view.actor_name} {view.stance} {view.subject}{said}",
                        None,
                        view.stance,
                    )
                )
            elif prior.stance != view.stance:
                found.append(
                    Change(
                        "stances",
                        "stance",
                        key,
                        f"{view.actor_name} on {view.subject}: "
                        f"{prior.stance} -> {view.stance}{said}",
                        prior.stance,
                        view.stance,
                    )
                )
            elif len(prior.history) != len(view.history):
                new = (
                    view.history[len(prior.history) :]
                    if prior.history == view.history[: len(prior.history)]
                    else view.history[-1:]
                )
                for entry in new:
                    words = f': "{entry.quote}"' if entry.quote else ""
                    found.append(
                        Change(
                            "stances",
                            "statement",
                            key,
                            f"{entry.speaker} {entry.stance} {view.subject}{words}",
                            event_ids=(entry.event_id,),
                        )
                    )
        return found
