"""KML output for sitrep-core: every located event as a placemark with its time span
(Google Earth's time slider, QGIS, ArcGIS), and every place with coordinates.

KML 2.2 (OGC): coordinates are longitude,latitude; a ``TimeSpan`` gives when an event
happened, from its earliest to its latest moment, at the precision its sources gave
(``2017-08``, ``2017-08-30``). Every text from the log is XML-escaped. The plugin adds
a projection named ``kml`` that keeps every event; build the report with the plugin
loaded (``Plugins.load().report(log)``, or ``sitrep render --format kml``).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import sitrep_core
from sitrep_core import FuzzyTime, Projection, Renderer
from sitrep_core.frames import EventRow, EventsProjection, export_view
from sitrep_core.views import Place

if TYPE_CHECKING:
    from sitrep_core import Report

__version__ = "0.1.0"
__all__ = [
    "MEDIA_TYPE",
    "NAMESPACE",
    "PROJECTION",
    "RENDERER",
    "KmlEvents",
    "event_placemark",
    "place_placemark",
    "render_kml",
    "sitrep_projections",
    "sitrep_renderers",
]

MEDIA_TYPE = "application/vnd.google-earth.kml+xml"
NAMESPACE = "http://www.opengis.net/kml/2.2"
DECIMALS = 6


class KmlEvents(EventsProjection):
    """Every event, as rows with their points and time spans, for the placemarks."""

    name = "kml"


PROJECTION = KmlEvents.name


def _text(value: object) -> str:
    return escape(str(value))


def quoteattr(value: str) -> str:
    """An XML attribute's value in double quotes, escaped (``html.escape``, not
    ``xml.sax.saxutils``, which loads urllib and ssl with it)."""
    return f'"{escape(value)}"'


def _point(lat: float, lon: float) -> str:
    return (
        f"<Point><coordinates>{round(lon, DECIMALS)},{round(lat, DECIMALS)}</coordinates></Point>"
    )


def _span(occurred: str) -> str:
    """A KML TimeSpan from an EDTF date: each end at the precision it was written
    (KML's dateTime takes a year, a year-month, a date or a full time)."""
    when = FuzzyTime.parse(occurred)
    if when.precision != "interval":
        begin = end = _kml_time(when)
    else:
        left, _, right = when.text.partition("/")
        begin = "" if left == ".." else _kml_time(FuzzyTime.parse(left))
        end = "" if right == ".." else _kml_time(FuzzyTime.parse(right))
    parts = ([f"<begin>{begin}</begin>"] if begin else []) + ([f"<end>{end}</end>"] if end else [])
    return f"<TimeSpan>{''.join(parts)}</TimeSpan>"


def _kml_time(point: FuzzyTime) -> str:
    moment = point.earliest
    if point.precision == "year":
        return f"{moment:%Y}"
    if point.precision == "month":
        return f"{moment:%Y-%m}"
    if point.precision == "day":
        return f"{moment:%Y-%m-%d}"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _data(values: dict[str, object]) -> str:
    fields = "".join(
        f"<Data name={quoteattr(name)}><value>{_text(value)}</value></Data>"
        for name, value in values.items()
        if value not in (None, "", ())
    )
    return f"<ExtendedData>{fields}</ExtendedData>"


def event_placemark(row: EventRow) -> str | None:
    """A Placemark for a located event, or None when no place it names has coordinates."""
    if row.latitude is None or row.longitude is None:
        return None
    description = " ".join(
        part
        for part in (
            row.location or "",
            f"Sources: {'; '.join(row.sources)}." if row.sources else "",
            row.notes or "",
        )
        if part
    )
    return (
        f"<Placemark id={quoteattr('event-' + row.id)}>"
        f"<name>{_text(row.headline)}</name>"
        f"<description>{_text(description)}</description>"
        f"{_span(row.occurred)}"
        + _data(
            {
                "type": row.type,
                "occurred": row.occurred,
                "actors": "; ".join(row.actors),
                "place": row.place,
                "precision_km": row.precision_km,
                "exact_place": "yes" if row.exact_place else "no",
                "grading": "; ".join(row.grading),
                "later_revised": "yes" if row.later_revised else None,
            }
        )
        + _point(row.latitude, row.longitude)
        + "</Placemark>"
    )


def place_placemark(place: Place) -> str | None:
    """A Placemark for a place with coordinates, or None."""
    if place.lat is None or place.lon is None:
        return None
    return (
        f"<Placemark id={quoteattr('place-' + place.key)}>"
        f"<name>{_text(place.name)}</name>"
        + _data(
            {
                "kind": place.kind,
                "country": place.country,
                "admin1": place.admin1,
                "precision_km": place.precision_km,
                "aliases": "; ".join(place.aliases),
            }
        )
        + _point(place.lat, place.lon)
        + "</Placemark>"
    )


def rows_of(report: Report) -> tuple[EventRow, ...]:
    """The rows the ``kml`` projection made for this report."""
    found: tuple[EventRow, ...] = export_view(report, PROJECTION, "kml")
    return found


def render_kml(report: Report) -> str:
    """The report as a KML document: a folder of events, a folder of places."""
    events = [p for row in rows_of(report) if (p := event_placemark(row)) is not None]
    places = [p for place in report.places if (p := place_placemark(place)) is not None]
    cited = f"{report.log.name}, position {report.log.position}, {report.log.head_hash[:12]}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<kml xmlns="{NAMESPACE}"><Document>'
        f"<name>{_text(report.title)}</name>"
        f"<description>{_text('From the log ' + cited + '.')}</description>"
        f"<Folder><name>Events</name>{''.join(events)}</Folder>"
        f"<Folder><name>Places</name>{''.join(places)}</Folder>"
        "</Document></kml>\n"
    )


RENDERER = Renderer(
    format="kml",
    render=render_kml,
    media_type=MEDIA_TYPE,
    extension=".kml",
    description="KML: located events with their time spans, and places.",
)


@sitrep_core.hookimpl
def sitrep_projections() -> Sequence[Projection[Any, Any]]:
    return [KmlEvents()]


@sitrep_core.hookimpl
def sitrep_renderers() -> list[Renderer]:
    return [RENDERER]
