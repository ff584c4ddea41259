"""What ACLED calls an event: its event and sub-event types, and its date with the
time_precision the event's own precision allows.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import attrs

from sitrep_core import (
    Agreement,
    AidDelivery,
    Control,
    ConvoyMove,
    Evacuation,
    Event,
    FigureReported,
    Operation,
    Strike,
)

from ._codes import EVENT_TYPES, POLITICAL_VIOLENCE, STRATEGIC
from ._event import AcledEvent

EXPLOSIONS = "Explosions/Remote violence"
BATTLES = "Battles"

CONVOY_EVENTS = frozenset({"halted", "stalled", "turned-back", "arrived", "dispersed"})
"""Convoy statuses worth a row: a convoy stopped, turned, arrived or broke up."""

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


@attrs.frozen
class Coding:
    disorder_type: str
    event_type: str
    sub_event_type: str


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


# -- what ---------------------------------------------------------------------------------


def _match(text: str | None, table: tuple[tuple[str, str], ...], default: str) -> str:
    folded = (text or "").casefold()
    for _, subs in EVENT_TYPES.values():  # ACLED's own words first
        for sub in subs:
            if folded == sub.casefold():
                return sub
    return next((found for pattern, found in table if re.search(pattern, folded)), default)


def coding(event: Event) -> Coding | str:
    """The ACLED types of an event, or why it has none."""
    if isinstance(event, AcledEvent):
        disorder = event.disorder_type or EVENT_TYPES[event.event_type][0]
        return Coding(disorder, event.event_type, event.sub_event_type)
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
        for sub in EVENT_TYPES[BATTLES][1]:
            if kind == sub.casefold():
                return Coding(POLITICAL_VIOLENCE, BATTLES, sub)
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
    if isinstance(event, AidDelivery):
        return "ACLED codes no aid deliveries"
    if isinstance(event, FigureReported):
        return "a figure counts toward the fatalities of the event it is about"
    return f"no ACLED mapping for events of type {event.TYPE!r}"
