"""Key figures: each a measure of a subject, with every source's claim side by side.

Claims gather by what they measure (a convoy's fighters, an attack's dead), from
any number of events and sources. Each source's latest claim stands; a correction
replaces the claim it corrects. Claims are disputed only when they cannot both be
true (their bounds do not overlap: see :meth:`Count.bounds`); claims are never summed.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterator
from datetime import datetime
from typing import cast

import attrs

from ..model import (
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    FigureReported,
    FuzzyTime,
    Source,
    Strike,
)
from ._base import Change, Fact, KeyedProjection, Ref, ViewContext
from ._directory import Directory
from ._order import recorded_key

PEOPLE = ("people", "fighters", "civilians", "wounded")
"""The people figures a convoy or an evacuation states."""

_MEASURE_ORDER = {
    m: i
    for i, m in enumerate(
        ("people", "fighters", "civilians", "killed", "wounded", "injured", "missing")
    )
}


@attrs.frozen
class Claim:
    """One source's figure, as given, and who gave it (with their own gradings)."""

    value: Count
    sources: tuple[Source, ...]
    event_id: str
    occurred: FuzzyTime
    recorded: datetime | None
    replaces: Count | None = None
    """The value this claim corrected (the same event's earlier version said so)."""
    agrees: bool = True
    """Whether this claim can be true together with the figure's leading claim."""


@attrs.frozen
class Figure:
    """A number a report leads with: a measure of a subject and every standing claim.

    ``value`` is the leading claim's: the most specific, then the best graded.
    ``disputed`` when two claims cannot both be true. ``about`` is the event that
    defines an unnamed subject (an attack, an evacuation), for renderers to describe.
    """

    key: str
    subject: Ref
    measure: str
    value: Count
    claims: tuple[Claim, ...]
    disputed: bool
    unit: str | None = None
    about: Event | None = None
    claims_omitted: int = 0
    """Earlier claims a report leaves out of ``claims`` (it keeps the latest)."""


@attrs.frozen
class Measured:
    """What one event states about one measure of one subject."""

    subject: str
    kind: str
    measure: str
    count: Count
    field: str
    unit: str | None = None


def _root(fact: Fact) -> Fact:
    while fact.replaced is not None:
        fact = fact.replaced
    return fact


def measured(fact: Fact) -> Iterator[Measured]:
    """Every figure an event states, keyed by what it measures. An attack or an
    evacuation without a name of its own is keyed by its first version's id, so a
    correction's figures stay with the figure they correct."""
    for stated in _stated(fact):
        yield Measured(*stated)


_Stated = tuple[str, str, str, Count, str, str | None]
"""A :class:`Measured`'s fields: the fold finds keys by them without making one."""


def _stated(fact: Fact) -> Iterator[_Stated]:
    event = fact.event
    if isinstance(event, Evacuation):
        subject, kind = (
            (event.convoy, "convoy") if event.convoy else (_root(fact).event.id, "evacuation")
        )
        for measure in PEOPLE:
            count = getattr(event, measure)
            if count is not None:
                yield subject, kind, measure, count, measure, None
        for vehicle, count in event.vehicles.items():
            yield subject, kind, f"vehicles.{vehicle}", count, f"vehicles.{vehicle}", None
    elif isinstance(event, ConvoyMove) and event.new_convoy is None:
        for measure in PEOPLE:
            count = getattr(event, measure)
            if count is not None:
                yield event.convoy, "convoy", measure, count, measure, None
    elif isinstance(event, Strike):
        subject = event.incident or _root(fact).event.id
        for measure in ("killed", "wounded"):
            count = getattr(event, measure)
            if count is not None:
                yield subject, "incident", measure, count, measure, None
    elif isinstance(event, FigureReported):
        yield event.subject, "subject", event.measure, event.count, "count", event.unit


def _grading(claim: Claim) -> tuple[str, int]:
    return min(((s.reliability, s.credibility) for s in claim.sources), default=("F", 6))


