"""From events to ACLED rows: which events ACLED would code, and how.

The projection keeps the events (a report's timeline keeps only headlines) and its
view is the rows, worked out with the directory of actors and places at the
report's moment. An event ACLED has no equivalent for is listed in ``left_out``
with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import ClassVar

import attrs

from sitrep_core import (
    Agreement,
    Control,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    Operation,
    Strike,
)
from sitrep_core.views import Actor, Directory, EventSetProjection, Place, ViewContext

from ._countries import country

COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
"""ACLED's columns, in ACLED's order (the layout since March 2023)."""

POLITICAL_VIOLENCE = "Political violence"
STRATEGIC = "Strategic developments"
EXPLOSIONS = "Explosions/Remote violence"
BATTLES = "Battles"

SOURCE_SEPARATOR = "; "
"""How ACLED joins several sources (and several associated actors, and tags)."""

UNKNOWN_COUNTRY = "XXX"
"""ISO 3166's code for an unknown state, in ``event_id_cnty`` when no country is known."""

REGION_KINDS = frozenset(
    {"region", "governorate", "province", "district", "area", "country", "mountains", "desert"}
)
"""Place kinds that name a region, not a town: geo_precision 3."""

CONVOY_EVENTS = frozenset({"halted", "stalled", "turned-back", "arrived", "dispersed"})
"""Convoy statuses worth a row: a convoy stopped, turned, arrived or broke up."""

# Words in a strike's ``means`` or an operation's ``kind``, to ACLED sub-event types.
_STRIKE_MEANS: tuple[tuple[str, str], ...] = (
    (r"chemical|gas|chlorine|sarin", "Chemical weapon"),
    (r"suicide|svbied", "Suicide bomb"),
    (r"\bied\b|landmine|mine\b|explosive device|car bomb|vbied", "Remote explosive/landmine/IED"),
    (r"grenade", "Grenade"),
    (r"shell|artillery|missile|rocket|mortar|bombard", "Shelling/artillery/missile attack"),
    (r"air|drone|jet|helicopter|plane|uav", "Air/drone strike"),
)
_BATTLE_KINDS = r"offensive|assault|attack|battle|clash|fighting|raid|ambush"
_BASE_KINDS = r"\bbase\b|headquarters|\bhq\b|outpost"

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
class Coding:
    disorder_type: str
    event_type: str
    sub_event_type: str


@attrs.frozen
class Dyad:
    actor1: str | None = None
    assoc_actor_1: tuple[str, ...] = ()
    actor2: str | None = None
    assoc_actor_2: tuple[str, ...] = ()
    civilian_targeting: bool = False


# -- time ---------------------------------------------------------------------------------


def event_date(event: Event) -> tuple[str, int] | None:
    """The date ACLED would give the event and its time_precision, or None when the
    event is known only within more than a month (ACLED codes no such event).

    1: the day is known; 2: within a week (or an approximate day); 3: within a month.
    A day, minute or second keeps the date as written (the source's local date); a
    wider span is dated by its middle day.
    """
    when = event.occurred
    if when.precision in ("day", "minute", "second"):
        vague = when.approximate or when.uncertain
        return when.text[:10], 2 if vague else 1
    try:
        span = when.latest - when.earliest
        middle = when.earliest + span / 2
    except OverflowError:
        return None
    if span <= timedelta(days=1) and not (when.approximate or when.uncertain):
        return when.earliest.date().isoformat(), 1
    if span <= timedelta(days=7):
        return middle.date().isoformat(), 2
    if span <= timedelta(days=31):
        return middle.date().isoformat(), 3
    return None


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def date_words(event: Event) -> str:
    """When, as ACLED's notes open: "On 30 August 2017", "Around ...", "In August 2017",
    "Between 29 August 2017 and 5 September 2017"."""
    when = event.occurred
    if when.precision in ("day", "minute", "second"):
        day = datetime.fromisoformat(when.text[:10])
        return f"{'Around' if when.approximate or when.uncertain else 'On'} {_day(day)}"
    if when.precision == "month":
        return f"In {when.earliest:%B %Y}"
    last = when.latest - timedelta(microseconds=1)
    if last.date() == when.earliest.date():
        return f"On {_day(when.earliest)}"
    return f"Between {_day(when.earliest)} and {_day(last)}"


# -- who ----------------------------------------------------------------------------------


def inter_code(actor: Actor | None, event_country: str | None) -> int | None:
    """ACLED's actor type from the directory's ``kind``; state forces abroad are 8."""
    if actor is None or not actor.kind:
        return None
    kind = actor.kind.casefold()
    for pattern, code in _INTER:
        if re.search(pattern, kind):
            if code == 1 and actor.country and event_country:
                home, there = country(actor.country), country(event_country)
                if home is not None and there is not None and home != there:
                    return 8
            return code
    return None


