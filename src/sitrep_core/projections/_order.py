"""How facts are ordered: on a timeline, and to decide what holds now."""

from __future__ import annotations

from datetime import datetime

from ..model import FuzzyTime
from ._base import Fact


def timeline_key(fact: Fact) -> tuple[datetime, datetime, int]:
    """A timeline's order: earliest possible moment, then the narrower span, then log order."""
    span = fact.event.occurred
    return (span.earliest, span.latest, fact.position)


def middle(span: FuzzyTime) -> datetime:
    return span.earliest + (span.latest - span.earliest) / 2


def latest_key(fact: Fact) -> tuple[datetime, datetime, int]:
    """The order that decides what holds *now*: by the middle of each span (its expected
    moment), then its end, then log order. A report spanning 28 Aug-2 Sep counts as
    newer than one of 29 Aug, and 18:00 on a day as newer than that whole day."""
    span = fact.event.occurred
    return (middle(span), span.latest, fact.position)


def recorded_key(fact: Fact) -> tuple[datetime, tuple[datetime, datetime], int]:
    """The order in which facts were learnt (recorded time, then when they happened)."""
    event = fact.event
    return (event.recorded or event.occurred.earliest, event.occurred.sort_key, fact.position)
