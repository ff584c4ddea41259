"""Stances: where each actor stands on each subject, since when, in whose words."""

from __future__ import annotations

from collections import defaultdict

import attrs

from ._directory import Directory
from ._events import (
    Statement,
)
from ._projections import EventSetProjection, Held, latest_last, recorded_iso
from ._replay import Change, ViewContext


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


class StancesProjection(EventSetProjection):
    """Per actor and subject: the current stance and its dated history, with quotes."""

    name = "stances"
    version = 1
    types = frozenset({"statement"})

    def view(self, state: Held, context: ViewContext) -> tuple[StanceView, ...]:
        names: Directory = context.names
        grouped: dict[tuple[str, str], list[Statement]] = defaultdict(list)
        display: dict[str, str] = {}
        for _, event in latest_last(state):
            assert isinstance(event, Statement)
            actor = names.actor(event.actor) if event.actor else names.speaker_actor(event.speaker)
            key = actor.key if actor else (event.actor or event.speaker)
            display[key] = actor.name if actor else key
            grouped[(key, event.subject)].append(event)
        views = []
        for (key, subject), statements in grouped.items():
            history = tuple(
                StanceEntry(
                    s.occurred.text,
                    s.stance,
                    names.actor_name(s.speaker),
                    s.quote,
                    s.audience,
                    tuple(src.name for src in s.sources),
                    s.id,
                    recorded_iso(s),
                )
                for s in statements
            )
            now = history[-1]
            views.append(
                StanceView(
                    key,
                    display[key],
                    subject,
                    now.stance,
                    now.occurred,
                    now.speaker,
                    now.quote,
                    history,
                )
            )
        views.sort(key=lambda v: (v.actor_name.casefold(), v.subject))
        return tuple(views)

    def diff(self, before: tuple[StanceView, ...], after: tuple[StanceView, ...]) -> list[Change]:
        old = {(v.actor, v.subject): v for v in before}
        found: list[Change] = []
        for view in after:
            key = f"{view.actor}/{view.subject}"
            prior = old.get((view.actor, view.subject))
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
