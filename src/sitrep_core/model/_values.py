"""Value types the events are made of: counts with their uncertainty, graded sources."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any, Literal

import attrs

from ..errors import ValidationError

Qualifier = Literal["exact", "approx", "at-least", "at-most", "range", "unknown"]
QUALIFIERS: tuple[str, ...] = ("exact", "approx", "at-least", "at-most", "range", "unknown")

MAX_COUNT = 10**15
"""No real count is larger; a bigger number is a typing slip."""

Reliability = Literal["A", "B", "C", "D", "E", "F"]
RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY: dict[int, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


@attrs.frozen
class OneOf:
    """An attrs validator accepting ``None`` or one of ``choices``; its error lists them.

    The choices stay readable (the JSON Schema of the line format lists them).
    """

    choices: tuple[str, ...]
    what: str

    def __call__(self, _instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value not in self.choices:
            raise ValidationError(
                f"{value!r} is not a known {self.what}; "
                f"use one of: {', '.join(sorted(self.choices))}",
                field=attribute.name,
            )


@attrs.frozen
class EachOneOf:
    """An attrs validator of a list: at least one item, each one of ``choices``.

    Like :class:`OneOf`, the choices stay readable for the line format's schema.
    """

    choices: tuple[str, ...]
    what: str

    def __call__(self, instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not value:
            raise ValidationError(f"give at least one {self.what}", field=attribute.name)
        check = OneOf(self.choices, self.what)
        for item in value:
            check(instance, attribute, item)


def one_of(choices: Collection[str], what: str) -> OneOf:
    """An attrs validator whose error lists the accepted values."""
    return OneOf(tuple(choices), what)


def non_empty(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An attrs validator refusing empty or blank strings."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("must be a non-empty string", field=attribute.name)


def _check_int(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(f"must be a whole number, not {value!r}", field=name)
    if value < 0:
        raise ValidationError(f"{value} is negative; a count cannot be", field=name)
    if value > MAX_COUNT:
        raise ValidationError(f"{value} is beyond any real count", field=name)


APPROX_MARGIN = 0.1
"""How far "around N" reaches either side of N when the source gives no bounds (10%)."""


def _including(value: Any) -> dict[str, Count]:
    return dict(value)


@attrs.frozen
class Count:
    """A number as a source gave it: ``around 308``, ``at least 25``, ``10-20``, ``unknown``.

    ``value`` is the best figure; ``low``/``high`` bound it where known (UCDP's
    best/low/high). ``text`` keeps the source's own words. ``including`` names parts
    of the count ("at least 52 killed, including 17 children": ``{"children": 17}``);
    parts are not summed and need not add up to the whole.
    """

    value: int | None = None
    qualifier: Qualifier = "exact"
    low: int | None = None
    high: int | None = None
    text: str | None = None
    including: dict[str, Count] = attrs.field(factory=dict, converter=_including, hash=False)

    def __attrs_post_init__(self) -> None:
        for part, count in self.including.items():
            if not isinstance(part, str) or not part.strip():
                raise ValidationError("a part is named by a non-empty string", field="including")
            if not isinstance(count, Count):
                raise ValidationError(f"{count!r} is not a count", field=f"including.{part}")
        for name in ("value", "low", "high"):
            _check_int(name, getattr(self, name))
        if self.qualifier not in QUALIFIERS:
            raise ValidationError(
                f"{self.qualifier!r} is not a count qualifier; use one of: {', '.join(QUALIFIERS)}",
                field="qualifier",
            )
        if self.qualifier == "range":
            if self.low is None or self.high is None:
                raise ValidationError("a range needs both low and high", field="low")
        elif self.qualifier == "unknown":
            if self.value is not None:
                raise ValidationError("an unknown count has no value", field="value")
        elif self.value is None:
            raise ValidationError(
                f"a count that is {self.qualifier!r} needs a value", field="value"
            )
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValidationError(f"low {self.low} is above high {self.high}", field="low")
        if self.value is not None:
            if self.low is not None and self.value < self.low:
                raise ValidationError(f"value {self.value} is below low {self.low}", field="value")
            if self.high is not None and self.value > self.high:
                raise ValidationError(
                    f"value {self.value} is above high {self.high}", field="value"
                )

    @classmethod
    def exact(cls, value: int, text: str | None = None) -> Count:
        return cls(value, "exact", text=text)

    @classmethod
    def approx(cls, value: int, text: str | None = None) -> Count:
        return cls(value, "approx", text=text)

    @classmethod
    def at_least(cls, value: int, text: str | None = None) -> Count:
        return cls(value, "at-least", text=text)

    @classmethod
    def at_most(cls, value: int, text: str | None = None) -> Count:
        return cls(value, "at-most", text=text)

    @classmethod
    def between(cls, low: int, high: int, text: str | None = None) -> Count:
        return cls(None, "range", low=low, high=high, text=text)

    @property
    def lower(self) -> int | None:
        """The least the count can be (ACLED's conservative figure)."""
        if self.qualifier == "range":
            return self.low
        if self.qualifier == "at-most":
            return self.low if self.low is not None else 0
        return self.low if self.low is not None and self.qualifier != "exact" else self.value

    @property
    def upper(self) -> int | None:
        """The most the count can be, or None when unbounded or unknown."""
        if self.qualifier in ("range", "approx"):
            return self.high
        if self.qualifier in ("exact", "at-most"):
            return self.value
        return self.high

    def bounds(self) -> tuple[int, int | None]:
        """The least and most the count can be as read here (None: no upper bound).

        "around N" without bounds reads as N +/- 10% (:data:`APPROX_MARGIN`); "at least
        N" has no upper bound; "at most N" goes down to 0; unknown is anything. Two
        claims that can both be true have overlapping bounds.
        """
        if self.qualifier == "approx" and self.low is None and self.high is None:
            assert self.value is not None
            margin = max(1, math.ceil(self.value * APPROX_MARGIN))
            return max(self.value - margin, 0), self.value + margin
        low = self.lower
        if self.qualifier == "at-least":
            return (low or 0), self.high
        if self.qualifier == "unknown":
            return (self.low or 0), self.high
        return (low or 0), self.upper

    def agrees_with(self, other: Count) -> bool:
        """True when both counts can be true at once (their bounds overlap)."""
        low, high = self.bounds()
        other_low, other_high = other.bounds()
        return (high is None or other_low <= high) and (other_high is None or low <= other_high)

    def specificity(self) -> int:
        """How narrow the count is (0 the narrowest), to choose the one that leads."""
        low, high = self.bounds()
        return 10**18 if high is None else high - low

    def __str__(self) -> str:
        if self.text:
            return self.text
        if self.qualifier == "exact":
            return f"{self.value}"
        if self.qualifier == "approx":
            return f"around {self.value}"
        if self.qualifier == "at-least":
            return f"at least {self.value}"
        if self.qualifier == "at-most":
            return f"at most {self.value}"
        if self.qualifier == "range":
            return f"{self.low}-{self.high}"
        return "unknown"


@attrs.frozen
class Source:
    """Who said so, graded on the Admiralty scale (reliability A-F, credibility 1-6)."""

    name: str = attrs.field(validator=non_empty)
    reliability: Reliability = attrs.field(
        default="F", validator=one_of(RELIABILITY, "reliability (A-F)")
    )
    credibility: int = attrs.field(default=6, metadata={"choices": tuple(CREDIBILITY)})
    url: str | None = None
    quote: str | None = None

    def __attrs_post_init__(self) -> None:
        c = self.credibility
        if not isinstance(c, int) or isinstance(c, bool) or not 1 <= c <= 6:
            raise ValidationError(
                f"credibility {c!r} is not on the Admiralty scale 1-6 "
                "(1 confirmed ... 6 cannot be judged)",
                field="credibility",
            )

    @property
    def grading(self) -> str:
        """The Admiralty code, such as ``B2``."""
        return f"{self.reliability}{self.credibility}"

    @property
    def grading_text(self) -> str:
        return f"{RELIABILITY[self.reliability]}, {CREDIBILITY[self.credibility]}"


RELATIONS: tuple[str, ...] = (
    "at",
    "in",
    "near",
    "around",
    "outside",
    "between",
    "north-of",
    "north-east-of",
    "east-of",
    "south-east-of",
    "south-of",
    "south-west-of",
    "west-of",
    "north-west-of",
)
"""How a location relates to the places it names ("east of As Sukhnah")."""


def _strings(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class Location:
    """Where something was, as precisely as the source said it.

    ``text`` keeps the source's words ("the Syrian Desert east of As Sukhnah");
    ``relation`` and ``places`` say it as data (``east-of`` one place, ``between``
    two, ``near`` or ``at`` one or more), so a map can draw an offset or an area
    rather than snap the point onto a town. ``precision_km`` is the radius within
    which the source's location is known, where it can be judged.
    """

    text: str | None = None
    relation: str | None = attrs.field(default=None, validator=one_of(RELATIONS, "relation"))
    places: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    precision_km: float | None = None

    def __attrs_post_init__(self) -> None:
        for index, place in enumerate(self.places):
            if not isinstance(place, str) or not place.strip():
                raise ValidationError("must be a non-empty string", field=f"places[{index}]")
        if self.text is None and not self.places:
            raise ValidationError("a location needs its words (text) or places", field="text")
        if self.relation == "between" and len(self.places) < 2:
            raise ValidationError("'between' names two places", field="places")
        if self.relation is not None and not self.places:
            raise ValidationError(f"{self.relation!r} needs the place it refers to", field="places")
        if self.precision_km is not None and not self.precision_km > 0:
            raise ValidationError("a precision is a positive distance in km", field="precision_km")
