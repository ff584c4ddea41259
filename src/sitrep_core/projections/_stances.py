"""Stances: where each actor stands on each subject, since when, in whose words.

A statement speaks for each of its actors (or its speaker's actor), with one or
more stances; it may name a target (who it blames or is aimed at), an audience and
a go-between. Every statement stays in its stance's history: a report that shows
only the latest says how many earlier ones there are.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from datetime import datetime

import attrs

from ..model import FuzzyTime, Source, Statement
from ._base import Change, Fact, KeyedProjection, Ref, ViewContext
from ._directory import Directory, fold_name
from ._order import latest_key


@attrs.frozen
class StanceEntry:
    """One statement, with every name resolved."""

    event_id: str
    occurred: FuzzyTime
    recorded: datetime | None
    stances: tuple[str, ...]
    speaker: Ref
    actors: tuple[Ref, ...]
    subject: Ref
    quote: str | None
    target: tuple[Ref, ...]
    audience: Ref | None
    via: Ref | None
    sources: tuple[Source, ...]
    notes: str | None = None


@attrs.frozen
class StanceView:
    """Where an actor stands on a subject now, since when, and every statement on it."""

    actor: Ref
    subject: Ref
    stances: tuple[str, ...]
    since: FuzzyTime
    latest: StanceEntry
    history: tuple[StanceEntry, ...]
    history_omitted: int = 0
    """Earlier statements a report leaves out of ``history`` (it keeps the latest)."""

    @property
    def key(self) -> str:
        return f"{self.actor.key}/{self.subject.key}"


def entry(event: Statement, names: Directory) -> StanceEntry:
    return StanceEntry(
        event.id,
        event.occurred,
        event.recorded,
        event.stances,
        names.ref(event.speaker, "actor"),
        tuple(names.ref(a, "actor") for a in event.actors),
        names.ref(event.subject, "subject"),
        event.quote,
        tuple(names.ref(t, "actor") for t in event.target),
        names.ref(event.audience, "actor") if event.audience else None,
        names.ref(event.via, "actor") if event.via else None,
        event.sources,
        event.notes,
    )


def _speaks_for(event: Statement, names: Directory) -> list[Ref]:
    if event.actors:
        return [names.ref(actor, "actor") for actor in event.actors]
    actor = names.speaker_actor(event.speaker)
    return [Ref(actor.key, "actor", actor.name) if actor else names.ref(event.speaker, "actor")]


def _asked_for(event: Statement, names: Directory, wanted: set[Hashable]) -> bool:
    """Whether the statement is part of one of the (actor, subject) items ``wanted``."""
    subject = names.ref(event.subject, "subject").key
    return any((actor.key, subject) in wanted for actor in _speaks_for(event, names))


Statements = dict[str, list[Fact]]
"""Statements by their subject as written (a key or a name)."""


class StancesProjection(KeyedProjection[Statements, StanceView]):
    """Per actor and subject: the current stance and its dated history, with quotes."""

    name = "stances"
    version = 2
    types = frozenset({"statement"})

    def initial(self) -> Statements:
        return {}

    def apply(self, state: Statements, fact: Fact) -> None:
        event = fact.event
        assert isinstance(event, Statement)
        state.setdefault(event.subject, []).append(fact)

    def keys(self, fact: Fact, names: Directory) -> list[tuple[str, str]]:
        event = fact.event
        assert isinstance(event, Statement)
        subject = names.ref(event.subject, "subject")
        return [(actor.key, subject.key) for actor in _speaks_for(event, names)]

    def view(self, state: Statements, context: ViewContext) -> tuple[StanceView, ...]:
        return self._views(state, None, context)

    def items(
        self, state: Statements, keys: Collection[Hashable], context: ViewContext
    ) -> tuple[StanceView, ...]:
        return self._views(state, set(keys), context)

    def _views(
        self, state: Statements, wanted: set[Hashable] | None, context: ViewContext
    ) -> tuple[StanceView, ...]:
        names = context.names
        subjects = None if wanted is None else {key[1] for key in wanted}  # type: ignore[index]
        facts = [
            fact
            for subject, statements in state.items()
            if subjects is None or names.ref(subject, "subject").key in subjects
            for fact in statements
        ]
        seen = context.visible(facts)
        if wanted is not None:  # only the statements of the items asked for are ordered
            seen = [fact for fact in seen if _asked_for(fact.event, names, wanted)]  # type: ignore[arg-type]
        groups: dict[tuple[str, str], tuple[Ref, Ref, list[Fact]]] = {}
        for fact in sorted(seen, key=latest_key):
            event = fact.event
            assert isinstance(event, Statement)
            subject = names.ref(event.subject, "subject")
            for actor in _speaks_for(event, names):
                if wanted is not None and (actor.key, subject.key) not in wanted:
                    continue
                found = groups.setdefault((actor.key, subject.key), (actor, subject, []))
                found[2].append(fact)
        views = []
        for actor, subject, facts in groups.values():
            history = tuple(entry(f.event, names) for f in facts)  # type: ignore[arg-type]
            latest = history[-1]
            start = len(history) - 1
            while start > 0 and history[start - 1].stances == latest.stances:
                start -= 1
            since = min((e.occurred for e in history[start:]), key=lambda t: t.sort_key)
            views.append(StanceView(actor, subject, latest.stances, since, latest, history))
        views.sort(key=lambda v: (fold_name(v.actor.name or v.actor.key), v.subject.key))
        return tuple(views)

    def diff(self, before: tuple[StanceView, ...], after: tuple[StanceView, ...]) -> list[Change]:
        old = {v.key: v for v in before}
        found: list[Change] = []
        for view in after:
            prior = old.get(view.key)
            if prior is None or prior.stances != view.stances:
                found.append(
                    Change(
                        "stances",
                        "stance",
                        view.key,
                        view.actor,
                        prior,
                        view,
                        (view.latest.event_id,),
                    )
                )
        return found
