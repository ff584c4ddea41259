"""Convoys: where from and to, status and position now, route, vehicles, people."""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from ..model._events import (
    AidDelivery,
    ConvoyMove,
    Evacuation,
    Event,
    Strike,
)
from ..model._values import Count
from ._base import Change, ViewContext
from ._directory import Directory
from ._figures import PEOPLE, Figure, figure_claims, figure_label, make_figure
from ._indexed import IndexedProjection, Ordered, headline_of, latest_key


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
    route_omitted: int = 0
    """Earlier route points a report leaves out (it keeps the latest)."""
    strikes_omitted: int = 0
    """Earlier strikes a report leaves out."""
    aid_omitted: int = 0
    """Earlier aid deliveries a report leaves out."""


def _ref(event: Event, names: Directory) -> EventRef:
    return EventRef(event.id, event.occurred.text, headline_of(event, names))


def _minus(total: Count, taken: int) -> Count:
    if total.value is None:
        return Count(None, "unknown", text=None)
    return Count(
        max(total.value - taken, 0), total.qualifier if total.qualifier != "range" else "approx"
    )


class _Convoy:
    """What one convoy's view is made of, each part in order (latest last)."""

    __slots__ = (
        "aid",
        "figures",
        "formations",
        "mentions",
        "moves",
        "people",
        "route",
        "sources",
        "split_from",
        "splits",
        "strikes",
        "vehicle_moves",
        "view",
    )

    def __init__(self) -> None:
        self.formations: Ordered[None] = Ordered()
        self.split_from: Ordered[None] = Ordered()
        self.moves: Ordered[None] = Ordered()
        self.route: Ordered[RoutePoint] = Ordered()
        self.vehicle_moves: Ordered[None] = Ordered()
        self.splits: Ordered[None] = Ordered()
        self.strikes: Ordered[EventRef] = Ordered()
        self.aid: Ordered[EventRef] = Ordered()
        self.mentions: Ordered[None] = Ordered()
        self.people: dict[str, dict[str, tuple[int, Event, Count]]] = {m: {} for m in PEOPLE}
        self.figures: dict[str, Figure] = {}  # people figures made, until their claims change
        self.sources: Counter[str] = Counter()
        self.view: ConvoyView | None = None


class _Convoys:
    __slots__ = ("by_id", "names", "view")

    def __init__(self) -> None:
        self.by_id: dict[str, _Convoy] = {}
        self.names: Any = None
        self.view: tuple[ConvoyView, ...] | None = None


def _parts(event: Event) -> list[tuple[str, str]]:
    """(convoy, part) for every part of a convoy's view the event goes into."""
    parts: list[tuple[str, str]] = []
    if isinstance(event, ConvoyMove):
        if event.new_convoy is None:
            parts.append((event.convoy, "moves"))
            if event.position or event.near:
                parts.append((event.convoy, "route"))
            if event.vehicles:
                parts.append((event.convoy, "vehicle_moves"))
        else:
            parts.append((event.convoy, "splits"))
            parts.append((event.new_convoy, "split_from"))
            parts.append((event.new_convoy, "moves"))
            if event.position or event.near:
                parts.append((event.new_convoy, "route"))
    elif isinstance(event, Evacuation) and event.convoy:
        parts.append((event.convoy, "formations"))
    elif isinstance(event, Strike) and event.convoy:
        parts.append((event.convoy, "strikes"))
    elif isinstance(event, AidDelivery) and event.convoy:
        parts.append((event.convoy, "aid"))
    return parts


def _contributes(event: Event) -> list[str]:
    """The convoys whose sources an event counts among (formations, moves, splits)."""
    if isinstance(event, ConvoyMove):
        return [event.convoy] if event.new_convoy is None else [event.convoy, event.new_convoy]
    if isinstance(event, Evacuation) and event.convoy:
        return [event.convoy]
    return []


def _mentions(event: Event) -> list[tuple[str, int]]:
    """(convoy, slot) for the convoys an event names: ``convoy``, then ``new_convoy``."""
    found = []
    for slot, convoy in enumerate(
        (getattr(event, "convoy", None), getattr(event, "new_convoy", None))
    ):
        if convoy:
            found.append((convoy, slot))
    return found


