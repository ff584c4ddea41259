"""From events to ACLED rows: which events ACLED would code, and how.

The projection keeps every fact (reference data too: ACLED names come from actor
definitions); its view is the rows at the report's moment. An event ACLED has no
equivalent for is listed in ``left_out`` with the reason. Each row is located: at
the event's place, or where the convoy it concerns was last reported, or where it
formed. An attack's fatalities are the most conservative of its claims, gathered by
``incident``, and an attack several events report on is one row: rows are summed
by everyone who reads ACLED data, so claims must not be.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import ClassVar

import attrs

from sitrep_core import (
    ActorDefined,
    Agreement,
    Control,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    FigureReported,
    Operation,
    Projection,
    Strike,
    renderers,  # its phrasing (and Babel) loads on first use
)
from sitrep_core.frames import where
from sitrep_core.views import Actor, Directory, Fact, Place, ViewContext

from ._codes import (
    COLUMNS,
    AcledActor,
    acled_actor,
    interaction_code,
    source_scale,
)
from ._coding import Coding, coding, date_words, event_date
from ._countries import Country, country
from ._event import AcledEvent

SOURCE_SEPARATOR = "; "
"""How ACLED joins several sources (and several associated actors, and tags)."""

UNKNOWN_COUNTRY = "XXX"
"""ISO 3166's code for an unknown state, in ``event_id_cnty`` when no country is known."""

IMPORTED_TAG = "acled"
"""The tag of an event read from an ACLED file: its id is ACLED's ``event_id_cnty`` and
its notes are ACLED's, exported as they are."""
OVERRIDE_PREFIX = "acled:"
"""``acled:COLUMN=VALUE`` tags keep a coding value of an imported row that the event's
own fields would not give again (``acled:source_scale=National``)."""
OVERRIDABLE = frozenset(
    {"source_scale", "geo_precision", "inter1", "inter2", "interaction", "civilian_targeting",
     "disorder_type", "admin1", "admin2", "admin3", "iso", "region", "country"}
)  # fmt: skip
ACTOR_NAME_TAG = "acled:"
"""An actor definition tagged ``acled:NAME`` is exported as NAME."""

REGION_KINDS = frozenset(
    {"region", "governorate", "province", "district", "area", "country", "mountains", "desert",
     "border", "pocket"}
)  # fmt: skip
"""Place kinds that name a region, not a town: geo_precision 3."""

MILITARY_TARGETS = re.compile(
    r"fighter|militant|combatant|tank|technical|vehicle|truck|convoy|position|weapon|"
    r"checkpoint|base|artillery|mortar|launcher"
)
"""Targets that belong to the group a struck convoy carries, even when the convoy's
buses were spared (strikes on the fighters escorting it)."""

# Actor kinds (free text in the directory) to ACLED's inter codes.
_INTER: tuple[tuple[str, int], ...] = (
    (r"identity|tribal|communal|ethnic|clan", 4),
    (r"militia", 3),
    (r"protest", 6),
    (r"riot", 5),
    (r"civilian", 7),
    (r"coalition|external|foreign|international|multinational|peacekeep|un mission", 8),
    (r"state|government|military|army|police|armed forces|regime", 1),
    (r"rebel|insurgent|jihadist|armed group|opposition|terrorist", 2),
)


@attrs.frozen
class AcledRow:
    """One row of the export; ``None`` is an empty cell."""

    event_id_cnty: str
    event_date: str
    year: int
    time_precision: int
    disorder_type: str
    event_type: str
    sub_event_type: str
    actor1: str | None
    assoc_actor_1: str | None
    inter1: int | None
    actor2: str | None
    assoc_actor_2: str | None
    inter2: int | None
    interaction: int | None
    civilian_targeting: str | None
    iso: int | None
    region: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    admin3: str | None
    location: str | None
    latitude: str | None
    longitude: str | None
    geo_precision: int | None
    source: str | None
    source_scale: str | None
    notes: str
    fatalities: int
    tags: str | None
    timestamp: int | None
    sitrep_event_id: str = attrs.field(default="", kw_only=True)
    """Which event of the log the row comes from (not an ACLED column)."""

    def cells(self) -> dict[str, str]:
        """The row as ACLED's CSV cells (empty for None), by column."""
        return {c: "" if (v := getattr(self, c)) is None else str(v) for c in COLUMNS}


@attrs.frozen
class LeftOut:
    """An event with no row, and why."""

    event_id: str
    type: str
    reason: str


