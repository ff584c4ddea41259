"""HXL: the hashtag row, one row per event, an attack's dead counted once."""

from __future__ import annotations

import csv
import importlib.metadata
import io
from typing import Any

import pytest
import sitrep_hxl

import sitrep_core
from sitrep_core import (
    Count,
    Event,
    FigureReported,
    Location,
    PlaceDefined,
    PluginError,
    Source,
    Strike,
)

AP = Source("Associated Press", "B", 2)
QARA = PlaceDefined(id="p", occurred="2017", key="qara", name="Qara", lat=34.156, lon=36.744,
                    country="Syria", admin1="Rural Damascus")  # fmt: skip


def render(events: list[Event]) -> list[list[str]]:
    plugins = sitrep_core.Plugins.load(autoload=False, extra=[sitrep_hxl])
    log = plugins.open_log("memory:")
    log.append(events)
    text = plugins.render(plugins.report(log), "hxl")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline="")))


def records(events: list[Event]) -> list[dict[str, str]]:
    _header, tags, *rows = render(events)
    return [dict(zip(tags, row, strict=True)) for row in rows]


def strike(**fields: Any) -> Strike:
    return Strike(**{"id": "s", "occurred": "2017-08-30", "actor": "coalition",
                     "location": Location(None, "at", ("qara",)), "sources": (AP,),
                     **fields})  # fmt: skip


def test_the_second_row_holds_the_hashtags() -> None:
    header, tags, *rows = render([QARA, strike()])
    assert header[0] == "Event id" and tags[0] == "#event+id"
    assert all(tag.startswith("#") for tag in tags)
    for wanted in ("#date+occurred", "#event+type", "#group+name", "#loc+name", "#geo+lat",
                   "#geo+lon", "#meta+source", "#affected+killed", "#description"):  # fmt: skip
        assert wanted in tags
    assert len(rows) == 1


def test_an_event_row() -> None:
    (row,) = records([QARA, strike(killed=Count.at_least(3))])
    assert (row["#event+type"], row["#date+occurred"]) == ("strike", "2017-08-30")
    assert (row["#date+start"], row["#date+end"]) == (
        "2017-08-30T00:00:00Z",
        "2017-08-31T00:00:00Z",
    )
    assert (row["#loc+name+place"], row["#geo+lat"], row["#geo+lon"]) == (
        "Qara",
        "34.156",
        "36.744",
    )
    assert (row["#country+name"], row["#adm1+name"]) == ("Syria", "Rural Damascus")
    assert (row["#meta+source"], row["#meta+grading"]) == ("Associated Press", "B2")
    assert row["#affected+killed"] == "3"
    assert row["#group+name"] == "coalition"


def test_an_attack_reported_twice_counts_its_dead_once() -> None:
    rows = records([
        QARA,
        strike(id="a", incident="hit", killed=Count.exact(12)),
        strike(id="b", incident="hit", killed=Count.approx(9), occurred="2017-08-31"),
        FigureReported(id="f", occurred="2017-09-01", subject="hit", measure="killed",
                       count=Count.between(7, 20)),
    ])  # fmt: skip
    assert [r["#event+id"] for r in rows] == ["a", "b"]  # the figure is no event row
    assert [r["#affected+killed"] for r in rows] == ["7", ""]
    assert {r["#event+incident"] for r in rows} == {"hit"}


def test_cells_that_look_like_formulas_stay_text() -> None:
    (row,) = records([QARA, strike(actor="=cmd()", notes="x")])
    assert row["#group+name"] == "'=cmd()"


def test_a_report_without_the_projection_is_refused() -> None:
    with pytest.raises(PluginError, match="build it with this plugin loaded"):
        sitrep_hxl.render_hxl(sitrep_core.build_report(sitrep_core.open_log("memory:")))


def test_the_distribution_declares_its_entry_point() -> None:
    found = [ep for ep in importlib.metadata.entry_points(group="sitrep") if ep.name == "hxl"]
    assert [ep.value for ep in found] == ["sitrep_hxl"]
    assert sitrep_core.Plugins.load(only=["hxl"]).renderer("hxl") is sitrep_hxl.RENDERER