def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    """The two inter codes, lower first (``13``); one actor alone is ``10``, ``20``..."""
    if inter1 is None:
        return None
    if inter2 is None:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def _convoy_groups(events: Iterable[Event]) -> dict[str, str]:
    """Which group travels in each convoy: from its evacuation, or the convoy it split from."""
    groups: dict[str, str] = {}
    splits: list[ConvoyMove] = []
    for event in events:
        if isinstance(event, Evacuation) and event.convoy:
            groups.setdefault(event.convoy, event.group)
        elif isinstance(event, ConvoyMove) and event.new_convoy:
            splits.append(event)
    for _ in range(len(splits)):  # a split of a split learns its group in a later pass
        for split in splits:
            assert split.new_convoy is not None
            if split.new_convoy not in groups and split.convoy in groups:
                groups[split.new_convoy] = groups[split.convoy]
    return groups


def _civilian(name: str, names: Directory) -> bool:
    actor = names.actor(name)
    kind = (actor.kind or "") if actor else ""
    return "civilian" in name.casefold() or "civilian" in kind.casefold()


# -- what ---------------------------------------------------------------------------------


def _match(text: str | None, table: tuple[tuple[str, str], ...], default: str) -> str:
    folded = (text or "").casefold()
    return next((found for pattern, found in table if re.search(pattern, folded)), default)


def coding(event: Event) -> Coding | str:
    """The ACLED types of an event, or why it has none."""
    if isinstance(event, Strike):
        sub = _match(event.means, _STRIKE_MEANS, "Air/drone strike")
        return Coding(POLITICAL_VIOLENCE, EXPLOSIONS, sub)
    if isinstance(event, Agreement):
        return Coding(STRATEGIC, STRATEGIC, "Agreement")
    if isinstance(event, Evacuation):
        return Coding(STRATEGIC, STRATEGIC, "Other")
    if isinstance(event, ConvoyMove):
        if event.new_convoy is not None or event.status in CONVOY_EVENTS:
            return Coding(STRATEGIC, STRATEGIC, "Other")
        return "a convoy's routine movement; ACLED codes no movement without a development"
    if isinstance(event, Control):
        if event.status in ("gained", "lost", "cleared"):
            return Coding(STRATEGIC, STRATEGIC, "Non-violent transfer of territory")
        return f"control {event.status!r} is a standing state, not an event"
    if isinstance(event, Operation):
        kind = event.kind.casefold()
        if re.search(_BASE_KINDS, kind):
            return Coding(STRATEGIC, STRATEGIC, "Headquarters or base established")
        sub = _match(kind, _STRIKE_MEANS, "")
        if sub:
            return Coding(POLITICAL_VIOLENCE, EXPLOSIONS, sub)
        if re.search(_BATTLE_KINDS, kind):
            return Coding(POLITICAL_VIOLENCE, BATTLES, "Armed clash")
        return f"an operation of kind {event.kind!r} has no ACLED equivalent"
    if event.TYPE == "statement":
        return "ACLED codes no statements"
    if event.TYPE == "aid-delivery":
        return "ACLED codes no aid deliveries"
    return f"no ACLED mapping for events of type {event.TYPE!r}"


def dyad(event: Event, convoy_groups: dict[str, str], names: Directory) -> Dyad:
    """Who acted (actor1) and who was acted upon or took part (actor2), as names."""
    show = names.display
    if isinstance(event, Strike):
        targeted = [t for t in event.targets if names.actor(t) is not None]
        hit = event.convoy is not None and event.convoy_hit is not False
        group = convoy_groups.get(event.convoy) if hit and event.convoy else None
        others = [show(t) for t in targeted]
        actor2 = show(group) if group else (others.pop(0) if others else None)
        return Dyad(
            show(event.actor),
            (),
            actor2,
            tuple(o for o in others if o != actor2),
            any(_civilian(t, names) for t in event.targets),
        )
    if isinstance(event, Agreement):
        parties = [show(p) for p in event.parties]
        return Dyad(
            parties[0] if parties else None,
            tuple(parties[2:]),
            parties[1] if len(parties) > 1 else None,
        )
    if isinstance(event, Evacuation):
        group = show(event.group)
        others = [show(p) for p in event.parties if show(p) != group]
        return Dyad(group, (), others[0] if others else None, tuple(others[1:]))
    if isinstance(event, ConvoyMove):
        group = convoy_groups.get(event.convoy)
        return Dyad(show(group) if group else None)
    if isinstance(event, Control):
        return Dyad(show(event.actor), tuple(show(v) for v in event.via))
    if isinstance(event, Operation):
        actors = [show(a) for a in event.actors]
        against = [show(a) for a in event.against]
        return Dyad(
            actors[0] if actors else None,
            tuple(actors[1:]),
            against[0] if against else None,
            tuple(against[1:]),
        )
    return Dyad()