@attrs.frozen
class AcledExport:
    """The view of the ``acled`` projection: the rows, and the events left out."""

    rows: tuple[AcledRow, ...]
    left_out: tuple[LeftOut, ...]


@attrs.frozen
class Dyad:
    """The two sides, as actor keys or names (ACLED names are chosen later)."""

    actor1: str | None = None
    assoc_actor_1: tuple[str, ...] = ()
    actor2: str | None = None
    assoc_actor_2: tuple[str, ...] = ()
    civilian_targeting: bool = False


@attrs.frozen
class Located:
    """Where a row is put, and how sure that is (ACLED's geo_precision)."""

    place: Place | None
    name: str | None
    latitude: float | None
    longitude: float | None
    precision: int | None


# -- the log as the rows need it -------------------------------------------------------------


def _root(fact: Fact) -> Fact:
    while fact.replaced is not None:
        fact = fact.replaced
    return fact


@attrs.frozen
class Context:
    """What rows are made with: the names at the report's moment, each convoy's group
    and reported points, the claims of killed by subject, ACLED names from tags."""

    names: Directory
    groups: dict[str, str]
    parents: dict[str, str]
    points: dict[str, list[tuple[Fact, Located]]]
    origins: dict[str, list[str]]
    killed: dict[str, list[Count]]
    operations: list[Operation]
    acled_names: dict[str, str]


def subject_of(fact: Fact) -> str:
    """What an event's fatality claims gather under: a strike's ``incident``, else the
    first version's id (a correction's claims stay with what it corrects)."""
    event = fact.event
    incident = getattr(event, "incident", None)
    return incident if isinstance(incident, str) and incident else _root(fact).event.id


def _point(event: Event, names: Directory) -> Located | None:
    at = where(event, names)
    if at.latitude is None or at.longitude is None:
        return None
    return Located(at.place, at.place.name if at.place else at.words, at.latitude, at.longitude, 2)


def context_of(facts: Sequence[Fact], names: Directory, references: Iterable[Fact]) -> Context:
    groups: dict[str, str] = {}
    parents: dict[str, str] = {}
    points: dict[str, list[tuple[Fact, Located]]] = defaultdict(list)
    origins: dict[str, list[str]] = {}
    killed: dict[str, list[Count]] = defaultdict(list)
    operations: list[Operation] = []
    for fact in facts:
        event = fact.event
        if isinstance(event, Evacuation) and event.convoy:
            groups.setdefault(event.convoy, event.group)
            origins.setdefault(event.convoy, list(event.origins))
        elif isinstance(event, ConvoyMove):
            if event.new_convoy:
                parents.setdefault(event.new_convoy, event.convoy)
            elif (found := _point(event, names)) is not None:
                points[event.convoy].append((fact, found))
        if isinstance(event, Strike | AcledEvent) and (n := _killed(event)) is not None:
            killed[subject_of(fact)].append(n)
        elif isinstance(event, FigureReported) and event.measure == "killed":
            killed[event.subject].append(event.count)
        elif isinstance(event, Operation):
            operations.append(event)
    for _ in range(len(parents)):  # a split of a split learns its group in a later pass
        for child, parent in parents.items():
            if child not in groups and parent in groups:
                groups[child] = groups[parent]
    acled_names = {}
    for fact in references:
        event = fact.event
        if isinstance(event, ActorDefined):
            for tag in event.tags:
                if tag.startswith(ACTOR_NAME_TAG) and "=" not in tag:
                    acled_names[event.key] = tag[len(ACTOR_NAME_TAG) :]
    return Context(
        names, groups, parents, dict(points), origins, dict(killed), operations, acled_names
    )


def _killed(event: Strike | AcledEvent) -> Count | None:
    if isinstance(event, AcledEvent):
        return Count.exact(event.fatalities) if event.fatalities else None
    return event.killed


def fatalities(claims: Sequence[Count]) -> int:
    """ACLED's figure: the most conservative claim (the lowest figure any claim
    allows, "at least 2" counting 2; an upper bound alone counting 0); never a sum."""
    return min(((c.lower or 0) for c in claims), default=0)


# -- who ----------------------------------------------------------------------------------


def _civilian(name: str) -> bool:
    return "civilian" in name.casefold()


