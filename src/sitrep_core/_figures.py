"""Key figures: every source's claim side by side, disputed when they differ."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import attrs

from ._events import (
    ConvoyMove,
    Evacuation,
    Event,
    Strike,
)
from ._projections import EventSetProjection, Held, recorded_iso
from ._replay import Change, ViewContext
from ._values import Count

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


class FiguresProjection(EventSetProjection):
    """Key figures with their qualifiers and every source's claim side by side."""

    name = "figures"
    version = 1
    types = frozenset({"evacuation", "convoy-move", "strike"})

    def keeps(self, event: Event) -> bool:
        return any(True for _ in figure_claims(event))

    def view(self, state: Held, context: ViewContext) -> tuple[Figure, ...]:
        return tuple(collect_figures(state))

    def diff(self, before: tuple[Figure, ...], after: tuple[Figure, ...]) -> list[Change]:
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
