"""The GeoJSON renderer: RFC 7946 features, longitude first, for places and convoys."""

from __future__ import annotations

import importlib.metadata
import json
from typing import Any

import pluggy
import pytest
import sitrep_geojson

import sitrep_core
import sitrep_core.plugins._hookspecs
from sitrep_core import (
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    Location,
    PlaceDefined,
    PluginError,
    Report,
    Source,
    Strike,
)

COALITION = Source("Coalition press release", "B", 2)


def places() -> list[Event]:
    return [
        PlaceDefined(id="p-qara", occurred="2017", key="qara", name="Qara", kind="town",
                     lat=34.154, lon=36.744, country="Syria"),
        PlaceDefined(id="p-abu-kamal", occurred="2017", key="abu-kamal", name="Abu Kamal",
                     aliases=("Abul Kamal", "Albu Kamal"), kind="town", lat=34.45, lon=40.92,
                     country="Syria", admin1="Deir ez-Zor"),
        PlaceDefined(id="p-sukhnah", occurred="2017", key="sukhnah", name="As Sukhnah",
                     kind="town", lat=34.886, lon=38.872, country="Syria"),
        PlaceDefined(id="p-humayma", occurred="2017", key="humayma", name="Humayma",
                     aliases=("Hamaymah",), lat=34.63, lon=39.05),
        PlaceDefined(id="p-palmyra", occurred="2017", key="palmyra", name="Palmyra"),
    ]  # fmt: skip


def convoy() -> list[Event]:
    return [
        Evacuation(id="evac", occurred="2017-08-28", group="ISIS", origins=("Qara",),
                   destination="Abu Kamal", fighters=Count.approx(308),
                   vehicles={"bus": Count.exact(17)}, convoy="qalamoun-convoy"),
        ConvoyMove(id="halt", occurred="2017-08-29", convoy="qalamoun-convoy", status="halted",
                   location=Location("east of As Sukhnah", "east-of", ("As Sukhnah",)),
                   sources=(COALITION,)),
        ConvoyMove(id="stall", occurred="2017-09-02", convoy="qalamoun-convoy", status="stalled",
                   location=Location(None, "between", ("Hamaymah", "As Sukhnah")),
                   sources=(COALITION,)),
    ]  # fmt: skip


def report_of(events: list[Event]) -> Report:
    plugins = sitrep_core.Plugins.load(autoload=False, extra=[sitrep_geojson])
    log = plugins.open_log("memory:")
    log.append(events)
    return plugins.report(log, title="Qalamoun convoy")


def render(events: list[Event]) -> dict[str, Any]:
    collection: dict[str, Any] = json.loads(sitrep_geojson.render_geojson(report_of(events)))
    return collection