def _parties_nearby(event: Agreement, ctx: Context) -> Dyad:
    """A deal that names no parties: the sides of an operation in its area at its time
    (a ceasefire ends the fighting of those who fought there)."""
    area = {ctx.names.place(n) for n in (event.area, *event.near) if n}
    area.discard(None)
    for operation in ctx.operations:
        here = {ctx.names.place(n) for n in (operation.area, *operation.near) if n}
        overlaps = operation.occurred.earliest < event.occurred.latest
        if area & here and overlaps and operation.actors:
            return Dyad(
                operation.actors[0],
                operation.actors[1:],
                operation.against[0] if operation.against else None,
                operation.against[1:],
            )
    return Dyad()


def dyad(event: Event, ctx: Context) -> Dyad:
    """Who acted (actor1) and who was acted upon or took part (actor2), as keys."""
    names = ctx.names
    if isinstance(event, AcledEvent):
        return Dyad(
            event.actor1,
            event.assoc_actor_1,
            event.actor2,
            event.assoc_actor_2,
            event.civilian_targeting,
        )
    if isinstance(event, Strike):
        known = [t for t in event.targets if names.actor(t) is not None]
        civilians = any(_civilian(t) for t in event.targets)
        group = ctx.groups.get(event.convoy) if event.convoy else None
        struck_group = group is not None and (
            event.convoy_hit is not False
            or any(MILITARY_TARGETS.search(t.casefold()) for t in event.targets)
        )
        actor2 = group if struck_group else (known[0] if known else None)
        if actor2 is None and civilians:
            actor2 = "civilians"
        by = event.actor or (event.claimed_by[0] if event.claimed_by else None)
        return Dyad(by, (), actor2, tuple(k for k in known if k != actor2), civilians)
    if isinstance(event, Agreement):
        if not event.parties:
            return _parties_nearby(event, ctx)
        parties = list(event.parties)
        return Dyad(parties[0], tuple(parties[2:]), parties[1] if len(parties) > 1 else None)
    if isinstance(event, Evacuation):
        others = [p for p in event.parties if names.ref(p, "actor") != names.ref(event.group)]
        return Dyad(event.group, (), others[0] if others else None, tuple(others[1:]))
    if isinstance(event, ConvoyMove):
        return Dyad(_group(event.convoy, ctx))
    if isinstance(event, Control):
        return Dyad(event.actor, event.via)
    if isinstance(event, Operation):
        return Dyad(
            event.actors[0] if event.actors else None,
            event.actors[1:],
            event.against[0] if event.against else None,
            event.against[1:],
        )
    return Dyad()


def _group(convoy: str, ctx: Context) -> str | None:
    return ctx.groups.get(convoy)


@attrs.frozen
class Named:
    """An actor as ACLED names and types it in one row."""

    name: str
    inter: int | None


def _inter_of_kind(actor: Actor | None, here: Country | None) -> int | None:
    if actor is None or not actor.kind:
        return None
    kind = actor.kind.casefold()
    for pattern, code in _INTER:
        if re.search(pattern, kind):
            if code == 1 and actor.country and here is not None:
                home = country(actor.country)
                if home is not None and home != here:
                    return 8
            return code
    return None


def named(key: str, ctx: Context, year: int, here: Country | None) -> Named:
    """The name ACLED gives an actor (a tag ``acled:NAME``, or ACLED's naming of a
    known actor, or the log's name) and its type in this row's country."""
    actor = ctx.names.actor(key)
    tagged = ctx.acled_names.get(actor.key if actor is not None else key)
    if tagged is not None:
        return Named(tagged, _inter_of_kind(actor, here))
    aliases = (actor.key, actor.name, *actor.aliases) if actor is not None else ()
    known: AcledActor | None = acled_actor(key, *aliases)
    if known is not None:
        inter = known.inter
        if known.state and here is not None and country(known.country) != here:
            inter = 8
        return Named(known.name_in(year, here.name if here else None), inter)
    return Named(actor.name if actor is not None else key, _inter_of_kind(actor, here))


# -- where --------------------------------------------------------------------------------


def _regional(place: Place | None) -> bool:
    return place is not None and (place.kind or "").casefold() in REGION_KINDS


def _convoy_of(event: Event) -> str | None:
    convoy = getattr(event, "convoy", None)
    return convoy if isinstance(convoy, str) and convoy else None


