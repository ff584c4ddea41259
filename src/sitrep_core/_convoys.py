"""Convoys: where from and to, status and position now, route, vehicles, people."""

from __future__ import annotations

from collections import defaultdict

import attrs

from ._directory import Directory
from ._events import (
    AidDelivery,
    ConvoyMove,
    Evacuation,
    Event,
    Strike,
)
from ._figures import PEOPLE, Figure, figure_claims, figure_label, make_figure
from ._projections import EventSetProjection, Held, headline_of, latest_last
from ._replay import Change, ViewContext
from ._values import Count


@attrs.frozen
class EventRef:
    event_id: str
    occurred: str
    headline: str


@attrs.frozen
class RoutePoint:
    occurred: str
    description: str | None
    near: tuple[str, ...]
    lat: float | None
    lon: float | None
    status: str | None
    event_id: str


@attrs.frozen
class Detachment:
    convoy: str
    vehicles: Count
    status: str | None
    toward: str | None
    occurred: str


@attrs.frozen
class VehicleTally:
    """Vehicles of one kind: how many the convoy formed with, how many are with it now,
    and where the others went."""

    kind: str
    total: Count | None
    current: Count | None
    detached: tuple[Detachment, ...] = ()


@attrs.frozen
class ConvoyView:
    id: str
    group: str | None
    origin: str | None
    destination: str | None
    formed: str | None
    status: str | None
    status_since: str | None
    position: str | None
    position_since: str | None
    heading: str | None
    toward: str | None
    lat: float | None
    lon: float | None
    route: tuple[RoutePoint, ...]
    vehicles: tuple[VehicleTally, ...]
    people: tuple[Figure, ...]
    strikes: tuple[EventRef, ...]
    aid: tuple[EventRef, ...]
    parent: str | None
    children: tuple[str, ...]
    sources: tuple[str, ...]


def _ref(event: Event, names: Directory) -> EventRef:
    return EventRef(event.id, event.occurred.text, headline_of(event, names))


def _minus(total: Count, taken: int) -> Count:
    if total.value is None:
        return Count(None, "unknown", text=None)
    return Count(
        max(total.value - taken, 0), total.qualifier if total.qualifier != "range" else "approx"
    )