def by_id(collection: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {feature["id"]: feature for feature in collection["features"]}


def test_a_known_place_is_longitude_first() -> None:
    features = by_id(render(places()))
    abu_kamal = features["place/abu-kamal"]
    assert abu_kamal["type"] == "Feature"
    assert abu_kamal["geometry"]["type"] == "Point"
    lon, lat = abu_kamal["geometry"]["coordinates"]
    assert lon == pytest.approx(40.9, abs=0.1)  # Abu Kamal lies on the Euphrates at ~40.9 E
    assert lat == pytest.approx(34.45, abs=0.05)  # ... and ~34.45 N
    assert abu_kamal["properties"]["name"] == "Abu Kamal"
    assert abu_kamal["properties"]["aliases"] == ["Abul Kamal", "Albu Kamal"]
    assert abu_kamal["properties"]["category"] == "place"


def test_a_place_without_coordinates_is_left_out() -> None:
    features = by_id(render(places()))
    assert "place/palmyra" not in features
    assert len(features) == 4


def test_a_convoy_has_its_route_and_last_located_position() -> None:
    collection = render(places() + convoy())
    features = by_id(collection)
    route = features["convoy/qalamoun-convoy/route"]
    assert route["geometry"]["type"] == "LineString"
    assert route["geometry"]["coordinates"] == [
        [36.744, 34.154],  # Qara
        [38.872, 34.886],  # As Sukhnah
        [38.961, 34.758],  # between Humayma and As Sukhnah (their mean)
    ]
    properties = route["properties"]
    assert properties["occurred"] == ["2017-08-28", "2017-08-29", "2017-09-02"]
    assert properties["event_ids"] == ["evac", "halt", "stall"]
    assert properties["status"] == "stalled"
    assert properties["origins"] == ["Qara"] and properties["destination"] == "Abu Kamal"

    position = features["convoy/qalamoun-convoy/position"]
    assert position["geometry"] == {"type": "Point", "coordinates": [38.961, 34.758]}
    assert position["properties"]["occurred"] == "2017-09-02"
    assert position["properties"]["places"] == ["Humayma", "As Sukhnah"]
    assert position["properties"]["latest"] is True


def test_a_later_position_without_coordinates_is_not_drawn_but_named() -> None:
    moved = ConvoyMove(id="km", occurred="2017-09-03", convoy="qalamoun-convoy",
                       location="km 40 of the desert road")  # fmt: skip
    features = by_id(render(places() + convoy() + [moved]))
    position = features["convoy/qalamoun-convoy/position"]["properties"]
    assert position["occurred"] == "2017-09-02"
    assert position["latest"] is False
    assert position["latest_location"] == "km 40 of the desert road"
    assert features["convoy/qalamoun-convoy/route"]["properties"]["unlocated_points"] == 1


def test_a_single_located_point_makes_no_line() -> None:
    features = by_id(render(places() + convoy()[:1]))
    assert "convoy/qalamoun-convoy/route" not in features
    assert "convoy/qalamoun-convoy/position" in features


def test_the_collection_follows_rfc_7946() -> None:
    collection = render(places() + convoy())
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946 dropped it: WGS84 always
    west, south, east, north = collection["bbox"]
    for feature in collection["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        positions = (
            [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        )
        if geometry["type"] == "LineString":
            assert len(positions) >= 2
        for lon, lat in positions:
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert west <= lon <= east and south <= lat <= north
    assert collection["sitrep"]["log"]["position"] == 8


def strike(**fields: object) -> Strike:
    given: dict[str, object] = {
        "id": "strike",
        "occurred": "2017-08-30T16:50",
        "actor": "US-led coalition",
        "targets": ("road",),
        "location": Location(None, "between", ("Humayma", "Abu Kamal")),
        "sources": (COALITION,),
        **fields,
    }
    return Strike(**given)  # type: ignore[arg-type]


def test_an_event_is_a_point_with_its_time_span_for_a_time_slider() -> None:
    features = by_id(render([*places(), strike()]))
    feature = features["event/strike"]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (pytest.approx((39.05 + 40.92) / 2), pytest.approx((34.63 + 34.45) / 2))
    properties = feature["properties"]
    assert properties["category"] == "event" and properties["type"] == "strike"
    assert properties["occurred"] == "2017-08-30T16:50"
    assert (properties["start"], properties["end"]) == (
        "2017-08-30T16:50:00Z",
        "2017-08-30T16:51:00Z",
    )
    assert properties["time_precision"] == "minute"
    assert properties["exact_place"] is False  # between two towns, not at either
    # half the way between Humayma and Abu Kamal (~172 km apart)
    assert 80 < properties["precision_km"] < 90
    assert properties["headline"].startswith("US-led coalition struck road")
    assert properties["sources"] == ["Coalition press release"] and properties["grading"] == ["B2"]


def test_an_event_known_within_a_span_keeps_the_span() -> None:
    row = by_id(render([*places(), strike(occurred="2017-08-29/2017-09-05")]))["event/strike"]
    properties = row["properties"]
    assert (properties["start"], properties["end"]) == (
        "2017-08-29T00:00:00Z",
        "2017-09-06T00:00:00Z",
    )
    assert properties["time_precision"] == "interval"


def test_an_event_at_a_town_takes_its_precision() -> None:
    located = Location(None, "at", ("Qara",), precision_km=2.5)
    features = by_id(
        render([*places(), strike(location=located), strike(id="plain", location="Qara")])
    )
    assert features["event/strike"]["properties"]["precision_km"] == 2.5
    assert features["event/strike"]["properties"]["exact_place"] is True
    assert features["event/plain"]["geometry"]["coordinates"] == [36.744, 34.154]


def test_an_event_without_a_located_place_is_left_out() -> None:
    features = by_id(
        render(
            [
                *places(),
                strike(location="somewhere in the desert"),
                strike(id="palmyra", location="Palmyra"),
            ]
        )
    )
    assert not [f for f in features if f.startswith("event/")]


def test_a_corrected_event_is_drawn_as_corrected() -> None:
    fixed = strike(id="fixed", corrects="strike", location="Qara")
    features = by_id(render([*places(), strike(), fixed]))
    assert "event/strike" not in features
    assert features["event/fixed"]["geometry"]["coordinates"] == [36.744, 34.154]


def test_a_report_without_the_projection_is_refused() -> None:
    log = sitrep_core.open_log("memory:")
    log.append(places())
    with pytest.raises(PluginError, match="build it with this plugin loaded"):
        sitrep_geojson.render_geojson(sitrep_core.build_report(log))


def test_the_log_is_named_never_by_its_path(tmp_path: Any) -> None:
    plugins = sitrep_core.Plugins.load(autoload=False, extra=[sitrep_geojson])
    path = tmp_path / "private" / "desk.jsonl"
    path.parent.mkdir()
    with plugins.open_log(path) as log:
        log.append(places())
        text = sitrep_geojson.render_geojson(plugins.report(log))
    assert json.loads(text)["sitrep"]["log"]["name"] == "desk.jsonl"
    assert str(tmp_path) not in text


def test_output_is_deterministic() -> None:
    report = report_of(places() + convoy())
    assert sitrep_geojson.render_geojson(report) == sitrep_geojson.render_geojson(report)


def test_the_renderer_answers_the_hook() -> None:
    manager = pluggy.PluginManager("sitrep")
    manager.add_hookspecs(sitrep_core.plugins._hookspecs)
    manager.register(sitrep_geojson)
    (renderer,) = [r for found in manager.hook.sitrep_renderers() for r in found]
    assert (renderer.format, renderer.extension, renderer.media_type) == (
        "geojson",
        ".geojson",
        "application/geo+json",
    )


def test_the_distribution_declares_its_entry_point() -> None:
    found = [ep for ep in importlib.metadata.entry_points(group="sitrep") if ep.name == "geojson"]
    assert [ep.value for ep in found] == ["sitrep_geojson"]
    assert found[0].load() is sitrep_geojson


def test_sitrep_core_loads_it_as_an_installed_plugin() -> None:
    plugins = sitrep_core.Plugins.load(only=["geojson"])
    assert plugins.renderer("geojson") is sitrep_geojson.RENDERER
    assert plugins.renderer_for_path("map.geojson") is sitrep_geojson.RENDERER
    (info,) = [i for i in plugins.listing() if i.name == "geojson"]
    assert info.project == "sitrep-geojson"
    assert info.hooks == ("sitrep_projections", "sitrep_renderers")
    log = plugins.open_log("memory:")
    log.append(places())
    collection = json.loads(plugins.render(plugins.report(log), "geojson"))
    assert len(collection["features"]) == 4