# -- where --------------------------------------------------------------------------------


def _where(event: Event) -> tuple[list[str], str | None]:
    """The place names an event gives, most specific first, and any free-text position."""
    if isinstance(event, Strike | ConvoyMove):
        return list(event.near), event.position
    if isinstance(event, Evacuation):
        return [event.origin], None
    if isinstance(event, Agreement | Operation):
        return [*([event.area] if event.area else []), *event.near], None
    if isinstance(event, Control):
        return [event.area, *event.near], None
    return [], None


@attrs.frozen
class Location:
    place: Place | None
    name: str | None
    precision: int | None


def location(event: Event, names: Directory) -> Location:
    """Where to put the event, and how sure that is (ACLED's geo_precision).

    1: the town itself. 2: near a town, or one of several places (the first named
    place with coordinates stands for it, as ACLED picks the nearest town). 3: a
    region only. A place without coordinates is named without a precision.
    """
    named, free_text = _where(event)
    found = [p for p in map(names.place, named) if p is not None]
    located = [p for p in found if p.lat is not None and p.lon is not None]
    if not located:
        first = found[0].name if found else (named[0] if named else free_text)
        return Location(found[0] if found else None, first, None)
    place = located[0]
    if (place.kind or "").casefold() in REGION_KINDS:
        return Location(place, place.name, 3)
    near = free_text is not None or len({p.key for p in found}) > 1 or len(named) > len(found)
    return Location(place, place.name, 2 if near else 1)


# -- the row ------------------------------------------------------------------------------


def _join(values: Iterable[str]) -> str | None:
    return SOURCE_SEPARATOR.join(dict.fromkeys(values)) or None


def _notes(event: Event, names: Directory) -> str:
    text = f"{date_words(event)}, {event.describe(names.display)}."
    if isinstance(event, Strike) and event.convoy_hit is False:
        text += " The convoy was not hit."
    if event.notes:
        text += f" {event.notes}"
    return text


def _fatalities(event: Event) -> int:
    killed: Count | None = getattr(event, "killed", None)
    return (killed.lower or 0) if killed is not None else 0


def row(
    event: Event, position: int, convoy_groups: dict[str, str], names: Directory
) -> AcledRow | LeftOut:
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
    where = location(event, names)
    place = where.place
    found = country(place.country) if place else None
    place_country = found.name if found else (place.country if place else None)
    who = dyad(event, convoy_groups, names)
    inter1 = inter_code(names.actor(who.actor1) if who.actor1 else None, place_country)
    inter2 = inter_code(names.actor(who.actor2) if who.actor2 else None, place_country)
    if who.actor2 is None and who.civilian_targeting:
        inter2 = 7
    return AcledRow(
        f"{found.alpha3 if found else UNKNOWN_COUNTRY}{position}",
        date,
        int(date[:4]),
        precision,
        coded.disorder_type,
        coded.event_type,
        coded.sub_event_type,
        who.actor1,
        _join(who.assoc_actor_1),
        inter1,
        who.actor2,
        _join(who.assoc_actor_2),
        inter2,
        interaction_code(inter1, inter2),
        "Civilian targeting" if who.civilian_targeting else None,
        found.numeric if found else None,
        found.region if found else None,
        place_country,
        place.admin1 if place else None,
        place.admin2 if place else None,
        None,
        where.name,
        f"{place.lat:.4f}" if place and place.lat is not None else None,
        f"{place.lon:.4f}" if place and place.lon is not None else None,
        where.precision,
        _join(s.name for s in event.sources),
        None,
        _notes(event, names),
        _fatalities(event),
        _join(event.tags),
        int(event.recorded.timestamp()) if event.recorded else None,
        sitrep_event_id=event.id,
    )


class AcledProjection(EventSetProjection):
    """Keeps every event that is not reference data; its view is the ACLED rows."""

    name: ClassVar[str] = "acled"
    version: ClassVar[int] = 1
    section: ClassVar[bool] = False  # an export, not a section of the report

    def keeps(self, event: Event) -> bool:
        return event.TYPE not in ("actor", "place", "retraction")

    def view(self, state: dict[str, tuple[int, Event]], context: ViewContext) -> AcledExport:
        names: Directory = context.names
        held = sorted(state.values(), key=lambda item: item[0])
        groups = _convoy_groups(event for _, event in held)
        rows: list[tuple[str, int, AcledRow]] = []
        left_out: list[LeftOut] = []
        for position, event in held:
            made = row(event, position, groups, names)
            if isinstance(made, LeftOut):
                left_out.append(made)
            else:
                rows.append((made.event_date, position, made))
        return AcledExport(tuple(r for _, _, r in sorted(rows)), tuple(left_out))
