"""Key figures: every source's claim side by side, disputed when they differ."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import attrs

from ..model._events import (
    ConvoyMove,
    Evacuation,
    Event,
    Strike,
)
from ..model._values import Count
from ._base import Change, ViewContext
from ._indexed import Held, IndexedProjection, changed_span, recorded_iso

_SPECIFIC = {"exact": 0, "approx": 1, "at-least": 2, "at-most": 2, "range": 3, "unknown": 4}


@attrs.frozen
class Claim:
    """One source's figure, as given."""

    value: Count
    sources: tuple[str, ...]
    gradings: tuple[str, ...]
    event_id: str
    occurred: str
    recorded: str | None


@attrs.frozen
class Figure:
    """A number a report leads with, with every source's claim; disputed when they differ."""

    key: str
    subject: str
    measure: str
    label: str
    value: Count
    claims: tuple[Claim, ...]
    disputed: bool
    claims_omitted: int = 0
    """Earlier claims a report leaves out of ``claims`` (it keeps the latest)."""


def _grading_rank(claim: Claim) -> tuple[str, int]:
    best = min(claim.gradings, default="F6")
    return (best[0], int(best[1:]))


def make_figure(
    subject: str, measure: str, label: str, found: list[tuple[int, Event, Count]]
) -> Figure:
    """Reduce claims to a figure: each source's latest claim stands; the most specific,
    best-graded one leads; differing claims from different sources make it disputed."""
    latest: dict[tuple[str, ...], tuple[tuple[Any, ...], Claim]] = {}
    for position, event, count in found:
        names = tuple(sorted({s.name for s in event.sources})) or ("unsourced",)
        claim = Claim(
            count,
            names,
            tuple(s.grading for s in event.sources),
            event.id,
            event.occurred.text,
            recorded_iso(event),
        )
        order = (event.recorded or event.occurred.earliest, event.occurred.sort_key, position)
        if names not in latest or latest[names][0] <= order:
            latest[names] = (order, claim)
    claims = tuple(claim for _, claim in sorted(latest.values(), key=lambda item: item[0]))
    lead = min(claims, key=lambda c: (_SPECIFIC[c.value.qualifier], _grading_rank(c)))
    values = {(c.value.qualifier, c.value.value, c.value.low, c.value.high) for c in claims}
    return Figure(
        f"{subject}/{measure}", subject, measure, label, lead.value, claims, len(values) > 1
    )


PEOPLE = ("fighters", "civilians", "wounded")


def figure_claims(event: Event) -> Iterable[tuple[str, str, Count]]:
    """(subject, measure, count) for every figure an event states."""
    if isinstance(event, Evacuation):
        subject = event.convoy or event.id
        for measure in PEOPLE:
            count = getattr(event, measure)
            if count is not None:
                yield subject, measure, count
        for kind, count in event.vehicles.items():
            yield subject, f"vehicles.{kind}", count
    elif isinstance(event, ConvoyMove) and event.new_convoy is None:
        for measure in PEOPLE:
            count = getattr(event, measure)
            if count is not None:
                yield event.convoy, measure, count
    elif isinstance(event, Strike):
        for measure in ("killed", "wounded"):
            count = getattr(event, measure)
            if count is not None:
                yield f"strike:{event.id}", measure, count


_MEASURE_ORDER = {"fighters": 0, "civilians": 1, "wounded": 2, "killed": 3}


def figure_label(subject: str, measure: str) -> str:
    what = measure.split(".", 1)[1] + " (vehicles)" if measure.startswith("vehicles.") else measure
    return f"{what.capitalize()}, {subject}"


def collect_figures(state: Held) -> list[Figure]:
    grouped: dict[tuple[str, str], list[tuple[int, Event, Count]]] = defaultdict(list)
    for position, event in state.values():
        for subject, measure, count in figure_claims(event):
            grouped[(subject, measure)].append((position, event, count))
    figures = [make_figure(s, m, figure_label(s, m), found) for (s, m), found in grouped.items()]
    figures.sort(key=lambda f: (f.subject, _MEASURE_ORDER.get(f.measure, 9), f.measure))
    return figures