def make_figure(
    subject: Ref,
    measure: str,
    found: list[tuple[Fact, Measured]],
    about: Event | None = None,
) -> Figure:
    """Reduce the visible claims about one measure to a figure."""
    latest: dict[tuple[str, ...], tuple[tuple[object, ...], Claim]] = {}
    for fact, item in found:
        event = fact.event
        sources = event.sources_of(item.field)
        replaced = None
        if fact.replaced is not None:
            earlier = [m for m in measured(fact.replaced) if m.measure == measure]
            replaced = earlier[0].count if earlier else None
        claim = Claim(item.count, sources, event.id, event.occurred, event.recorded, replaced)
        names = tuple(sorted({s.name for s in sources})) or ("",)
        order = recorded_key(fact)
        if names not in latest or latest[names][0] <= order:
            latest[names] = (order, claim)
    if len(latest) == 1:  # most figures: one claim, which leads and agrees with itself
        ((_, lead),) = latest.values()
        marked: tuple[Claim, ...] = (lead,)
        disputed = False
    else:
        claims = [claim for _, claim in sorted(latest.values(), key=lambda item: item[0])]
        lead = min(claims, key=lambda c: (c.value.specificity(), _grading(c)))
        marked = tuple(
            c if c.value.agrees_with(lead.value) else attrs.evolve(c, agrees=False) for c in claims
        )
        disputed = any(
            not a.value.agrees_with(b.value) for i, a in enumerate(claims) for b in claims[i + 1 :]
        )
    unit = found[0][1].unit
    return Figure(
        f"{subject.key}/{measure}", subject, measure, lead.value, marked, disputed, unit, about
    )


def figure_order(figure: Figure) -> tuple[int, str, int, str]:
    kinds = {"convoy": 0, "evacuation": 1, "subject": 2, "incident": 3}
    return (
        kinds.get(figure.subject.kind, 2),
        figure.subject.key,
        _MEASURE_ORDER.get(figure.measure, 50),
        figure.measure,
    )


def subject_ref(names: Directory, item: Measured) -> Ref:
    ref = names.ref(item.subject, "subject")
    return Ref(ref.key, item.kind, ref.name) if ref.kind == "subject" else ref


State = dict[tuple[str, str], list[Fact]]


class FiguresProjection(KeyedProjection[State, Figure]):
    """Key figures with their qualifiers and every source's claim side by side.

    The state is the facts of each (subject, measure); what a fact states of it is
    worked out again when a view asks (keeping it cost about 45 bytes an event).
    """

    name = "figures"
    version = 3
    types = frozenset({"evacuation", "convoy-move", "strike", "figure"})

    def initial(self) -> State:
        return {}

    def apply(self, state: State, fact: Fact) -> None:
        for subject, _, measure, *_ in _stated(fact):
            state.setdefault((subject, measure), []).append(fact)

    def keys(self, fact: Fact, names: Directory) -> list[tuple[str, str]]:
        return [(subject, measure) for subject, _, measure, *_ in _stated(fact)]

    def view(self, state: State, context: ViewContext) -> tuple[Figure, ...]:
        return self.items(state, state.keys(), context)

    def items(
        self, state: State, keys: Collection[Hashable], context: ViewContext
    ) -> tuple[Figure, ...]:
        figures = []
        for key in keys:
            found = state.get(key)  # type: ignore[call-overload]
            if found is None:
                continue
            subject, measure = cast(tuple[str, str], key)
            seen = [
                (fact, Measured(*stated))
                for fact in context.visible(found)
                for stated in _stated(fact)
                if stated[2] == measure and stated[0] == subject
            ]
            if not seen:
                continue
            first = seen[0][1]
            # the version that stands describes the attack, not the one it corrected
            about = None if first.kind in ("convoy", "subject") else seen[0][0].event
            figures.append(make_figure(subject_ref(context.names, first), measure, seen, about))
        figures.sort(key=figure_order)
        return tuple(figures)

    def diff(self, before: tuple[Figure, ...], after: tuple[Figure, ...]) -> list[Change]:
        old = {f.key: f for f in before}
        found: list[Change] = []
        for figure in after:
            prior = old.get(figure.key)
            if prior == figure:
                continue
            ids = tuple(c.event_id for c in figure.claims)
            if prior is None:
                found.append(
                    Change("figures", "added", figure.key, figure.subject, None, figure, ids)
                )
                continue
            if prior.value != figure.value or prior.claims != figure.claims:
                new_ids = tuple(sorted(set(ids) - {c.event_id for c in prior.claims}))
                found.append(
                    Change("figures", "figure", figure.key, figure.subject, prior, figure, new_ids)
                )
            if figure.disputed and not prior.disputed:
                found.append(
                    Change("figures", "disputed", figure.key, figure.subject, prior, figure, ids)
                )
        return found