class ConvoysProjection(IndexedProjection[tuple[ConvoyView, ...]]):
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

    def new_index(self) -> _Convoys:
        return _Convoys()

    def _convoy_index(self, index: _Convoys, convoy: str) -> _Convoy:
        found = index.by_id.get(convoy)
        if found is None:
            found = index.by_id[convoy] = _Convoy()
        found.view = None
        return found

    def index_add(self, index: _Convoys, event: Event, position: int) -> None:
        key = latest_key(event, position)
        index.view = None
        for convoy, part in _parts(event):
            ordered: Ordered[Any] = getattr(self._convoy_index(index, convoy), part)
            ordered.add(key, event)
        for convoy, slot in _mentions(event):
            self._convoy_index(index, convoy).mentions.add(key << 1 | slot, event)
        for convoy in _contributes(event):
            found = self._convoy_index(index, convoy)
            for name in {s.name for s in event.sources}:
                found.sources[name] += 1
        for subject, measure, count in figure_claims(event):
            if measure in PEOPLE and subject in index.by_id:
                index.by_id[subject].people[measure][event.id] = (position, event, count)
                index.by_id[subject].figures.pop(measure, None)

    def index_remove(self, index: _Convoys, event: Event, position: int) -> None:
        key = latest_key(event, position)
        if not any(c in index.by_id for c, _ in _mentions(event)):
            return
        index.view = None
        for convoy, part in _parts(event):
            getattr(self._convoy_index(index, convoy), part).remove(key)
        for convoy in _contributes(event):
            found = self._convoy_index(index, convoy)
            for name in {s.name for s in event.sources}:
                found.sources[name] -= 1
                if not found.sources[name]:
                    del found.sources[name]
        for subject, measure, _ in figure_claims(event):
            if measure in PEOPLE and subject in index.by_id:
                index.by_id[subject].people[measure].pop(event.id, None)
                index.by_id[subject].figures.pop(measure, None)
        for convoy, slot in _mentions(event):
            found = self._convoy_index(index, convoy)
            found.mentions.remove(key << 1 | slot)
            if not found.mentions:
                del index.by_id[convoy]

    def index_view(self, index: _Convoys, context: ViewContext) -> tuple[ConvoyView, ...]:
        names: Directory = context.names
        if index.names is not names:
            index.names = names
            index.view = None
            for found in index.by_id.values():
                found.view = None
        if index.view is None:
            ordered = sorted(
                index.by_id.items(), key=lambda item: item[1].mentions.first_key() or 0
            )
            for convoy, found in ordered:
                if found.view is None:
                    found.view = self._convoy(convoy, found, names)
            index.view = tuple(found.view for _, found in ordered if found.view is not None)
        return index.view

    def _convoy(self, convoy: str, parts: _Convoy, names: Directory) -> ConvoyView:
        formations = parts.formations.events()
        split_from = parts.split_from.events()
        moves = parts.moves.events()
        formation = formations[0] if formations else None
        assert formation is None or isinstance(formation, Evacuation)
        parent = split_from[0].convoy if split_from else None  # type: ignore[attr-defined]
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

        def route_point(move: Event, _key: int) -> RoutePoint:
            assert isinstance(move, ConvoyMove)
            point = names.coordinates(move.near)
            return RoutePoint(
                move.occurred.text,
                move.position,
                tuple(move.near),
                point[0] if point else None,
                point[1] if point else None,
                move.status,
                move.id,
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
        points = parts.route.items(route_point, names)
        route.extend(points)
        # what holds now comes from the latest move that says it
        for move in reversed(moves):
            assert isinstance(move, ConvoyMove)
            if move.status:
                status, status_since = move.status, move.occurred.text
                break
        located = parts.route.events()
        if located:
            last = located[-1]
            assert isinstance(last, ConvoyMove)
            position = last.position or ", ".join(names.place_name(n) for n in last.near)
            position_since = last.occurred.text
            for point_ in reversed(points):
                if point_.lat is not None and point_.lon is not None:
                    lat, lon = point_.lat, point_.lon
                    break
        if moves:
            last_move = moves[-1]
            assert isinstance(last_move, ConvoyMove)
            heading = last_move.heading
            toward = names.place_name(last_move.toward) if last_move.toward else None

        splits = parts.splits.events()
        vehicles = self._vehicles(
            formation,
            split_from,  # type: ignore[arg-type]
            parts.vehicle_moves.events(),  # type: ignore[arg-type]
            splits,  # type: ignore[arg-type]
            names,
        )
        for m in PEOPLE:
            if parts.people[m] and m not in parts.figures:
                claims = list(parts.people[m].values())
                parts.figures[m] = make_figure(convoy, m, figure_label(convoy, m), claims)
        people = tuple(parts.figures[m] for m in PEOPLE if parts.people[m])
        strikes = tuple(parts.strikes.items(lambda e, _k: _ref(e, names), names))
        aid = tuple(parts.aid.items(lambda e, _k: _ref(e, names), names))
        sources = tuple(sorted(parts.sources))
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
            tuple(dict.fromkeys(e.new_convoy for e in splits if e.new_convoy)),  # type: ignore[attr-defined]
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
            if prior is convoy:
                continue
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
