"""FuzzyTime: dates kept at the precision a source gave, and the span each may fall in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep_core import FuzzyTime, ValidationError
from sitrep_core.model._time import MAX_TIME, MIN_TIME, moment_of


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


SPANS = {
    "2017": (utc(2017, 1, 1), utc(2018, 1, 1), "year"),
    "2017-08": (utc(2017, 8, 1), utc(2017, 9, 1), "month"),
    "2017-12": (utc(2017, 12, 1), utc(2018, 1, 1), "month"),
    "2016-02": (utc(2016, 2, 1), utc(2016, 3, 1), "month"),
    "2017-08-30": (utc(2017, 8, 30), utc(2017, 8, 31), "day"),
    "2016-02-29": (utc(2016, 2, 29), utc(2016, 3, 1), "day"),
    "2017-08-30T16:50": (utc(2017, 8, 30, 16, 50), utc(2017, 8, 30, 16, 51), "minute"),
    "2017-08-30T16:50Z": (utc(2017, 8, 30, 16, 50), utc(2017, 8, 30, 16, 51), "minute"),
    "2017-08-30T16:50:12": (utc(2017, 8, 30, 16, 50, 12), utc(2017, 8, 30, 16, 50, 13), "second"),
    "2017-08-30T19:50+03:00": (utc(2017, 8, 30, 16, 50), utc(2017, 8, 30, 16, 51), "minute"),
    "2017-08-30T01:00-05:30": (utc(2017, 8, 30, 6, 30), utc(2017, 8, 30, 6, 31), "minute"),
    "2017-08-31T23:59:59+00:00": (
        utc(2017, 8, 31, 23, 59, 59),
        utc(2017, 9, 1),
        "second",
    ),
    "2017-08-28/2017-08-30": (utc(2017, 8, 28), utc(2017, 8, 31), "interval"),
    "2017-08/2017-09-02T12:00": (utc(2017, 8, 1), utc(2017, 9, 2, 12, 1), "interval"),
    "../2017-08-30": (MIN_TIME, utc(2017, 8, 31), "interval"),
    "2017-08-30/..": (utc(2017, 8, 30), MAX_TIME, "interval"),
    "2017/2017": (utc(2017, 1, 1), utc(2018, 1, 1), "interval"),
    "9999": (utc(9999, 1, 1), MAX_TIME, "year"),
    "9999-12": (utc(9999, 12, 1), MAX_TIME, "month"),
    "9999-12-31T23:59:59": (utc(9999, 12, 31, 23, 59, 59), MAX_TIME, "second"),
}


@pytest.mark.parametrize(("text", "span"), SPANS.items(), ids=SPANS.keys())
def test_a_date_spans_what_its_precision_allows(
    text: str, span: tuple[datetime, datetime, str]
) -> None:
    time = FuzzyTime.parse(text)
    assert (time.earliest, time.latest, time.precision) == span
    assert time.text == str(time) == text
    assert time.earliest.tzinfo is not None and time.latest.tzinfo is not None
    assert not time.approximate and not time.uncertain


QUALIFIED = {
    "2017-08~": (True, False),
    "2017-08?": (False, True),
    "2017-08%": (True, True),
    "2017-08-30T16:50~": (True, False),
    "2017-08~/2017-09": (True, False),
    "2017-08/2017-09?": (False, True),
    "2017-08~/2017-09?": (True, True),
    "../2017-08%": (True, True),
}


@pytest.mark.parametrize(("text", "flags"), QUALIFIED.items(), ids=QUALIFIED.keys())
def test_qualifiers_mark_a_date_without_widening_it(text: str, flags: tuple[bool, bool]) -> None:
    time = FuzzyTime.parse(text)
    assert (time.approximate, time.uncertain) == flags
    plain = FuzzyTime.parse(text.replace("~", "").replace("?", "").replace("%", ""))
    assert (time.earliest, time.latest) == (plain.earliest, plain.latest)
    assert time != plain  # the text is the value


REFUSED = {
    "": "is not a date",
    "17": "is not a date",
    "2017-8": "is not a date",
    "2017-08-30 16:50": "is not a date",
    "2017-08-30T16": "is not a date",
    "2017-08-30T16:50:12.5": "is not a date",
    "2017-08-30Z": "is not a date",
    "2017-08-30t16:50": "is not a date",
    "~2017": "is not a date",
    "2017~~": "is not a date",
    "٢٠١٧": "is not a date",
    "2017-13": "is not a real date: month must be in 1..12",
    "2017-02-29": "is not a real date: day is out of range for month",
    "2017-08-30T24:00": "is not a real date: hour must be in 0..23",
    "2017-08-30T16:60": "is not a real date: minute must be in 0..59",
    "2017-08-30T16:50+24:00": "is not a real date: time zone offset out of range",
    "0000": "is not a real date",
    "2017-09/2017-08": "ends before it starts",
    "2017-08-30/2017-08-29": "ends before it starts",
    "../..": "is open at both ends",
    "2017/2018/2019": "has more than one '/'",
    "2017/": "is not a date",
    "/2017": "is not a date",
}


@pytest.mark.parametrize(("text", "message"), REFUSED.items(), ids=repr)
def test_what_is_not_a_date_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        FuzzyTime.parse(text)
    assert repr(text) in caught.value.message


def test_a_date_must_be_text() -> None:
    with pytest.raises(ValidationError, match="a date must be a string, not int"):
        FuzzyTime.parse(2017)  # type: ignore[arg-type]


def test_latest_is_exclusive_and_ends_by_is_certainty() -> None:
    august = FuzzyTime.parse("2017-08")
    assert august.ends_by(utc(2017, 9, 1))
    assert not august.ends_by(utc(2017, 8, 31, 23, 59, 59))
    day = FuzzyTime.parse("2017-08-30")
    assert day.ends_by(utc(2017, 8, 31))
    assert not day.ends_by(utc(2017, 8, 30, 12))
    assert not FuzzyTime.parse("2017-08-30/..").ends_by(utc(9000, 1, 1))
    assert FuzzyTime.parse("../2017-08-30").ends_by(utc(2017, 8, 31))


def test_equality_is_by_text_and_order_by_earliest_then_narrowest() -> None:
    assert FuzzyTime.parse("2017-08-30T16:50Z") != FuzzyTime.parse("2017-08-30T16:50")
    assert len({FuzzyTime.parse("2017-08"), FuzzyTime.parse("2017-08")}) == 1
    texts = ["2017-08-30", "2017-08", "2017", "2017-08-30T16:50", "../2017-08-30"]
    ordered = sorted((FuzzyTime.parse(t) for t in texts), key=lambda t: t.sort_key)
    assert [t.text for t in ordered] == [
        "../2017-08-30",
        "2017",
        "2017-08",
        "2017-08-30",
        "2017-08-30T16:50",
    ]


def test_from_datetime_is_exact_to_the_second_in_utc() -> None:
    moment = datetime(2017, 8, 30, 19, 50, 12, 999, tzinfo=timezone(timedelta(hours=3)))
    time = FuzzyTime.from_datetime(moment)
    assert time.text == "2017-08-30T16:50:12Z"
    assert time.precision == "second"
    assert FuzzyTime.from_datetime(datetime(2017, 8, 30)).text == "2017-08-30T00:00:00Z"


def test_a_query_moment_is_the_last_instant_of_its_span() -> None:
    last = timedelta(microseconds=1)
    assert moment_of("2017-08-31") == utc(2017, 9, 1) - last
    assert moment_of(FuzzyTime.parse("2017-08")) == utc(2017, 9, 1) - last
    # the next minute is not part of "2017-08-30T16:50"
    assert moment_of("2017-08-30T16:50") < utc(2017, 8, 30, 16, 51)
    assert moment_of(datetime(2017, 8, 31, 12)) == utc(2017, 8, 31, 12)
    assert moment_of(utc(2017, 8, 31, 12)) == utc(2017, 8, 31, 12)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(["year", "month", "day", "minute", "second"]),
)
def test_every_date_contains_the_moments_it_was_cut_from(moment: datetime, precision: str) -> None:
    text = {
        "year": "%Y",
        "month": "%Y-%m",
        "day": "%Y-%m-%d",
        "minute": "%Y-%m-%dT%H:%M",
        "second": "%Y-%m-%dT%H:%M:%S",
    }[precision]
    time = FuzzyTime.parse(f"{moment.year:04d}" + moment.strftime(text)[len(str(moment.year)) :])
    instant = moment.replace(tzinfo=UTC)
    assert time.earliest <= instant < time.latest
    assert time.precision == precision
