"""Times kept at the precision a source gave: ``2017-08``, ``2017-08-28~``, ``A/B``.

A subset of EDTF (ISO 8601-2 level 1): a year, month, day, minute or second; an
optional ``~`` (approximate), ``?`` (uncertain) or ``%`` (both) at the end; and
intervals ``A/B`` whose ends may be open (``..``). Every value knows the span it
may fall in, ``[earliest, latest)``, so filters never invent precision.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Literal

import attrs

from ..errors import ValidationError

Precision = Literal["year", "month", "day", "minute", "second", "interval"]

_POINT = re.compile(
    r"(?P<year>\d{4})"
    r"(?:-(?P<month>\d{2})"
    r"(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?"
    r"(?P<qualifier>[~?%])?",
    re.ASCII,  # EDTF digits are 0-9; other scripts' digits would not survive other tools
)

MIN_TIME = datetime(1, 1, 1, tzinfo=UTC)
MAX_TIME = datetime.max.replace(tzinfo=UTC)
"""Stands for the exclusive end of spans that reach past year 9999."""


@attrs.frozen(eq=False, repr=False)
class FuzzyTime:
    """A moment or span at the precision it is known; build it with :meth:`parse`.

    Equality and hashing use ``text`` alone. ``latest`` is exclusive: ``2017-08``
    spans ``[2017-08-01, 2017-09-01)``.
    """

    text: str
    earliest: datetime
    latest: datetime
    precision: Precision
    approximate: bool = False
    uncertain: bool = False

    @classmethod
    def parse(cls, text: str) -> FuzzyTime:
        """Read an EDTF string; raise :class:`ValidationError` saying what is wrong."""
        return _parse(text)

    @classmethod
    def from_datetime(cls, moment: datetime) -> FuzzyTime:
        """An exact moment, to the second, in UTC (naive datetimes are taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return _parse(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

    @property
    def sort_key(self) -> tuple[datetime, datetime]:
        """Order by earliest possible moment, then by the narrower span."""
        return (self.earliest, self.latest)

    def ends_by(self, moment: datetime) -> bool:
        """True when the whole span lies at or before ``moment``: it certainly happened."""
        return self.latest <= moment

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FuzzyTime) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"FuzzyTime({self.text!r})"


def _after(start: datetime, step: timedelta) -> datetime:
    """``start + step``, or MAX_TIME when that is past year 9999."""
    try:
        return start + step
    except OverflowError:
        return MAX_TIME


def _point(text: str, full: str) -> tuple[datetime, datetime, Precision, str]:
    match = _POINT.fullmatch(text)
    if match is None:
        raise ValidationError(
            f"{full!r} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], optionally ending in ~, ? or %, "
            "or an interval A/B"
        )
    g = match.groupdict()
    year = int(g["year"])
    try:
        if g["month"] is None:
            start = datetime(year, 1, 1, tzinfo=UTC)
            end = datetime(year + 1, 1, 1, tzinfo=UTC) if year < 9999 else MAX_TIME
            return start, end, "year", g["qualifier"] or ""
        month = int(g["month"])
        if g["day"] is None:
            start = datetime(year, month, 1, tzinfo=UTC)
            if (year, month) == (9999, 12):
                end = MAX_TIME
            else:
                end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
            return start, end, "month", g["qualifier"] or ""
        day = int(g["day"])
        if g["hour"] is None:
            start = datetime(year, month, day, tzinfo=UTC)
            return start, _after(start, timedelta(days=1)), "day", g["qualifier"] or ""
        zone = UTC
        if g["zone"] and g["zone"] != "Z":
            sign = 1 if g["zone"][0] == "+" else -1
            hours, minutes = int(g["zone"][1:3]), int(g["zone"][4:6])
            if hours > 23 or minutes > 59:
                raise ValueError("time zone offset out of range")
            zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
        second = g["second"]
        start = datetime(
            year, month, day, int(g["hour"]), int(g["minute"]), int(second or 0), tzinfo=zone
        ).astimezone(UTC)
        if second is None:
            return start, _after(start, timedelta(minutes=1)), "minute", g["qualifier"] or ""
        return start, _after(start, timedelta(seconds=1)), "second", g["qualifier"] or ""
    except (ValueError, OverflowError) as exc:
        raise ValidationError(f"{full!r} is not a real date: {exc}") from None


_COMMON = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?Z?)?[~?%]?", re.ASCII)
_STEPS: dict[int, tuple[timedelta, Precision]] = {
    10: (timedelta(days=1), "day"),
    16: (timedelta(minutes=1), "minute"),
    19: (timedelta(seconds=1), "second"),
}


def _common_point(text: str) -> tuple[datetime, datetime, Precision, str] | None:
    """What :func:`_point` gives for a day, minute or second in UTC, at C speed; None for
    any other shape, or when the slower path must say what is wrong."""
    if _COMMON.fullmatch(text) is None:
        return None
    qualifier = text[-1] if text[-1] in "~?%" else ""
    body = text[:-1] if qualifier else text
    try:
        start = datetime.fromisoformat(body)
        step, precision = _STEPS[len(body) - body.endswith("Z")]
        start = start.replace(tzinfo=UTC)
        return start, start + step, precision, qualifier
    except (ValueError, OverflowError, KeyError):
        return None


@lru_cache(maxsize=65536)
def _parse(text: str) -> FuzzyTime:
    if not isinstance(text, str):
        raise ValidationError(f"a date must be a string, not {type(text).__name__}")
    common = _common_point(text)
    if common is not None:
        earliest, latest, precision, qualifier = common
        return FuzzyTime(
            text, earliest, latest, precision, qualifier in ("~", "%"), qualifier in ("?", "%")
        )
    if "/" in text:
        left, _, right = text.partition("/")
        if "/" in right:
            raise ValidationError(f"{text!r} has more than one '/'")
        if left == ".." and right == "..":
            raise ValidationError(f"{text!r} is open at both ends")
        earliest = MIN_TIME if left == ".." else _point(left, text)[0]
        latest = MAX_TIME if right == ".." else _point(right, text)[1]
        if earliest >= latest:
            raise ValidationError(f"{text!r} ends before it starts")
        quals = ("" if left == ".." else _point(left, text)[3]) + (
            "" if right == ".." else _point(right, text)[3]
        )
        return FuzzyTime(
            text,
            earliest,
            latest,
            "interval",
            "~" in quals or "%" in quals,
            "?" in quals or "%" in quals,
        )
    earliest, latest, precision, qualifier = _point(text, text)
    return FuzzyTime(
        text, earliest, latest, precision, qualifier in ("~", "%"), qualifier in ("?", "%")
    )


LAST_INSTANT = timedelta(microseconds=1)
"""The step from a span's exclusive end back to the last instant inside it."""


def moment_of(value: str | datetime | FuzzyTime) -> datetime:
    """The instant a query means, inclusive: the last instant of a fuzzy span ("as of
    2017-08-31" = the last microsecond of that day), or a datetime itself."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        value = _parse(value)
    return value.latest - LAST_INSTANT