def _convoy_point(convoy: str, fact: Fact, ctx: Context) -> Located | None:
    """Where a convoy was last reported by the time of ``fact`` (its parent's, for a
    split), else where it formed."""
    seen: set[str] = set()
    current: str | None = convoy
    while current is not None and current not in seen:
        seen.add(current)
        reported = ctx.points.get(current, [])
        before = [
            p for f, p in reported if f.event.occurred.earliest <= fact.event.occurred.earliest
        ]
        if before:
            return before[-1]
        if reported:  # reported only later: the first report says best where it was
            return reported[0][1]
        for name in ctx.origins.get(current, []):
            place = ctx.names.place(name)
            if place is not None and place.lat is not None and place.lon is not None:
                return Located(place, place.name, place.lat, place.lon, 3)
        current = ctx.parents.get(current)
    return None


def location(event: Event, fact: Fact, ctx: Context) -> Located:
    """Where to put the event, and how sure that is (ACLED's geo_precision).

    1: at the town itself. 2: near a town, between two, or off it; or where the convoy
    it concerns was last reported. 3: a region (the place's ``kind`` is region,
    governorate, ...), an area ``around`` a place, or where the convoy formed. A place
    without coordinates is named without a precision.
    """
    names = ctx.names
    at = where(event, names)
    if at.latitude is not None and at.longitude is not None:
        relation = getattr(getattr(event, "location", None), "relation", None)
        precision = 1 if at.exact else 2
        if _regional(at.place) or relation == "around":
            precision = 3
        if isinstance(event, AcledEvent) and event.geo_precision is not None:
            precision = event.geo_precision
        place = at.place
        if place is not None and place.lat is not None and place.lon is not None:
            # ACLED's coordinates are those of the named location, never a point between
            return Located(place, place.name, place.lat, place.lon, precision)
        return Located(place, at.words, at.latitude, at.longitude, precision)
    convoy = _convoy_of(event)
    if convoy is not None and (found := _convoy_point(convoy, fact, ctx)) is not None:
        return found
    first = at.place.name if at.place is not None else (at.named[0] if at.named else at.words)
    return Located(at.place, first, None, None, None)


# -- the row ------------------------------------------------------------------------------


def _join(values: Iterable[str]) -> str | None:
    return SOURCE_SEPARATOR.join(dict.fromkeys(values)) or None


def _notes(event: Event, names: Directory) -> str:
    if IMPORTED_TAG in event.tags:
        return event.notes or ""
    text = f"{date_words(event)}, {renderers.plain(renderers.event_phrase(event, names))}."
    if isinstance(event, Strike) and event.convoy_hit is False:
        text += " The convoy was not hit."
    if event.notes:
        text += f" {event.notes}"
    return text


def _overrides(event: Event) -> dict[str, str]:
    found = {}
    for tag in event.tags:
        if tag.startswith(OVERRIDE_PREFIX) and "=" in tag:
            column, _, value = tag[len(OVERRIDE_PREFIX) :].partition("=")
            if column in OVERRIDABLE:
                found[column] = value
    return found


def _own_tags(event: Event) -> list[str]:
    return [t for t in event.tags if t != IMPORTED_TAG and not t.startswith(OVERRIDE_PREFIX)]


def _int(value: str) -> int | None:
    return int(value) if value else None


