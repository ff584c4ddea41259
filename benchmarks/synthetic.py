"""A realistic synthetic log for the benchmarks: every built-in event type, deterministic.

``events(n, seed)`` yields ``n`` events: reference data first (actors with aliases and
spokespeople, places with coordinates, subjects), then a stream of the world's events
over convoys and actors, each citing graded sources, with counts of every qualifier,
locations, reported figures, some convoy splits, and corrections and retractions of
earlier events. Times advance about
a minute an event at mixed precision (minutes, days, approximate days); ``recorded``
advances one minute per batch of twenty, as a desk entering reports would.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import sitrep_core as sr
from sitrep_core import Count, Location, Source

START = datetime(2017, 1, 1, tzinfo=UTC)
ACTORS = 40
PLACES = 120
CONVOYS = 12
RECORDED_BATCH = 20
"""Events recorded in the same minute."""

SOURCES = (
    ("SOHR", "https://www.syriahr.com/en/", ("B2", "C3", "B3")),
    ("Reuters", "https://www.reuters.com/", ("B2", "A2", "B1")),
    ("AP", "https://apnews.com/", ("B2", "B1")),
    ("Coalition (CJTF-OIR)", "https://www.inherentresolve.mil/", ("A2", "B3", "C4")),
    ("Hezbollah media", None, ("D3", "E4", "D5")),
    ("Amaq", None, ("E4", "E5", "F6")),
    ("SANA", "https://sana.sy/en/", ("D3", "C4")),
    ("Al-Manar", None, ("D4", "E4")),
    ("Local activists", None, ("F3", "F6", "C3")),
    ("Iraqi Joint Operations Command", None, ("B2", "C3")),
    ("Lebanese Army", "https://www.lebarmy.gov.lb/en", ("B2", "B3")),
    ("Deir ez-Zor 24", None, ("C3", "C2")),
    ("OCHA", "https://reliefweb.int/", ("A1", "B2")),
    ("Russian MoD", None, ("D4", "E5")),
    ("Kurdish Red Crescent", None, ("C2", "B2")),
)
SUBJECTS = (
    "evacuation deal",
    "convoy",
    "ceasefire",
    "airstrikes",
    "aid access",
    "border crossing",
    "prisoner exchange",
    "Qalamoun offensive",
    "Deir ez-Zor",
    "Abu Kamal",
)
STATUSES = ("moving", "moving", "moving", "halted", "stalled", "turned-back", "arrived", None)
STANCES = ("supports", "condemns", "threatens", "denies", "concerned")
MEASURES = ("killed", "wounded", "displaced", "in-need", "evacuated")
RELATIONS = ("near", "east-of", "west-of", "north-of", "south-of")
HEADINGS = ("east", "west", "north", "south", "north-east", "south-east", None, None)
TARGETS = ("road", "bridge", "vehicle", "fighters", "tank", "checkpoint", "depot")
EFFECTS = ("cratered", "destroyed", "damaged", None)
VEHICLE_KINDS = ("buses", "ambulances", "trucks")
ITEMS = ("food", "water", "medicine", "fuel", "blankets")


def actor_key(i: int) -> str:
    return f"actor-{i:02d}"


def place_key(i: int) -> str:
    return f"place-{i:03d}"


def _reference(rng: random.Random, recorded: datetime) -> list[sr.Event]:
    out: list[sr.Event] = []
    for i in range(ACTORS):
        person = i >= 30
        out.append(
            sr.ActorDefined(
                id=f"ref-{actor_key(i)}",
                occurred="2014",
                recorded=recorded,
                key=actor_key(i),
                name=f"Spokesperson {i}" if person else f"Armed Group {i}",
                aliases=() if person else (f"AG{i}", f"Group {i}"),
                kind="person" if person else "group",
                role="spokesperson" if person else None,
                speaks_for=actor_key(i - 30) if person else None,
                country=rng.choice(("SY", "IQ", "LB", None)),
            )
        )
    for i in range(PLACES):
        out.append(
            sr.PlaceDefined(
                id=f"ref-{place_key(i)}",
                occurred="2014",
                recorded=recorded,
                key=place_key(i),
                name=f"Town {i}",
                aliases=(f"Town-{i}", f"Al-Town {i}"),
                kind="town",
                lat=round(rng.uniform(32.5, 36.5), 4),
                lon=round(rng.uniform(36.0, 41.5), 4),
                country="SY",
            )
        )
    for index, subject in enumerate(SUBJECTS):
        out.append(
            sr.SubjectDefined(
                id=f"ref-subject-{index:02d}",
                occurred="2014",
                recorded=recorded,
                key=subject,
                name=subject.capitalize(),
                kind="topic",
            )
        )
    return out


def _count(rng: random.Random, scale: int) -> Count:
    kind = rng.random()
    value = rng.randint(1, scale)
    if kind < 0.45:
        return Count.exact(value)
    if kind < 0.7:
        return Count.approx(value, text=f"around {value}" if rng.random() < 0.5 else None)
    if kind < 0.85:
        return Count.at_least(value, text=f"at least {value}")
    if kind < 0.95:
        return Count.between(value, value + rng.randint(1, scale), text=None)
    return Count(None, "unknown")


def _sources(rng: random.Random) -> list[Source]:
    chosen = rng.sample(SOURCES, rng.choice((0, 1, 1, 1, 2, 2, 3)))
    out = []
    for name, url, gradings in chosen:
        grading = rng.choice(gradings)
        out.append(
            Source(
                name,
                grading[0],  # type: ignore[arg-type]
                int(grading[1]),
                url=url if rng.random() < 0.6 else None,
                quote="as reported" if rng.random() < 0.1 else None,
            )
        )
    return out


def _occurred(rng: random.Random, moment: datetime) -> str:
    form = rng.random()
    if form < 0.7:
        return moment.strftime("%Y-%m-%dT%H:%M")
    if form < 0.9:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d") + "~"


class _World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.convoys: list[str] = []
        self.splits = 0
        self.world: list[sr.Event | None] = []  # standing versions of revisable events
        self.standing: dict[str, int] = {}  # root id -> index in world

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def place(self) -> str:
        return place_key(self.rng.randrange(PLACES))

    def actor(self) -> str:
        return actor_key(self.rng.randrange(30))

    def location(self) -> Location:
        """A place, or a direction from one, sometimes with the source's own words."""
        rng = self.rng
        place = self.place()
        if rng.random() < 0.3:
            return Location(text=f"{rng.randint(1, 60)} km from Town {place[-3:]}", places=(place,))
        return Location(relation=rng.choice(RELATIONS), places=(place,))

    def event(self, occurred: str, recorded: datetime) -> sr.Event:
        rng = self.rng
        common: dict[str, Any] = {
            "id": self.new_id(),
            "occurred": occurred,
            "recorded": recorded,
            "sources": _sources(rng),
        }
        if rng.random() < 0.05:
            common["tags"] = (rng.choice(("verified", "breaking", "disputed")),)
        if rng.random() < 0.05:
            common["notes"] = "Reported by several outlets; details unconfirmed."
        roll = rng.random()
        if not self.convoys or (len(self.convoys) < CONVOYS and roll < 0.02):
            convoy = f"convoy-{len(self.convoys) + 1}"
            self.convoys.append(convoy)
            return sr.Evacuation(
                **common,
                group=self.actor(),
                origins=(self.place(),),
                destination=self.place(),
                agreement="evacuation deal",
                parties=(self.actor(), self.actor()),
                fighters=_count(rng, 400),
                civilians=_count(rng, 800),
                wounded=_count(rng, 50) if rng.random() < 0.5 else None,
                vehicles={"buses": _count(rng, 20), "ambulances": _count(rng, 8)},
                convoy=convoy,
            )
        convoy = rng.choice(self.convoys)
        if roll < 0.40:
            if rng.random() < 0.0005 * (1 + len(self.convoys)) and self.splits < 40:
                self.splits += 1
                child = f"{convoy}-split-{self.splits}"
                self.convoys.append(child)
                return sr.ConvoyMove(
                    **common,
                    convoy=convoy,
                    new_convoy=child,
                    vehicles={"buses": Count.exact(rng.randint(1, 6))},
                    status=rng.choice(("turned-back", "moving", "halted")),
                    toward=self.place(),
                )
            has_people = rng.random() < 0.15
            return sr.ConvoyMove(
                **common,
                convoy=convoy,
                status=rng.choice(STATUSES),
                location=self.location() if rng.random() < 0.6 else None,
                heading=rng.choice(HEADINGS),
                toward=self.place() if rng.random() < 0.4 else None,
                vehicles={"buses": _count(rng, 20)} if rng.random() < 0.1 else {},
                cause="airstrike on the road" if rng.random() < 0.05 else None,
                fighters=_count(rng, 400) if has_people else None,
                civilians=_count(rng, 800) if has_people and rng.random() < 0.5 else None,
            )
        if roll < 0.55:
            casualties = rng.random() < 0.4
            return sr.Strike(
                **common,
                actor=self.actor(),
                targets=tuple(rng.sample(TARGETS, rng.randint(1, 2))),
                means=rng.choice(("airstrike", "artillery", "drone", None)),
                location=self.location(),
                effect=rng.choice(EFFECTS),
                convoy=convoy if rng.random() < 0.3 else None,
                convoy_hit=rng.choice((True, False, None)),
                killed=_count(rng, 30) if casualties else None,
                wounded=_count(rng, 60) if casualties and rng.random() < 0.5 else None,
            )
        if roll < 0.77:
            speaker = rng.randrange(ACTORS)
            return sr.Statement(
                **common,
                speaker=f"Spokesperson {speaker}" if speaker >= 30 else f"AG{speaker}",
                actors=() if speaker >= 30 else (actor_key(speaker),),
                subject=rng.choice(SUBJECTS),
                stances=(rng.choice(STANCES),),
                quote=f"We {rng.choice(('will', 'will not', 'must'))} allow this to continue."
                if rng.random() < 0.7
                else None,
                audience=rng.choice(("press conference", "televised speech", None)),
            )
        if roll < 0.82:
            return sr.AidDelivery(
                **common,
                items=tuple(rng.sample(ITEMS, rng.randint(1, 3))),
                convoy=convoy if rng.random() < 0.6 else None,
                recipient=None if rng.random() < 0.6 else "displaced families",
                provider=rng.choice(("UNHCR", "WFP", "ICRC", None)),
                location=self.location(),
            )
        if roll < 0.86:
            return sr.Agreement(
                **common,
                kind=rng.choice(("deal", "ceasefire", "truce")),
                parties=(self.actor(), self.actor()),
                terms="Safe passage in exchange for prisoners.",
                area=f"Town {rng.randrange(PLACES)}",
                near=(self.place(),),
            )
        if roll < 0.89:
            return sr.FigureReported(
                **common,
                subject=rng.choice(SUBJECTS),
                measure=rng.choice(MEASURES),
                count=_count(rng, 5000),
                location=self.location() if rng.random() < 0.5 else None,
            )
        if roll < 0.93:
            return sr.Operation(
                **common,
                kind=rng.choice(("offensive", "bombardment", "siege")),
                actors=(self.actor(),),
                against=(self.actor(),),
                area=f"Town {rng.randrange(PLACES)} district",
                near=(self.place(),),
                outcome=rng.choice(("ongoing", "stalled", None)),
            )
        return sr.Control(
            **common,
            actor=self.actor(),
            area=f"Town {rng.randrange(PLACES)}",
            status=rng.choice(("controls", "gained", "lost", "contested")),
            via=(self.actor(),) if rng.random() < 0.2 else (),
            near=(self.place(),),
        )

    def revision(self, occurred: str, recorded: datetime) -> sr.Event | None:
        """A correction (three in four) or a retraction of a standing world event."""
        rng = self.rng
        if not self.world:
            return None
        index = rng.randrange(max(0, len(self.world) - 5000), len(self.world))
        target = self.world[index]
        if target is None:
            return None
        if rng.random() < 0.25:
            self.world[index] = None
            return sr.Retraction(
                id=self.new_id(),
                occurred=occurred,
                recorded=recorded,
                retracts=target.id,
                reason="the source withdrew the report",
                sources=cast(Any, _sources(rng)),
            )
        changes: dict[str, Any] = {
            "id": self.new_id(),
            "recorded": recorded,
            "corrects": target.id,
            "notes": "corrected figures",
        }
        for field in ("fighters", "civilians", "killed", "wounded", "count"):
            if getattr(target, field, None) is not None:
                changes[field] = _count(rng, 400)
        correction = _evolve(target, changes)
        self.world[index] = correction
        return correction


