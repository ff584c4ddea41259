"""KML: placemarks of located events with their time spans, well-formed and escaped."""

from __future__ import annotations

import importlib.metadata
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import sitrep_kml

import sitrep_core
from sitrep_core import Event, Location, PlaceDefined, PluginError, Source, Strike

NS = {"k": sitrep_kml.NAMESPACE}
AP = Source("Associated Press", "B", 2)
PLACES = [
    PlaceDefined(id="p1", occurred="2017", key="qara", name="Qara", lat=34.156, lon=36.744),
    PlaceDefined(id="p2", occurred="2017", key="palmyra", name="Palmyra"),
]


def render(events: list[Event]) -> ET.Element:
    plugins = sitrep_core.Plugins.load(autoload=False, extra=[sitrep_kml])
    log = plugins.open_log("memory:")
    log.append(events)
    text = plugins.render(plugins.report(log, title="Convoy & <co>"), "kml")
    return ET.fromstring(text.encode("utf-8"))  # well-formed, or this raises


def placemarks(root: ET.Element) -> dict[str, ET.Element]:
    return {p.get("id", ""): p for p in root.iter(f"{{{sitrep_kml.NAMESPACE}}}Placemark")}


def strike(**fields: Any) -> Strike:
    return Strike(**{"id": "s", "occurred": "2017-08-28/2017-08-30", "actor": "coalition",
                     "location": Location(None, "near", ("qara",)), "sources": (AP,),
                     **fields})  # fmt: skip


def test_a_located_event_is_a_placemark_with_its_time_span() -> None:
    found = placemarks(render([*PLACES, strike()]))
    event = found["event-s"]
    assert event.findtext("k:TimeSpan/k:begin", namespaces=NS) == "2017-08-28"
    assert event.findtext("k:TimeSpan/k:end", namespaces=NS) == "2017-08-30"
    assert event.findtext("k:Point/k:coordinates", namespaces=NS) == "36.744,34.156"
    data = {d.get("name"): d.findtext("k:value", namespaces=NS)
            for d in event.iterfind("k:ExtendedData/k:Data", NS)}  # fmt: skip
    assert data["type"] == "strike" and data["exact_place"] == "no"
    assert "place-qara" in found and "place-palmyra" not in found


def test_an_open_span_has_one_end() -> None:
    event = placemarks(render([*PLACES, strike(occurred="../2017-07-31")]))["event-s"]
    assert event.find("k:TimeSpan/k:begin", NS) is None
    assert event.findtext("k:TimeSpan/k:end", namespaces=NS) == "2017-07-31"


def test_an_unlocated_event_has_no_placemark() -> None:
    assert "event-s" not in placemarks(render([*PLACES, strike(location="Palmyra")]))


def test_texts_are_escaped() -> None:
    root = render([*PLACES, strike(actor="</name><script>", notes="a & b")])
    event = placemarks(root)["event-s"]
    assert "</name><script>" in (event.findtext("k:name", namespaces=NS) or "")
    assert root.findtext("k:Document/k:name", namespaces=NS) == "Convoy & <co>"


def test_a_report_without_the_projection_is_refused() -> None:
    with pytest.raises(PluginError, match="build it with this plugin loaded"):
        sitrep_kml.render_kml(sitrep_core.build_report(sitrep_core.open_log("memory:")))


def test_the_distribution_declares_its_entry_point() -> None:
    found = [ep for ep in importlib.metadata.entry_points(group="sitrep") if ep.name == "kml"]
    assert [ep.value for ep in found] == ["sitrep_kml"]
    plugins = sitrep_core.Plugins.load(only=["kml"])
    assert plugins.renderer_for_path("map.kml") is sitrep_kml.RENDERER
