"""The log as a flat table: one row per event, plain columns, for pandas and exports."""

from __future__ import annotations

import importlib.util

import attrs
import pytest

from sitrep_core import (
    ActorDefined,
    Count,
    Evacuation,
    Event,
    Location,
    PlaceDefined,
    Retraction,
    Source,
    Statement,
    Strike,
    open_log,
)
from sitrep_core.frames import COLUMNS, EventRow, event_rows, events_frame, where
from sitrep_core.projections import Directory, Place

HAS_PANDAS = importlib.util.find_spec("pandas") is not None

EVENTS: list[Event] = [
    ActorDefined(id="a1", occurred="2017", key="isis", name="Islamic State", aliases=("ISIS",)),
    PlaceDefined(id="p1", occurred="2017", key="qara", name="Qara", lat=34.156, lon=36.744,
                 country="Syria", admin1="Rural Damascus", precision_km=5),
    PlaceDefined(id="p2", occurred="2017", key="humayma", name="Humayma", lat=34.66, lon=39.63),
    Evacuation(id="e1", occurred="2017-08-28", group="isis", origins=("qara",),
               fighters=Count.approx(308), sources=(Source("Ruptly", "C", 2),)),
    Strike(id="s1", occurred="2017-08-28/2017-08-30", actor="coalition",
           location=Location(None, "between", ("qara", "humayma")), notes="n",
           tags=("air",)),
    Statement(id="st", occurred="2017-08-31", speaker="isis", subject="deal",
              stances=("denies",)),
    Strike(id="gone", occurred="2017-08-31", actor="x"),
    Retraction(id="r", occurred="2017-09-01", retracts="gone"),
]  # fmt: skip


def rows() -> dict[str, EventRow]:
    log = open_log("memory:")
    log.append(EVENTS)
    return {row.id: row for row in event_rows(log)}


def test_one_row_per_happening_in_the_order_things_happened() -> None:
    log = open_log("memory:")
    log.append(EVENTS)
    assert [r.id for r in event_rows(log)] == ["e1", "s1", "st"]  # no reference, no retracted
    assert [r.id for r in event_rows(log, known_at="2000-01-01")] == []


def test_a_row_holds_plain_values() -> None:
    found = rows()
    evacuation = found["e1"]
    assert (evacuation.place, evacuation.latitude, evacuation.longitude) == ("Qara", 34.156, 36.744)
    assert (evacuation.country, evacuation.admin1, evacuation.precision_km) == (
        "Syria",
        "Rural Damascus",
        5,
    )
    assert evacuation.actors == ("Islamic State",)
    assert (evacuation.sources, evacuation.grading) == (("Ruptly",), ("C2",))
    assert evacuation.headline.startswith("Islamic State")
    strike = found["s1"]
    assert (strike.start, strike.end) == ("2017-08-28T00:00:00Z", "2017-08-31T00:00:00Z")
    assert strike.time_precision == "interval" and strike.occurred == "2017-08-28/2017-08-30"
    assert strike.exact_place is False and strike.location == "between Qara and Humayma"
    assert strike.latitude == pytest.approx((34.156 + 34.66) / 2)
    assert strike.precision_km is not None and strike.precision_km > 100  # half the way


def test_columns_are_documented_and_unique() -> None:
    fields = [f.name for f in attrs.fields(EventRow)]
    assert fields == list(COLUMNS)
    assert len(set(fields)) == len(fields)
    assert "position" in fields and "location" in fields  # the record's, and the event's


def test_where_resolves_names_and_aliases() -> None:
    names = Directory(places=(Place("qara", "Qara", ("Qarah",), lat=34.1, lon=36.7),))
    found = where(Strike(occurred="2017", location="Qarah"), names)
    assert (found.place and found.place.key, found.exact) == ("qara", True)
    assert where(Strike(occurred="2017"), names).latitude is None


@pytest.mark.skipif(not HAS_PANDAS, reason="pandas is not installed (pip install '.[pandas]')")
def test_events_frame_is_one_row_per_event_with_the_documented_columns() -> None:
    log = open_log("memory:")
    log.append(EVENTS)
    frame = events_frame(log)
    assert list(frame.columns) == list(COLUMNS)
    assert list(frame["id"]) == ["e1", "s1", "st"]
    assert frame.loc[1, "tags"] == "air"
    assert str(frame["start"].dtype).startswith("datetime64")
    assert frame.loc[0, "latitude"] == 34.156
