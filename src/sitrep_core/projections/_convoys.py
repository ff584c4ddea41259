"""Convoys: where from and to, status and whereabouts now, route, vehicles, people.

Nothing is assumed that no source said: a convoy has no position until one is
reported (not its origin), a status runs from the earliest evidence for it, and
after vehicles split off, how many people and vehicles remain is what a later
report says, or unknown.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence

import attrs

from ..model import (
    STOPPED_STATUSES,
    AidDelivery,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    FuzzyTime,
    Location,
    Source,
    Strike,
)
from ._base import Change, Fact, KeyedProjection, Ref, ViewContext
from ._directory import Directory
from ._figures import PEOPLE, Figure, make_figure, measured
from ._order import latest_key, timeline_key


@attrs.frozen
class StatusView:
    """A convoy's status and since when it has held (its earliest evidence, not before
    the status it followed, or when the source said it began)."""

    status: str
    since: FuzzyTime
    reported: FuzzyTime
    sources: tuple[Source, ...]
    cause: str | None
    event_id: str


@attrs.frozen
class Whereabouts:
    """Where a convoy was last reported, as the source put it, with a point to draw it
    near (the mean of the places it names that have coordinates)."""

    location: Location
    places: tuple[Ref, ...]
    since: FuzzyTime
    sources: tuple[Source, ...]
    event_id: str
    lat: float | None = None
    lon: float | None = None


@attrs.frozen
class RoutePoint:
    """A point of a convoy's travelled route: where it formed, or a reported location."""

    occurred: FuzzyTime
    location: Location
    places: tuple[Ref, ...]
    status: str | None
    event_id: str
    lat: float | None = None
    lon: float | None = None
    origin: bool = False


@attrs.frozen
class VehicleReport:
    """How many vehicles of a kind a source reported with the convoy, and when."""

    count: Count
    occurred: FuzzyTime
    sources: tuple[Source, ...]
    event_id: str


@attrs.frozen
class Detachment:
    """Vehicles that split off into a convoy of their own."""

    convoy: Ref
    count: Count
    status: str | None
    toward: Ref | None
    location: Location | None
    occurred: FuzzyTime
    sources: tuple[Source, ...]
    event_id: str


@attrs.frozen
class VehicleTally:
    """Vehicles of one kind: at formation, split off since, and the latest report of how
    many are with the convoy (None: not reported since it formed)."""

    kind: str
    at_formation: VehicleReport | None
    detached: tuple[Detachment, ...]
    latest: VehicleReport | None


@attrs.frozen
class ConvoyView:
    """One convoy as the sources describe it at a moment."""

    convoy: Ref
    group: Ref | None
    origins: tuple[Ref, ...]
    destination: Ref | None
    agreement: Ref | None
    formed: FuzzyTime | None
    status: StatusView | None
    whereabouts: Whereabouts | None
    heading: str | None
    toward: Ref | None
    route: tuple[RoutePoint, ...]
    vehicles: tuple[VehicleTally, ...]
    people: tuple[Figure, ...]
    split_since: FuzzyTime | None
    """When vehicles first split off: people figures from before it counted the whole."""
    strikes: tuple[Event, ...]
    aid: tuple[Event, ...]
    parent: Ref | None
    children: tuple[Ref, ...]
    sources: tuple[str, ...]
    route_omitted: int = 0
    strikes_omitted: int = 0
    aid_omitted: int = 0

    @property
    def key(self) -> str:
        return self.convoy.key


def convoys_of(event: Event) -> list[str]:
    """The convoys an event is about: its ``convoy``, and a split's new convoy."""
    found = []
    convoy = getattr(event, "convoy", None)
    if isinstance(convoy, str) and convoy:
        found.append(convoy)
    if isinstance(event, ConvoyMove) and event.new_convoy:
        found.append(event.new_convoy)
    return found