def row(event: Event, fact: Fact, ctx: Context) -> AcledRow | LeftOut:
    """The event's ACLED row, or why it has none."""
    coded = coding(event)
    if isinstance(coded, str):
        return LeftOut(event.id, event.TYPE, coded)
    dated = event_date(event)
    if dated is None:
        return LeftOut(
            event.id,
            event.TYPE,
            f"known only as {event.occurred.text}: ACLED needs the date within a month",
        )
    date, precision = dated
    year = int(date[:4])
    where_ = location(event, fact, ctx)
    place = where_.place
    found = country(place.country) if place else None
    place_country = found.name if found else (place.country if place else None)
    who = dyad(event, ctx)
    one = named(who.actor1, ctx, year, found) if who.actor1 else None
    two = named(who.actor2, ctx, year, found) if who.actor2 else None
    if who.actor2 == "civilians" and two is not None:
        two = Named(f"Civilians ({place_country or 'International'})", 7)
    if one is None and isinstance(event, Strike):  # a strike nobody claimed
        one = Named(f"Unidentified Armed Group ({place_country or 'International'})", 3)
    inter1 = one.inter if one else None
    inter2 = two.inter if two else None
    interaction = interaction_code(inter1, inter2)
    if isinstance(event, AcledEvent):  # as ACLED coded it
        inter1 = event.inter1 if event.inter1 is not None else inter1
        inter2 = event.inter2 if event.inter2 is not None else inter2
        interaction = event.interaction or interaction_code(inter1, inter2)
    override = _overrides(event)
    cells = {
        "disorder_type": coded.disorder_type,
        "inter1": inter1,
        "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if who.civilian_targeting else None,
        "iso": found.numeric if found else None,
        "region": found.region if found else None,
        "country": place_country,
        "admin1": place.admin1 if place else None,
        "admin2": place.admin2 if place else None,
        "admin3": place.admin3 if place else None,
        "geo_precision": where_.precision,
        "source_scale": source_scale([s.name for s in event.sources]),
    }
    for column, value in override.items():
        current = cells[column]
        cells[column] = _int(value) if isinstance(current, int) or value.isdigit() else value
        if value == "":
            cells[column] = None
    alpha3 = found.alpha3 if found else UNKNOWN_COUNTRY
    claims = ctx.killed.get(subject_of(fact), [])
    return AcledRow(
        event.id if IMPORTED_TAG in event.tags else f"{alpha3}{fact.position}",
        date,
        year,
        precision,
        str(cells["disorder_type"]),
        coded.event_type,
        coded.sub_event_type,
        one.name if one else None,
        _join(named(a, ctx, year, found).name for a in who.assoc_actor_1),
        _opt_int(cells["inter1"]),
        two.name if two else None,
        _join(named(a, ctx, year, found).name for a in who.assoc_actor_2),
        _opt_int(cells["inter2"]),
        _opt_int(cells["interaction"]),
        _opt_str(cells["civilian_targeting"]),
        _opt_int(cells["iso"]),
        _opt_str(cells["region"]),
        _opt_str(cells["country"]),
        _opt_str(cells["admin1"]),
        _opt_str(cells["admin2"]),
        _opt_str(cells["admin3"]),
        where_.name,
        f"{where_.latitude:.4f}" if where_.latitude is not None else None,
        f"{where_.longitude:.4f}" if where_.longitude is not None else None,
        _opt_int(cells["geo_precision"]),
        _join(s.name for s in event.sources),
        _opt_str(cells["source_scale"]),
        _notes(event, ctx.names),
        fatalities(claims),
        _join(_own_tags(event)),
        int(event.recorded.timestamp()) if event.recorded else None,
        sitrep_event_id=event.id,
    )


def _opt_int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def export_rows(facts: Sequence[Fact], references: Iterable[Fact], names: Directory) -> AcledExport:
    """The rows of the facts standing at a moment (in log order), and what is left out.

    Several reports of one attack (one ``incident``) give one row: the first's.
    """
    ctx = context_of(facts, names, references)
    rows: list[tuple[str, int, AcledRow]] = []
    left_out: list[LeftOut] = []
    attacks: dict[str, str] = {}
    for fact in facts:
        event = fact.event
        if isinstance(event, Strike) and event.incident:
            first = attacks.setdefault(event.incident, event.id)
            if first != event.id:
                left_out.append(
                    LeftOut(
                        event.id,
                        event.TYPE,
                        f"reports the same attack ({event.incident}) as {first}, whose row "
                        "holds the most conservative figure of every claim",
                    )
                )
                continue
        made = row(event, fact, ctx)
        if isinstance(made, LeftOut):
            left_out.append(made)
        else:
            rows.append((made.event_date, fact.position, made))
    return AcledExport(tuple(r for _, _, r in sorted(rows)), tuple(left_out))


_REFERENCE = frozenset({"actor", "place", "subject"})


class AcledProjection(Projection[list[Fact], AcledExport]):
    """Keeps every fact; its view is the ACLED rows at the report's moment."""

    name: ClassVar[str] = "acled"
    version: ClassVar[int] = 2
    section: ClassVar[bool] = False  # an export, not a section of the report

    def initial(self) -> list[Fact]:
        return []

    def apply(self, state: list[Fact], fact: Fact) -> None:
        if fact.event.TYPE != "retraction":
            state.append(fact)

    def view(self, state: list[Fact], context: ViewContext) -> AcledExport:
        references = [f for f in state if f.event.TYPE in _REFERENCE]
        happenings = [f for f in state if f.event.TYPE not in _REFERENCE]
        return export_rows(
            context.visible(happenings),
            context.visible(references, world=False),
            context.names,
        )


__all__ = [
    "AcledExport",
    "AcledProjection",
    "AcledRow",
    "Coding",
    "Context",
    "Dyad",
    "LeftOut",
    "Located",
    "coding",
    "date_words",
    "dyad",
    "event_date",
    "export_rows",
    "fatalities",
    "location",
    "named",
    "row",
]
