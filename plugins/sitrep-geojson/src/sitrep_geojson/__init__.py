"""GeoJSON output for sitrep-core: where the places are, where each event happened
(with its time span, for a map's time slider), where each convoy was last located,
and the route it took.

RFC 7946: coordinates are WGS84 longitude, latitude (in that order), at most six
decimals (about 10 cm). A place, event or route point without coordinates is left
out, never guessed. The plugin adds a projection named ``geojson`` that keeps every
event; build the report with the plugin loaded (``Plugins.load().report(log)``, or
``sitrep render --format geojson``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sitrep_core
from sitrep_core import Projection, Renderer
from sitrep_core.frames import EventRow, EventsProjection, export_view
from sitrep_core.views import Place, Ref

if TYPE_CHECKING:
    from sitrep_core import Report
    from sitrep_core.views import ConvoyView, RoutePoint

__version__ = "0.2.0"
__all__ = [
    "MEDIA_TYPE",
    "PROJECTION",
    "RENDERER",
    "GeoJSONEvents",
    "convoy_position_feature",
    "convoy_route_feature",
    "event_feature",
    "feature_collection",
    "place_feature",
    "render_geojson",
    "sitrep_projections",
    "sitrep_renderers",
]

MEDIA_TYPE = "application/geo+json"
DECIMALS = 6


class GeoJSONEvents(EventsProjection):
    """Every event, as rows with their points and time spans, for the map."""

    name = "geojson"


PROJECTION = GeoJSONEvents.name


def _position(lat: float, lon: float) -> list[float]:
    """A GeoJSON position: longitude first."""
    return [round(lon, DECIMALS), round(lat, DECIMALS)]


def _feature(
    feature_id: str, geometry: dict[str, Any], properties: dict[str, Any]
) -> dict[str, Any]:
    return {"type": "Feature", "id": feature_id, "geometry": geometry, "properties": properties}


def _name(ref: Ref | None) -> str | None:
    if ref is None:
        return None
    return ref.name or ref.key


def place_feature(place: Place) -> dict[str, Any] | None:
    """A Point for a place with coordinates, or None."""
    if place.lat is None or place.lon is None:
        return None
    return _feature(
        f"place/{place.key}",
        {"type": "Point", "coordinates": _position(place.lat, place.lon)},
        {
            "category": "place",
            "id": place.key,
            "name": place.name,
            "aliases": list(place.aliases),
            "kind": place.kind,
            "country": place.country,
            "admin1": place.admin1,
            "admin2": place.admin2,
            "admin3": place.admin3,
            "precision_km": place.precision_km,
        },
    )


def event_feature(row: EventRow) -> dict[str, Any] | None:
    """A Point where an event happened, or None when no place it names has coordinates.

    ``start`` and ``end`` (ISO 8601, UTC; ``end`` exclusive) bound when it happened,
    for a time slider; ``occurred`` keeps the precision the source gave.
    ``precision_km`` says how far the true place may lie from the point, and
    ``exact_place`` is false when the event was near, between or off the place.
    """
    if row.latitude is None or row.longitude is None:
        return None
    return _feature(
        f"event/{row.id}",
        {"type": "Point", "coordinates": _position(row.latitude, row.longitude)},
        {
            "category": "event",
            "id": row.id,
            "type": row.type,
            "headline": row.headline,
            "occurred": row.occurred,
            "start": row.start,
            "end": row.end,
            "time_precision": row.time_precision,
            "approximate": row.approximate,
            "actors": list(row.actors),
            "location": row.location,
            "place": row.place,
            "precision_km": row.precision_km,
            "exact_place": row.exact_place,
            "sources": list(row.sources),
            "grading": list(row.grading),
            "later_revised": row.later_revised,
        },
    )


def _located(convoy: ConvoyView) -> list[RoutePoint]:
    return [p for p in convoy.route if p.lat is not None and p.lon is not None]


def _convoy_properties(convoy: ConvoyView) -> dict[str, Any]:
    status = convoy.status
    return {
        "convoy": _name(convoy.convoy),
        "group": _name(convoy.group),
        "origins": [_name(o) for o in convoy.origins],
        "destination": _name(convoy.destination),
        "status": status.status if status else None,
        "status_since": status.since.text if status else None,
    }


def _location_words(point: RoutePoint) -> str | None:
    if point.location.text:
        return point.location.text
    return ", ".join(filter(None, map(_name, point.places))) or None


def convoy_position_feature(convoy: ConvoyView) -> dict[str, Any] | None:
    """A Point where the convoy was last located, or None when nothing with coordinates
    was reported.

    ``occurred`` is when it was there; ``latest`` is false when a later reported
    location had no coordinates (``latest_location`` then gives its words).
    """
    located = _located(convoy)
    if not located:
        return None
    last = located[-1]
    assert last.lat is not None and last.lon is not None
    latest = last is convoy.route[-1]
    return _feature(
        f"convoy/{convoy.key}/position",
        {"type": "Point", "coordinates": _position(last.lat, last.lon)},
        {
            "category": "convoy-position",
            "id": convoy.key,
            **_convoy_properties(convoy),
            "location": _location_words(last),
            "places": [_name(p) for p in last.places],
            "occurred": last.occurred.text,
            "event_id": last.event_id,
            "latest": latest,
            "latest_location": None if latest else _location_words(convoy.route[-1]),
            "heading": convoy.heading,
            "toward": _name(convoy.toward),
        },
    )


def convoy_route_feature(convoy: ConvoyView) -> dict[str, Any] | None:
    """A LineString through the route points with coordinates, in the order they were
    reached; None when fewer than two distinct positions are known.

    ``occurred`` and ``event_ids`` run parallel to the coordinates.
    """
    located = _located(convoy)
    coordinates = [
        _position(p.lat, p.lon) for p in located if p.lat is not None and p.lon is not None
    ]
    if len({tuple(c) for c in coordinates}) < 2:
        return None
    return _feature(
        f"convoy/{convoy.key}/route",
        {"type": "LineString", "coordinates": coordinates},
        {
            "category": "convoy-route",
            "id": convoy.key,
            **_convoy_properties(convoy),
            "start": located[0].occurred.text,
            "end": located[-1].occurred.text,
            "occurred": [p.occurred.text for p in located],
            "event_ids": [p.event_id for p in located],
            "unlocated_points": len(convoy.route) - len(located),
        },
    )


def _bbox(features: Sequence[dict[str, Any]]) -> list[float] | None:
    positions: list[list[float]] = []
    for feature in features:
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            positions.append(geometry["coordinates"])
        else:
            positions.extend(geometry["coordinates"])
    if not positions:
        return None
    lons = [p[0] for p in positions]
    lats = [p[1] for p in positions]
    return [min(lons), min(lats), max(lons), max(lats)]


def event_rows_of(report: Report) -> tuple[EventRow, ...]:
    """The rows the ``geojson`` projection made for this report."""
    found: tuple[EventRow, ...] = export_view(report, PROJECTION, "geojson")
    return found


def feature_collection(report: Report) -> dict[str, Any]:
    """The report as a GeoJSON FeatureCollection (a dict ready for ``json.dumps``).

    Features: a Point per place with coordinates, a Point per located event, a
    LineString per convoy route and a Point per convoy's last located position. The
    foreign member ``sitrep`` says which report and which log position the map
    reflects (the log by its public name, never a path).
    """
    features: list[dict[str, Any]] = []
    for place in report.places:
        if (found := place_feature(place)) is not None:
            features.append(found)
    for row in event_rows_of(report):
        if (found := event_feature(row)) is not None:
            features.append(found)
    for convoy in report.convoys:
        for make in (convoy_route_feature, convoy_position_feature):
            if (found := make(convoy)) is not None:
                features.append(found)
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    bbox = _bbox(features)
    if bbox is not None:
        collection["bbox"] = bbox
    collection["sitrep"] = {
        "title": report.title,
        "as_of": report.as_of.text if report.as_of else None,
        "known_at": report.known_at.text if report.known_at else None,
        "log": {
            "name": report.log.name,
            "position": report.log.position,
            "head_hash": report.log.head_hash,
        },
    }
    collection["features"] = features
    return collection


def render_geojson(report: Report) -> str:
    """The report's places, events and convoys as a GeoJSON text (UTF-8, stable order)."""
    return (
        json.dumps(feature_collection(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    )


RENDERER = Renderer(
    format="geojson",
    render=render_geojson,
    media_type=MEDIA_TYPE,
    extension=".geojson",
    description="GeoJSON (RFC 7946): places, events with their time spans, convoy routes.",
)


@sitrep_core.hookimpl
def sitrep_projections() -> Sequence[Projection[Any, Any]]:
    return [GeoJSONEvents()]


@sitrep_core.hookimpl
def sitrep_renderers() -> list[Renderer]:
    return [RENDERER]