def _figure_order(key: tuple[str, str]) -> tuple[str, int, str]:
    subject, measure = key
    return (subject, _MEASURE_ORDER.get(measure, 9), measure)


class _Figures:
    """Claims by figure; figures in view order, each made again when its claims change."""

    __slots__ = ("claims", "dirty", "figures", "order", "view")

    def __init__(self) -> None:
        self.claims: dict[tuple[str, str], dict[str, tuple[int, Event, Count]]] = {}
        self.dirty: set[tuple[str, str]] = set()
        self.order: list[tuple[str, int, str]] = []
        self.figures: list[Figure | None] = []
        self.view: tuple[Figure, ...] | None = None


class FiguresProjection(IndexedProjection[tuple[Figure, ...]]):
    """Key figures with their qualifiers and every source's claim side by side."""

    name = "figures"
    version = 1
    types = frozenset({"evacuation", "convoy-move", "strike"})

    def keeps(self, event: Event) -> bool:
        if isinstance(event, Evacuation):
            return bool(
                event.fighters is not None
                or event.civilians is not None
                or event.wounded is not None
                or event.vehicles
            )
        if isinstance(event, ConvoyMove):
            return event.new_convoy is None and (
                event.fighters is not None
                or event.civilians is not None
                or event.wounded is not None
            )
        if isinstance(event, Strike):
            return event.killed is not None or event.wounded is not None
        return any(True for _ in figure_claims(event))

    def new_index(self) -> _Figures:
        return _Figures()

    def index_add(self, index: _Figures, event: Event, position: int) -> None:
        for subject, measure, count in figure_claims(event):
            claims = index.claims.get((subject, measure))
            if claims is None:
                claims = index.claims[(subject, measure)] = {}
                at = bisect_left(index.order, _figure_order((subject, measure)))
                index.order.insert(at, _figure_order((subject, measure)))
                index.figures.insert(at, None)
            claims[event.id] = (position, event, count)
            index.dirty.add((subject, measure))
            index.view = None

    def index_remove(self, index: _Figures, event: Event, position: int) -> None:
        for subject, measure, _ in figure_claims(event):
            claims = index.claims.get((subject, measure))
            if claims is None or claims.pop(event.id, None) is None:
                continue
            index.dirty.add((subject, measure))
            index.view = None
            if not claims:
                del index.claims[(subject, measure)]
                at = bisect_left(index.order, _figure_order((subject, measure)))
                del index.order[at], index.figures[at]

    def index_view(self, index: _Figures, context: ViewContext) -> tuple[Figure, ...]:
        if index.view is None:
            for key in index.dirty:
                claims = index.claims.get(key)
                if claims is not None:
                    at = bisect_left(index.order, _figure_order(key))
                    index.figures[at] = make_figure(
                        key[0], key[1], figure_label(*key), list(claims.values())
                    )
            index.dirty = set()
            index.view = tuple(f for f in index.figures if f is not None)
        return index.view

    def diff(self, before: tuple[Figure, ...], after: tuple[Figure, ...]) -> list[Change]:
        start, stop_before, stop_after = changed_span(before, after)
        before, after = before[start:stop_before], after[start:stop_after]
        old = {f.key: f for f in before}
        found: list[Change] = []
        for figure in after:
            prior = old.get(figure.key)
            if prior is None:
                found.append(
                    Change(
                        "figures",
                        "added",
                        figure.key,
                        f"{figure.label}: {figure.value}",
                        None,
                        str(figure.value),
                    )
                )
            elif prior.value != figure.value:
                found.append(
                    Change(
                        "figures",
                        "figure",
                        figure.key,
                        f"{figure.label}: {prior.value} -> {figure.value}",
                        str(prior.value),
                        str(figure.value),
                    )
                )
            if figure.disputed and (prior is None or not prior.disputed):
                claims = "; ".join(f"{c.value} ({', '.join(c.sources)})" for c in figure.claims)
                found.append(
                    Change("figures", "disputed", figure.key, f"{figure.label} disputed: {claims}")
                )
        return found