def _evolve(event: sr.Event, changes: dict[str, Any]) -> sr.Event:
    import attrs

    return attrs.evolve(event, **changes)


def events(n: int, seed: int = 2017) -> Iterator[sr.Event]:
    """``n`` events (reference data first), the same for the same ``n`` and ``seed``."""
    rng = random.Random(seed)
    recorded_at = START + timedelta(days=1)
    reference = _reference(rng, recorded_at)
    yield from reference[:n]
    world = _World(rng)
    moment = START
    for index in range(len(reference), n):
        moment += timedelta(seconds=rng.randint(20, 100))
        if index % RECORDED_BATCH == 0:
            recorded_at = max(recorded_at + timedelta(minutes=1), moment + timedelta(hours=2))
        occurred = _occurred(rng, moment)
        event: sr.Event | None = None
        if rng.random() < 0.02:
            event = world.revision(occurred, recorded_at)
        if event is None:
            event = world.event(occurred, recorded_at)
            if event.TYPE not in ("evacuation",) and not (
                isinstance(event, sr.ConvoyMove) and event.new_convoy
            ):
                world.world.append(event)
        yield event


def write_lines(path: str, n: int, seed: int = 2017) -> None:
    """Write ``n`` synthetic events to ``path`` as JSON Lines, the input ``sitrep append``
    reads (one event a line, as the codec writes it)."""
    codec = sr.Codec()
    with open(path, "wb") as handle:
        for event in events(n, seed):
            handle.write(codec.encode(event) + b"\n")


def write_log(target: str, n: int, seed: int = 2017, batch: int = 1000) -> None:
    """Append ``n`` synthetic events to the log at ``target`` in batches."""
    with sr.open_log(target) as log:
        pending: list[sr.Event] = []
        for event in events(n, seed):
            pending.append(event)
            if len(pending) >= batch:
                log.append(pending)
                pending = []
        if pending:
            log.append(pending)
