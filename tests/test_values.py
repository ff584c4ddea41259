"""Counts with their uncertainty, and sources graded on the Admiralty scale."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from sitrep_core import Count, Source, ValidationError
from sitrep_core.model._values import CREDIBILITY, MAX_COUNT, RELIABILITY, one_of

# -- counts ---------------------------------------------------------------------------

VALID_COUNTS = {
    "exact": (Count(17), "17", 17, 17),
    "exact with words": (Count.exact(17, "17 buses"), "17 buses", 17, 17),
    "approx": (Count.approx(308), "around 308", 308, None),
    "approx with bounds": (Count(300, "approx", low=280, high=320), "around 300", 280, 320),
    "at least": (Count.at_least(25), "at least 25", 25, None),
    "at least, at most 40": (Count(25, "at-least", high=40), "at least 25", 25, 40),
    "at most": (Count.at_most(10), "at most 10", 0, 10),
    "at most, at least 2": (Count(10, "at-most", low=2), "at most 10", 2, 10),
    "range": (Count.between(10, 20), "10-20", 10, 20),
    "range with a best figure": (Count(12, "range", low=10, high=20), "10-20", 10, 20),
    "unknown": (Count(None, "unknown"), "unknown", None, None),
    "unknown with a floor": (Count(None, "unknown", low=3), "unknown", None, None),
    "zero": (Count(0), "0", 0, 0),
    "the largest": (Count(MAX_COUNT), str(MAX_COUNT), MAX_COUNT, MAX_COUNT),
}


@pytest.mark.parametrize(
    ("count", "text", "lower", "upper"), VALID_COUNTS.values(), ids=VALID_COUNTS.keys()
)
def test_a_count_says_what_it_knows(
    count: Count, text: str, lower: int | None, upper: int | None
) -> None:
    assert str(count) == text
    assert count.upper == upper
    if count.qualifier != "unknown":
        assert count.lower == lower


def test_the_conservative_figure_of_an_unknown_count_is_its_floor_if_any() -> None:
    assert Count(None, "unknown").lower is None
    assert Count(None, "unknown", low=3).lower == 3


INVALID_COUNTS: dict[str, tuple[dict[str, Any], str, str]] = {
    "a range without high": ({"qualifier": "range", "low": 1}, "low", "a range needs both"),
    "a range without low": ({"qualifier": "range", "high": 1}, "low", "a range needs both"),
    "an unknown with a value": (
        {"value": 3, "qualifier": "unknown"},
        "value",
        "an unknown count has no value",
    ),
    "exact without a value": ({}, "value", "a count that is 'exact' needs a value"),
    "approx without a value": (
        {"qualifier": "approx"},
        "value",
        "a count that is 'approx' needs a value",
    ),
    "a low above a high": (
        {"qualifier": "range", "low": 5, "high": 2},
        "low",
        "low 5 is above high 2",
    ),
    "a value below low": ({"value": 1, "low": 2}, "value", "value 1 is below low 2"),
    "a value above high": ({"value": 9, "high": 5}, "value", "value 9 is above high 5"),
    "a negative value": ({"value": -1}, "value", "-1 is negative; a count cannot be"),
    "a negative low": ({"qualifier": "range", "low": -1, "high": 2}, "low", "-1 is negative"),
    "a huge value": ({"value": MAX_COUNT + 1}, "value", "is beyond any real count"),
    "a float": ({"value": 2.5}, "value", "must be a whole number, not 2.5"),
    "a bool": ({"value": True}, "value", "must be a whole number, not True"),
    "a string": ({"value": "5"}, "value", "must be a whole number, not '5'"),
    "an unknown qualifier": (
        {"value": 5, "qualifier": "about"},
        "qualifier",
        "'about' is not a count qualifier; use one of: exact, approx, at-least, at-most, "
        "range, unknown",
    ),
}


@pytest.mark.parametrize(
    ("fields", "field", "message"), INVALID_COUNTS.values(), ids=INVALID_COUNTS.keys()
)
def test_an_impossible_count_is_refused(fields: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Count(**fields)
    assert caught.value.field == field
    assert message in caught.value.message


def test_counts_are_values() -> None:
    assert Count(17) == Count.exact(17)
    assert Count(17) != Count.approx(17)
    assert hash(Count.between(1, 2)) == hash(Count(None, "range", low=1, high=2))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Count(17).value = 18  # type: ignore[misc]


# -- sources --------------------------------------------------------------------------


def test_a_source_defaults_to_cannot_be_judged() -> None:
    source = Source("a Telegram channel")
    assert (source.reliability, source.credibility) == ("F", 6)
    assert source.grading == "F6"
    assert source.grading_text == "reliability cannot be judged, truth cannot be judged"


def test_the_admiralty_scale() -> None:
    assert list(RELIABILITY) == ["A", "B", "C", "D", "E", "F"]
    assert list(CREDIBILITY) == [1, 2, 3, 4, 5, 6]
    assert RELIABILITY["B"] == "usually reliable"
    assert CREDIBILITY[2] == "probably true"
    source = Source("Associated Press", "B", 2, url="https://apnews.com/", quote="...")
    assert source.grading == "B2"
    assert source.grading_text == "usually reliable, probably true"


@pytest.mark.parametrize("credibility", [0, 7, -1, True, "2", 2.0, None])
def test_credibility_is_a_whole_number_from_1_to_6(credibility: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Source("AP", "B", credibility)
    assert caught.value.field == "credibility"
    assert "is not on the Admiralty scale 1-6" in caught.value.message


@pytest.mark.parametrize("reliability", ["G", "b", "", "AB", 1, ["A"]])
def test_reliability_is_a_letter_from_a_to_f(reliability: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Source("AP", reliability)
    assert caught.value.field == "reliability"
    assert caught.value.message.endswith("use one of: A, B, C, D, E, F")


@pytest.mark.parametrize("name", ["", "   ", None, 5])
def test_a_source_has_a_name(name: Any) -> None:
    with pytest.raises(ValidationError, match="must be a non-empty string") as caught:
        Source(name)
    assert caught.value.field == "name"


def test_one_of_lists_the_choices_in_its_error_and_keeps_them() -> None:
    check = one_of(("moving", "halted"), "convoy status")
    assert check.choices == ("moving", "halted")

    @attrs.frozen
    class Move:
        status: str | None = attrs.field(default=None, validator=check)

    Move(None)
    Move("halted")
    with pytest.raises(ValidationError) as caught:
        Move("flying")
    assert str(caught.value) == (
        "field status: 'flying' is not a known convoy status; use one of: halted, moving"
    )


def test_a_recorded_time_outside_utc_years_is_refused_at_construction() -> None:
    from datetime import datetime, timedelta, timezone

    import sitrep_core as sr

    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    with pytest.raises(sr.ValidationError) as caught:
        sr.Retraction(occurred="2017", retracts="x", recorded=early)
    assert caught.value.field == "recorded"
