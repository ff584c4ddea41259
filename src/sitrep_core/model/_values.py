"""Value types the events are made of: counts with their uncertainty, graded sources."""

from __future__ import annotations

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


@attrs.frozen
class Count:
    """A number as a source gave it: ``around 308``, ``at least 25``, ``10-20``, ``unknown``.

    ``value`` is the best figure; ``low``/``high`` bound it where known (UCDP's
    best/low/high). ``text`` keeps the source's own words.
    """

    value: int | None = None
    qualifier: Qualifier = "exact"
    low: int | None = None
    high: int | None = None
    text: str | None = None

    def __attrs_post_init__(self) -> None:
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