def _clamped(span: FuzzyTime, not_before: FuzzyTime | None) -> FuzzyTime:
    """``span``, starting no earlier than ``not_before`` starts (a status cannot begin
    before the one it followed): ``2017-08-28/2017-09-02`` after a halt on 29 Aug is
    ``2017-08-29/2017-09-02``."""
    if not_before is None or span.earliest >= not_before.earliest:
        return span
    start = not_before.text.partition("/")[0]
    end = span.text.partition("/")[2] or span.text
    if start in ("", "..") or end == "..":
        return span
    try:
        clamped = FuzzyTime.parse(f"{start.rstrip('~?%')}/{end}")
    except ValueError:
        return span
    return clamped if clamped.earliest < clamped.latest else span


def _same_run(a: str, b: str) -> bool:
    return a == b or (a in STOPPED_STATUSES and b in STOPPED_STATUSES)


def _status(moves: Sequence[Fact]) -> StatusView | None:
    with_status = [f for f in moves if f.event.status]  # type: ignore[attr-defined]
    if not with_status:
        return None
    current = with_status[-1].event
    assert isinstance(current, ConvoyMove) and current.status is not None
    start = len(with_status) - 1
    while start > 0 and _same_run(with_status[start - 1].event.status, current.status):  # type: ignore[attr-defined]
        start -= 1
    earliest = min((f.event.occurred for f in with_status[start:]), key=lambda t: t.sort_key)
    before = with_status[start - 1].event.occurred if start > 0 else None
    since = current.since or _clamped(earliest, before)
    return StatusView(
        current.status,
        since,
        current.occurred,
        current.sources_of("status"),
        current.cause,
        current.id,
    )


def _place_refs(names: Directory, location: Location) -> tuple[Ref, ...]:
    return tuple(names.ref(place, "place") for place in location.places)


