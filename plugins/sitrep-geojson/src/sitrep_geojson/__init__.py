"""GeoJSON output for sitrep-core: where the places are, where each convoy was last
located, and the route it took.

RFC 7946: coordinates are WGS84 longitude, latitude (in that order), at most six
decimals (about 10 cm). A place or route point without coordinates is left out,
never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sitrep_core
from sitrep_core import Renderer, Report
from sitrep_core.views import ConvoyView, Place, RoutePoint

__version__ = "0.1.0"
__all__ = ["MEDIA_TYPE", "RENDERER", "feature_collection", "render_geojson", "sitrep_renderers"]

MEDIA_TYPE = "application/geo+json"
DECIMALS = 6


def _position(lat: float, lon: float) -> list[float]:
    """A GeoJSON position: longitude first."""
    return [round(lon, DECIMALS), round(lat, DECIMALS)]


def _feature(
    feature_id: str, geometry: dict[str, Any], properties: dict[str, Any]
) -> dict[str, Any]:
    return {"type": "Feature", "id": feature_id, "geometry": geometry, "properties": properties}


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
        },
    )


def _located(convoy: ConvoyView) -> list[RoutePoint]:
    return [p for p in convoy.route if p.lat is not None and p.lon is not None]


def _convoy_properties(convoy: ConvoyView) -> dict[str, Any]:
    return {
        "convoy": convoy.id,
        "group": convoy.group,
        "origin": convoy.origin,
        "destination": convoy.destination,
        "status": convoy.status,
        "status_since": convoy.status_since,
    }


def convoy_position_feature(convoy: ConvoyView) -> dict[str, Any] | None:
    """A Point where the convoy was last located, or None when no position has coordinates.

    ``occurred`` is when it was there; ``latest`` is false when a later reported
    position had no coordinates (``latest_position`` then names it).
    """
    located = _located(convoy)
    if not located:
        return None
    last = located[-1]
    assert last.lat is not None and last.lon is not None
    latest = last is convoy.route[-1]
    return _feature(
        f"convoy/{convoy.id}/position",
        {"type": "Point", "coordinates": _position(last.lat, last.lon)},
        {
            "category": "convoy-position",
            "id": convoy.id,
            **_convoy_properties(convoy),
            "position": last.description or ", ".join(last.near) or None,
            "near": list(last.near),
            "occurred": last.occurred,
            "event_id": last.event_id,
            "latest": latest,
            "latest_position": None if latest else convoy.position,
            "heading": convoy.heading,
            "toward": convoy.toward,
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
        f"convoy/{convoy.id}/route",
        {"type": "LineString", "coordinates": coordinates},
        {
            "category": "convoy-route",
            "id": convoy.id,
            **_convoy_properties(convoy),
            "start": located[0].occurred,
            "end": located[-1].occurred,
            "occurred": [p.occurred for p in located],
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


def feature_collection(report: Report) -> dict[str, Any]:
    """The report as a GeoJSON FeatureCollection (a dict ready for ``json.dumps``).

    Features: a Point per place with coordinates, a Point per convoy's last located
    position, a LineString per convoy route. The foreign member ``sitrep`` says which
    report and which log position the map reflects.
    """
    features: list[dict[str, Any]] = []
    for place in report.places:
        if (found := place_feature(place)) is not None:
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
        "as_of": report.as_of,
        "known_at": report.known_at,
        "log": {
            "name": report.log.name,
            "position": report.log.position,
            "head_hash": report.log.head_hash,
        },
    }
    collection["features"] = features
    return collection


def render_geojson(report: Report) -> str:
    """The report's places and convoys as a GeoJSON text (UTF-8, stable key order)."""
    return (
        json.dumps(feature_collection(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    )


RENDERER = Renderer(
    format="geojson",
    render=render_geojson,
    media_type=MEDIA_TYPE,
    extension=".geojson",
    description="GeoJSON (RFC 7946): places, convoy positions and routes, longitude first.",
)


@sitrep_core.hookimpl
def sitrep_renderers() -> list[Renderer]:
    return [RENDERER]
