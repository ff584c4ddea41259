"""Dates as readers write them: "28-30 Aug 2017", "around 15:30 UTC on 15 Apr 2017",
"before 31 Jul 2017", "Aug 2017".

Babel (the CLDR data behind most software's dates) does the day, month and range
formats, in British English order by default, so ranges collapse as people write
them ("28 Aug - 2 Sept 2017") without hand-made rules per case.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

from babel.dates import format_interval, format_skeleton

from ..model import FuzzyTime
from ._words import Phrase, When, text

LOCALE = "en_GB"
_SKELETONS = {"year": "y", "month": "yMMM", "day": "yMMMd"}
_DASH = "\u2013"


def _machine(moment: datetime, precision: str) -> str:
    """The HTML ``datetime`` value of a point at its precision (UTC)."""
    moment = moment.astimezone(UTC)
    if precision == "year":
        return f"{moment:%Y}"
    if precision == "month":
        return f"{moment:%Y-%m}"
    if precision == "day":
        return f"{moment:%Y-%m-%d}"
    if precision == "minute":
        return f"{moment:%Y-%m-%dT%H:%MZ}"
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"


def _point_words(moment: datetime, precision: str) -> str:
    moment = moment.astimezone(UTC)
    if precision in _SKELETONS:
        return _day_words(_SKELETONS[precision], moment.date())
    clock = f"{moment:%H:%M}" if precision == "minute" else f"{moment:%H:%M:%S}"
    return f"{clock} UTC on {_day_words('yMMMd', moment.date())}"


@lru_cache(maxsize=1 << 12)
def _day_words(skeleton: str, day: date) -> str:
    """A day, month or year in words. Kept: a report names the same few days again and
    again, and finding the locale's pattern for a skeleton costs more than the rest."""
    return format_skeleton(skeleton, day, locale=LOCALE)


def point(moment: datetime, precision: str = "minute") -> Phrase:
    """A moment as words, with its machine form."""
    return (When(_point_words(moment, precision), _machine(moment, precision)),)


def _qualified(words: Phrase, approximate: bool, uncertain: bool) -> Phrase:
    return text("around " if approximate else None, words, " (uncertain)" if uncertain else None)


def _end(part: str) -> FuzzyTime:
    return FuzzyTime.parse(part)


def human_date(value: FuzzyTime) -> Phrase:
    """A fuzzy date as a reader writes it, at the precision it is known."""
    if value.precision != "interval":
        return _qualified(
            point(value.earliest, value.precision), value.approximate, value.uncertain
        )
    left, _, right = value.text.partition("/")
    if left == "..":
        end = _end(right)
        return (
            text("before ", human_date(end))
            if end.precision not in ("minute", "second")
            else text("by ", human_date(end))
        )
    start = _end(left)
    if right == "..":
        return text("since ", human_date(start))
    end = _end(right)
    plain_ends = not (start.approximate or start.uncertain or end.approximate or end.uncertain)
    if plain_ends and start.precision == end.precision and start.precision in _SKELETONS:
        words = format_interval(
            start.earliest, end.earliest, _SKELETONS[start.precision], locale=LOCALE
        )
        first, sep, second = words.partition(_DASH)
        first, second = first.strip(), second.strip()
        if sep:
            dash = _DASH if " " not in first else f" {_DASH} "  # 28-30 Aug; 28 Aug - 2 Sept
            return (
                When(first, _machine(start.earliest, start.precision)),
                dash,
                When(second, _machine(end.earliest, end.precision)),
            )
        return (When(words, _machine(start.earliest, start.precision)),)
    return text("between ", human_date(start), " and ", human_date(end))


def human_moment(value: datetime) -> Phrase:
    """A recorded moment (UTC), to the minute."""
    return point(value, "minute" if not value.second else "second")


def days_since(start: FuzzyTime, now: datetime) -> int | None:
    """Whole days from the start of ``start`` to ``now`` (None when ``now`` is before it)."""
    days = (now.astimezone(UTC).date() - start.earliest.astimezone(UTC).date()).days
    return days if days >= 0 else None