class ConvoysProjection(EventSetProjection):
    """Per convoy: where from and to, status and position now, route, vehicles, people."""

    name = "convoys"
    version = 1
    types = frozenset({"evacuation", "convoy-move", "strike", "aid-delivery"})

    def keeps(self, event: Event) -> bool:
        if isinstance(event, Evacuation):
            return event.convoy is not None
        if isinstance(event, Strike | AidDelivery):
            return event.convoy is not None
        return isinstance(event, ConvoyMove)

    def view(self, state: Held, context: ViewContext) -> tuple[ConvoyView, ...]:
        names: Directory = context.names
        ordered = latest_last(state)
        ids: list[str] = []
        for _, event in ordered:
            for convoy in (getattr(event, "convoy", None), getattr(event, "new_convoy", None)):
                if convoy and convoy not in ids:
                    ids.append(convoy)
        return tuple(self._convoy(convoy, ordered, names) for convoy in ids)

    def _convoy(
        self, convoy: str, ordered: list[tuple[int, Event]], names: Directory
    ) -> ConvoyView:
        formations = [e for _, e in ordered if isinstance(e, Evacuation) and e.convoy == convoy]
        split_from = [e for _, e in ordered if isinstance(e, ConvoyMove) and e.new_convoy == convoy]
        moves = [
            e
            for _, e in ordered
            if isinstance(e, ConvoyMove)
            and ((e.convoy == convoy and e.new_convoy is None) or e.new_convoy == convoy)
        ]
        splits = [
            e
            for _, e in ordered
            if isinstance(e, ConvoyMove) and e.convoy == convoy and e.new_convoy
        ]
        formation = formations[0] if formations else None
        parent = split_from[0].convoy if split_from else None
        group = origin = destination = None
        if formation is not None:
            group = names.actor_name(formation.group)
            origin = names.place_name(formation.origin)
            destination = names.place_name(formation.destination) if formation.destination else None
        formed = (
            formation.occurred.text
            if formation
            else split_from[0].occurred.text
            if split_from
            else None
        )

        status = status_since = position = position_since = heading = toward = None
        lat = lon = None
        route: list[RoutePoint] = []
        if formation is not None:
            point = names.coordinates([formation.origin])
            route.append(
                RoutePoint(
                    formation.occurred.text,
                    origin,
                    (formation.origin,),
                    point[0] if point else None,
                    point[1] if point else None,
                    "forming",
                    formation.id,
                )
            )
            lat, lon = point if point else (None, None)
            position, position_since = origin, formation.occurred.text
        for move in moves:
            if move.status:
                status, status_since = move.status, move.occurred.text
            if move.position or move.near:
                position = move.position or ", ".join(names.place_name(n) for n in move.near)
                position_since = move.occurred.text
                point = names.coordinates(move.near)
                if point:
                    lat, lon = point
                route.append(
                    RoutePoint(
                        move.occurred.text,
                        move.position,
                        tuple(move.near),
                        point[0] if point else None,
                        point[1] if point else None,
                        move.status,
                        move.id,
                    )
                )
            heading = move.heading
            toward = names.place_name(move.toward) if move.toward else None

        vehicles = self._vehicles(formation, split_from, moves, splits, names)
        people_claims: dict[str, list[tuple[int, Event, Count]]] = defaultdict(list)
        for position_, event in ordered:
            for subject, measure, count in figure_claims(event):
                if subject == convoy and measure in PEOPLE:
                    people_claims[measure].append((position_, event, count))
        people = tuple(
            make_figure(convoy, m, figure_label(convoy, m), people_claims[m])
            for m in PEOPLE
            if people_claims[m]
        )
        strikes = tuple(
            _ref(e, names) for _, e in ordered if isinstance(e, Strike) and e.convoy == convoy
        )
        aid = tuple(
            _ref(e, names) for _, e in ordered if isinstance(e, AidDelivery) and e.convoy == convoy
        )
        contributing = [*formations, *moves, *splits]
        sources = tuple(sorted({s.name for e in contributing for s in e.sources}))
        return ConvoyView(
            convoy,
            group,
            origin,
            destination,
            formed,
            status,
            status_since,
            position,
            position_since,
            heading,
            toward,
            lat,
            lon,
            tuple(route),
            vehicles,
            people,
            strikes,
            aid,
            parent,
            tuple(dict.fromkeys(e.new_convoy for e in splits if e.new_convoy)),
            sources,
        )

    @staticmethod
    def _vehicles(
        formation: Evacuation | None,
        split_from: list[ConvoyMove],
        moves: list[ConvoyMove],
        splits: list[ConvoyMove],
        names: Directory,
    ) -> tuple[VehicleTally, ...]:
        totals: dict[str, Count] = {}
        if formation is not None:
            totals.update(formation.vehicles)
        elif split_from:
            totals.update(split_from[0].vehicles)
        current: dict[str, Count] = {}
        for move in moves:
            if move.new_convoy is None:
                current.update(move.vehicles)
        tallies = []
        for kind in dict.fromkeys([*totals, *current, *(k for s in splits for k in s.vehicles)]):
            detached = tuple(
                Detachment(
                    s.new_convoy or "",
                    s.vehicles[kind],
                    s.status,
                    names.place_name(s.toward) if s.toward else None,
                    s.occurred.text,
                )
                for s in splits
                if kind in s.vehicles
            )
            total = totals.get(kind)
            now = current.get(kind)
            if now is None and total is not None:
                taken = sum(d.vehicles.value or 0 for d in detached)
                now = _minus(total, taken) if taken else total
            tallies.append(VehicleTally(kind, total, now, detached))
        return tuple(tallies)

    def diff(self, before: tuple[ConvoyView, ...], after: tuple[ConvoyView, ...]) -> list[Change]:
        old = {c.id: c for c in before}
        found: list[Change] = []
        for convoy in after:
            prior = old.get(convoy.id)
            if prior is None:
                route = f"{convoy.origin or '?'} -> {convoy.destination or '?'}"
                what = f"split from {convoy.parent}" if convoy.parent else f"formed, {route}"
                now = ", ".join(
                    p
                    for p in (
                        _words(convoy.status),
                        convoy.position,
                        convoy.toward and f"toward {convoy.toward}",
                    )
                    if p
                )
                summary = f"Convoy {convoy.id} {what}" + (f" ({now})" if now else "")
                found.append(Change("convoys", "added", convoy.id, summary, None, convoy.status))
                prior = attrs.evolve(convoy, strikes=(), aid=(), children=())
            if prior.status != convoy.status and convoy.status:
                found.append(
                    Change(
                        "convoys",
                        "status",
                        convoy.id,
                        f"Convoy {convoy.id}: {_words(prior.status) or 'no status'} -> "
                        f"{_words(convoy.status)}",
                        prior.status,
                        convoy.status,
                    )
                )
            if prior.position != convoy.position and convoy.position:
                found.append(
                    Change(
                        "convoys",
                        "position",
                        convoy.id,
                        f"Convoy {convoy.id} moved from {prior.position or 'unknown'} "
                        f"to {convoy.position}",
                        prior.position,
                        convoy.position,
                    )
                )
            for child in convoy.children:
                if child not in prior.children:
                    found.append(
                        Change(
                            "convoys",
                            "split",
                            convoy.id,
                            f"Convoy {convoy.id} split: {child} left it",
                            None,
                            child,
                        )
                    )
            seen = {s.event_id for s in prior.strikes}
            for strike in convoy.strikes:
                if strike.event_id not in seen:
                    found.append(
                        Change(
                            "convoys",
                            "strike",
                            convoy.id,
                            strike.headline,
                            event_ids=(strike.event_id,),
                        )
                    )
            seen = {a.event_id for a in prior.aid}
            for aid in convoy.aid:
                if aid.event_id not in seen:
                    found.append(
                        Change("convoys", "aid", convoy.id, aid.headline, event_ids=(aid.event_id,))
                    )
            was = {v.kind: v.current for v in prior.vehicles}
            for tally in convoy.vehicles:
                if tally.kind in was and was[tally.kind] != tally.current:
                    found.append(
                        Change(
                            "convoys",
                            "vehicles",
                            convoy.id,
                            f"Convoy {convoy.id}: {was[tally.kind]} -> "
                            f"{tally.current} {tally.kind}",
                            str(was[tally.kind]),
                            str(tally.current),
                        )
                    )
        return found


def _words(status: str | None) -> str | None:
    return status.replace("-", " ") if status else status
