"""TimelineJS: every event a slide, dates with only the parts known, texts escaped."""

from __future__ import annotations

import importlib.metadata
import json
from typing import Any

import pytest
import sitrep_timelinejs

import sitrep_core
from sitrep_core import Event, Location, PlaceDefined, PluginError, Source, Statement, Strike

AP = Source("Associated Press", "B", 2)


def render(events: list[Event]) -> dict[str, Any]:
    plugins = sitrep_core.Plugins.load(autoload=False, extra=[sitrep_timelinejs])
    log = plugins.open_log("memory:")
    log.append(events)
    document: dict[str, Any] = json.loads(
        plugins.render(plugins.report(log, title="Qalamoun <convoy>"), "timelinejs")
    )
    return document


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {slide["unique_id"]: slide for slide in document["events"]}


def strike(**fields: Any) -> Strike:
    return Strike(**{"id": "s", "occurred": "2017-08-30T16:50", "actor": "coalition",
                     "targets": ("road",), "sources": (AP,), **fields})  # fmt: skip


def test_a_slide_per_event_with_the_parts_of_its_date_known() -> None:
    slides = by_id(
        render(
            [
                strike(id="minute"),
                strike(id="month", occurred="2017-08"),
                strike(id="span", occurred="2017-08-28/2017-08-30"),
                strike(id="year", occurred="2017"),
            ]
        )
    )
    assert slides["minute"]["start_date"] == {
        "year": 2017, "month": 8, "day": 30, "hour": 16, "minute": 50,
        "display_date": "16:50 UTC on 30 Aug 2017",
    }  # fmt: skip
    month = slides["month"]["start_date"]
    assert {k: v for k, v in month.items() if k != "display_date"} == {"year": 2017, "month": 8}
    assert "end_date" not in slides["month"]
    assert slides["span"]["start_date"]["day"] == 28
    assert slides["span"]["end_date"] == {"year": 2017, "month": 8, "day": 30}
    assert set(slides["year"]["start_date"]) == {"year", "display_date"}


def test_an_event_known_only_to_be_before_a_date_is_shown_at_it() -> None:
    slide = by_id(render([strike(occurred="../2017-07-31")]))["s"]
    assert slide["start_date"]["day"] == 31 and "end_date" not in slide
    assert slide["start_date"]["display_date"] == "before 31 Jul 2017"


def test_texts_from_the_log_are_escaped() -> None:
    document = render([strike(notes="<img src=x onerror=alert(1)>", actor="<b>x</b>")])
    slide = document["events"][0]
    assert "<img" not in slide["text"]["text"] and "&lt;img" in slide["text"]["text"]
    assert "<b>" not in slide["text"]["headline"]
    assert document["title"]["text"]["headline"] == "Qalamoun &lt;convoy&gt;"


def test_sources_groups_and_revisions() -> None:
    document = render([strike(), strike(id="fixed", corrects="s", occurred="2017-08-31")])
    (slide,) = document["events"]
    assert slide["unique_id"] == "fixed" and slide["group"] == "strike"
    assert "Associated Press (B2)" in slide["text"]["text"]
    said = Statement(id="st", occurred="2017-08-31", speaker="US", subject="deal",
                     stances=("condemns",))  # fmt: skip
    assert by_id(render([said]))["st"]["group"] == "statement"


def test_reference_data_is_no_slide_and_places_are_named() -> None:
    place = PlaceDefined(id="p", occurred="2017", key="qara", name="Qara", lat=34.1, lon=36.7)
    document = render([place, strike(location=Location(None, "near", ("qara",)))])
    (slide,) = document["events"]
    assert "near Qara" in slide["text"]["text"]


def test_the_log_is_cited_by_name_never_path(tmp_path: Any) -> None:
    plugins = sitrep_core.Plugins.load(autoload=False, extra=[sitrep_timelinejs])
    with plugins.open_log(tmp_path / "desk.jsonl") as log:
        log.append([strike()])
        text = plugins.render(plugins.report(log), "timelinejs")
    assert "desk.jsonl" in text and str(tmp_path) not in text


def test_a_report_without_the_projection_is_refused() -> None:
    log = sitrep_core.open_log("memory:")
    with pytest.raises(PluginError, match="build it with this plugin loaded"):
        sitrep_timelinejs.render_timelinejs(sitrep_core.build_report(log))


def test_the_distribution_declares_its_entry_point() -> None:
    found = [
        ep for ep in importlib.metadata.entry_points(group="sitrep") if ep.name == "timelinejs"
    ]
    assert [ep.value for ep in found] == ["sitrep_timelinejs"]
    plugins = sitrep_core.Plugins.load(only=["timelinejs"])
    assert plugins.renderer("timelinejs") is sitrep_timelinejs.RENDERER