class ConvoysProjection(KeyedProjection[dict[str, list[Fact]], ConvoyView]):
    """Per convoy: where from and to, status and whereabouts now, route, vehicles, people."""

    name = "convoys"
    version = 2
    types = frozenset({"evacuation", "convoy-move", "strike", "aid-delivery"})

    def initial(self) -> dict[str, list[Fact]]:
        return {}

    def apply(self, state: dict[str, list[Fact]], fact: Fact) -> None:
        for convoy in convoys_of(fact.event):
            state.setdefault(convoy, []).append(fact)

    def keys(self, fact: Fact, names: Directory) -> list[str]:
        return convoys_of(fact.event)

    def view(self, state: dict[str, list[Fact]], context: ViewContext) -> tuple[ConvoyView, ...]:
        return self.items(state, state.keys(), context)

    def items(
        self, state: dict[str, list[Fact]], keys: Collection[Hashable], context: ViewContext
    ) -> tuple[ConvoyView, ...]:
        views = []
        for key in keys:
            convoy = str(key)
            facts = state.get(convoy)
            if facts is None:
                continue
            seen = context.visible(facts)
            if seen:
                first = min(timeline_key(f) for f in seen)
                views.append((first, self._convoy(convoy, seen, context.names)))
        views.sort(key=lambda item: item[0])
        return tuple(view for _, view in views)

    def _convoy(self, convoy: str, facts: list[Fact], names: Directory) -> ConvoyView:
        facts = sorted(facts, key=latest_key)
        formations: list[Fact] = []
        own: list[Fact] = []  # this convoy's moves, and the split that made it
        split_from: list[Fact] = []
        splits: list[Fact] = []
        stating: list[Fact] = []  # the facts that can state how many people it carries
        events: list[Fact] = []  # its strikes and aid deliveries
        for fact in facts:  # one pass, in the order that decides what holds now
            event = fact.event
            if isinstance(event, ConvoyMove):
                if event.new_convoy is None:
                    if event.convoy == convoy:
                        own.append(fact)
                        stating.append(fact)
                elif event.convoy == convoy:
                    splits.append(fact)
                elif event.new_convoy == convoy:
                    own.append(fact)
                    split_from.append(fact)
            elif isinstance(event, Evacuation):
                if event.convoy == convoy:
                    formations.append(fact)
                    stating.append(fact)
            elif isinstance(event, Strike | AidDelivery):
                events.append(fact)
                if isinstance(event, Strike) and event.incident == convoy:
                    stating.append(fact)  # an attack named as the convoy: its wounded
        formation = min(formations, key=timeline_key).event if formations else None
        assert formation is None or isinstance(formation, Evacuation)
        parent = split_from[0].event.convoy if split_from else None  # type: ignore[attr-defined]
        formed = (
            formation.occurred
            if formation is not None
            else split_from[0].event.occurred
            if split_from
            else None
        )
        last = own[-1].event if own else None
        heading = getattr(last, "heading", None)
        toward = getattr(last, "toward", None)
        route, whereabouts, route_total = self._route(formation, own, names)
        people = self._people(convoy, stating, names)
        in_time = sorted(events, key=timeline_key)
        return ConvoyView(
            convoy=names.ref(convoy, "subject"),
            group=names.ref(formation.group, "actor") if formation else None,
            origins=tuple(names.ref(o, "place") for o in formation.origins) if formation else (),
            destination=(
                names.ref(formation.destination, "place")
                if formation and formation.destination
                else None
            ),
            agreement=(
                names.ref(formation.agreement, "subject")
                if formation and formation.agreement
                else None
            ),
            formed=formed,
            status=_status(own),
            whereabouts=whereabouts,
            heading=heading,
            toward=names.ref(toward, "place") if toward else None,
            route=route,
            vehicles=self._vehicles(formation, split_from, own, splits, names),
            people=people,
            split_since=min(
                (f.event.occurred for f in splits), key=lambda t: t.sort_key, default=None
            ),
            strikes=tuple(f.event for f in in_time if isinstance(f.event, Strike)),
            aid=tuple(f.event for f in in_time if isinstance(f.event, AidDelivery)),
            parent=names.ref(parent, "subject") if parent else None,
            children=tuple(
                names.ref(c, "subject")
                for c in dict.fromkeys(f.event.new_convoy for f in splits)  # type: ignore[attr-defined]
            ),
            sources=tuple(sorted({s.name for f in [*formations, *own] for s in f.event.sources})),
            route_omitted=route_total - len(route),
        )

    @staticmethod
    def _route(
        formation: Evacuation | None, moves: list[Fact], names: Directory
    ) -> tuple[tuple[RoutePoint, ...], Whereabouts | None, int]:
        points: list[RoutePoint] = []
        if formation is not None:
            origin = Location(relation="at", places=formation.origins)
            point = names.coordinates(formation.origins)
            points.append(
                RoutePoint(
                    formation.occurred,
                    origin,
                    _place_refs(names, origin),
                    "forming",
                    formation.id,
                    point[0] if point else None,
                    point[1] if point else None,
                    origin=True,
                )
            )
        located: tuple[ConvoyMove, RoutePoint] | None = None
        for fact in moves:
            event = fact.event
            assert isinstance(event, ConvoyMove)
            if event.location is None:
                continue
            point = names.coordinates(event.location.places)
            routed = RoutePoint(
                event.occurred,
                event.location,
                _place_refs(names, event.location),
                event.status,
                event.id,
                *(point or (None, None)),
            )
            points.append(routed)
            located = (event, routed)
        whereabouts = None
        if located is not None:  # where the convoy is: the last move that says
            moved, routed = located
            assert moved.location is not None
            whereabouts = Whereabouts(
                moved.location,
                routed.places,
                moved.occurred,
                moved.sources_of("location"),
                moved.id,
                routed.lat,
                routed.lon,
            )
        return tuple(points), whereabouts, len(points)

    @staticmethod
    def _people(convoy: str, facts: Iterable[Fact], names: Directory) -> tuple[Figure, ...]:
        found: dict[str, list[tuple[Fact, object]]] = {}
        for fact in facts:
            for item in measured(fact):
                if item.subject == convoy and item.measure in PEOPLE:
                    found.setdefault(item.measure, []).append((fact, item))
        ref = names.ref(convoy, "subject")
        ref = attrs.evolve(ref, kind="convoy")
        return tuple(
            make_figure(ref, measure, found[measure])  # type: ignore[arg-type]
            for measure in PEOPLE
            if measure in found
        )

    @staticmethod
    def _vehicles(
        formation: Evacuation | None,
        split_from: list[Fact],
        moves: list[Fact],
        splits: list[Fact],
        names: Directory,
    ) -> tuple[VehicleTally, ...]:
        start: dict[str, VehicleReport] = {}
        if formation is not None:
            start = {
                kind: VehicleReport(
                    count,
                    formation.occurred,
                    formation.sources_of(f"vehicles.{kind}"),
                    formation.id,
                )
                for kind, count in formation.vehicles.items()
            }
        elif split_from:
            event = split_from[0].event
            assert isinstance(event, ConvoyMove)
            start = {
                kind: VehicleReport(count, event.occurred, event.sources_of("vehicles"), event.id)
                for kind, count in event.vehicles.items()
            }
        latest: dict[str, VehicleReport] = {}
        for fact in moves:
            event = fact.event
            assert isinstance(event, ConvoyMove)
            if event.new_convoy is None:
                for kind, count in event.vehicles.items():
                    latest[kind] = VehicleReport(
                        count, event.occurred, event.sources_of(f"vehicles.{kind}"), event.id
                    )
        detached: dict[str, list[Detachment]] = {}
        for fact in splits:
            event = fact.event
            assert isinstance(event, ConvoyMove) and event.new_convoy is not None
            for kind, count in event.vehicles.items():
                detached.setdefault(kind, []).append(
                    Detachment(
                        names.ref(event.new_convoy, "subject"),
                        count,
                        event.status,
                        names.ref(event.toward, "place") if event.toward else None,
                        event.location,
                        event.occurred,
                        event.sources_of(f"vehicles.{kind}"),
                        event.id,
                    )
                )
        kinds = dict.fromkeys([*start, *latest, *detached])
        return tuple(
            VehicleTally(kind, start.get(kind), tuple(detached.get(kind, ())), latest.get(kind))
            for kind in kinds
        )

    def diff(self, before: tuple[ConvoyView, ...], after: tuple[ConvoyView, ...]) -> list[Change]:
        old = {c.key: c for c in before}
        found: list[Change] = []
        for convoy in after:
            prior = old.get(convoy.key)
            if prior == convoy:
                continue
            ref = convoy.convoy
            if prior is None:
                if convoy.parent is not None:
                    continue  # vehicles split off: the parent's "split" change tells it
                found.append(Change("convoys", "added", convoy.key, ref, None, convoy))
                prior = attrs.evolve(
                    convoy, strikes=(), aid=(), children=(), status=None, whereabouts=None
                )
            if convoy.status is not None and (
                prior.status is None or prior.status.status != convoy.status.status
            ):
                found.append(
                    Change(
                        "convoys",
                        "status",
                        convoy.key,
                        ref,
                        prior.status,
                        convoy.status,
                        (convoy.status.event_id,),
                    )
                )
            if convoy.whereabouts is not None and (
                prior.whereabouts is None
                or prior.whereabouts.location != convoy.whereabouts.location
            ):
                found.append(
                    Change(
                        "convoys",
                        "location",
                        convoy.key,
                        ref,
                        prior.whereabouts,
                        convoy.whereabouts,
                        (convoy.whereabouts.event_id,),
                    )
                )
            for child in convoy.children:
                if child not in prior.children:
                    part = next(
                        (d for v in convoy.vehicles for d in v.detached if d.convoy == child), None
                    )
                    found.append(
                        Change(
                            "convoys",
                            "split",
                            convoy.key,
                            ref,
                            None,
                            part,
                            (part.event_id,) if part else (),
                        )
                    )
            was = {v.kind: v.latest for v in prior.vehicles}
            for tally in convoy.vehicles:
                if tally.latest is not None and was.get(tally.kind) != tally.latest:
                    found.append(
                        Change(
                            "convoys",
                            "vehicles",
                            convoy.key,
                            ref,
                            was.get(tally.kind),
                            tally,
                            (tally.latest.event_id,),
                        )
                    )
            for kind, events, old_events in (
                ("strike", convoy.strikes, prior.strikes),
                ("aid", convoy.aid, prior.aid),
            ):
                seen = {e.id for e in old_events}
                for event in events:
                    if event.id not in seen:
                        found.append(
                            Change("convoys", kind, convoy.key, ref, None, event, (event.id,))
                        )
        return found
