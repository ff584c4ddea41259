"""HXL-tagged CSV for sitrep-core: one row per event, with the hashtags of the
Humanitarian Exchange Language under the header, so HDX, HXL Proxy and other HXL
tools know what each column holds.

Claims are never summed: ``#affected+killed`` is the most conservative figure of an
attack's claims (the lowest any claim allows), on the row of the first event that
reports the attack (its ``incident``); later reports of the same attack leave it
empty, so adding up the column counts each attack once. The plugin adds a projection
named ``hxl`` that keeps every event; build the report with the plugin loaded
(``Plugins.load().report(log)``, or ``sitrep render --format hxl``).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

import sitrep_core
from sitrep_core import Count, FigureReported, Projection, Renderer
from sitrep_core.frames import EventRow, EventsProjection, export_view
from sitrep_core.views import Fact, ViewContext

if TYPE_CHECKING:
    from sitrep_core import Report

__version__ = "0.1.0"
__all__ = [
    "COLUMNS",
    "MEDIA_TYPE",
    "PROJECTION",
    "RENDERER",
    "HxlEvents",
    "HxlRow",
    "render_hxl",
    "sitrep_projections",
    "sitrep_renderers",
]

MEDIA_TYPE = "text/csv"

COLUMNS: tuple[tuple[str, str], ...] = (
    ("Event id", "#event+id"),
    ("Type", "#event+type"),
    ("Occurred", "#date+occurred"),
    ("Start", "#date+start"),
    ("End", "#date+end"),
    ("Headline", "#description"),
    ("Actors", "#group+name"),
    ("Location", "#loc+name"),
    ("Place", "#loc+name+place"),
    ("Latitude", "#geo+lat"),
    ("Longitude", "#geo+lon"),
    ("Precision (km)", "#geo+precision+km"),
    ("Country", "#country+name"),
    ("Admin 1", "#adm1+name"),
    ("Admin 2", "#adm2+name"),
    ("Sources", "#meta+source"),
    ("Grading", "#meta+grading"),
    ("Killed", "#affected+killed"),
    ("Attack", "#event+incident"),
    ("Corrects", "#event+corrects"),
    ("Revised later", "#status+revised"),
)
"""Each column's header and its HXL hashtag, in order."""


@attrs.frozen
class HxlRow:
    """One event's row: the flat event, and the killed it carries for its attack."""

    event: EventRow
    killed: int | None
    incident: str | None


class HxlEvents(EventsProjection):
    """Every event as a row, with the most conservative figure of each attack's dead."""

    name = "hxl"

    def apply(self, state: list[Fact], fact: Fact) -> None:
        if isinstance(fact.event, FigureReported):
            state.append(fact)  # its claims count toward the attack it is about
        else:
            super().apply(state, fact)

    def view(self, state: list[Fact], context: ViewContext) -> tuple[HxlRow, ...]:  # type: ignore[override]
        seen = context.visible(state)
        claims: dict[str, list[Count]] = defaultdict(list)
        for fact in seen:
            killed = _killed(fact)
            if killed is not None:
                claims[_incident(fact)].append(killed)
        rows = super().view([f for f in state if not _figure(f)], context)
        by_id = {f.event.id: f for f in seen}
        found: list[HxlRow] = []
        counted: set[str] = set()
        for row in rows:
            fact = by_id[row.id]
            incident = _incident(fact)
            figure = None
            if incident in claims and incident not in counted:
                counted.add(incident)
                figure = min((c.lower or 0) for c in claims[incident])
            named = getattr(fact.event, "incident", None)
            found.append(HxlRow(row, figure, named if isinstance(named, str) else None))
        return tuple(found)


def _figure(fact: Fact) -> bool:
    return isinstance(fact.event, FigureReported)


def _root(fact: Fact) -> Fact:
    while fact.replaced is not None:
        fact = fact.replaced
    return fact


def _incident(fact: Fact) -> str:
    event = fact.event
    if isinstance(event, FigureReported):
        return event.subject
    incident = getattr(event, "incident", None)
    return incident if isinstance(incident, str) and incident else _root(fact).event.id


def _killed(fact: Fact) -> Count | None:
    event = fact.event
    if isinstance(event, FigureReported):
        return event.count if event.measure == "killed" else None
    killed = getattr(event, "killed", None)
    return killed if isinstance(killed, Count) else None


PROJECTION = HxlEvents.name

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, tuple):
        value = "; ".join(value)
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text  # a spreadsheet would run it as a formula
    return text


def rows_of(report: Report) -> tuple[HxlRow, ...]:
    """The rows the ``hxl`` projection made for this report."""
    found: tuple[HxlRow, ...] = export_view(report, PROJECTION, "hxl")
    return found


def render_hxl(report: Report) -> str:
    """The report's events as HXL-tagged CSV: a header row, the hashtag row, then one
    row per event in the order things happened (RFC 4180, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for header, _ in COLUMNS])
    writer.writerow([tag for _, tag in COLUMNS])
    for item in rows_of(report):
        row = item.event
        writer.writerow(
            [
                _cell(v)
                for v in (
                    row.id,
                    row.type,
                    row.occurred,
                    row.start,
                    row.end,
                    row.headline,
                    row.actors,
                    row.location,
                    row.place,
                    row.latitude,
                    row.longitude,
                    row.precision_km,
                    row.country,
                    row.admin1,
                    row.admin2,
                    row.sources,
                    row.grading,
                    item.killed,
                    item.incident,
                    row.corrects,
                    row.later_revised,
                )
            ]
        )
    return buffer.getvalue()


RENDERER = Renderer(
    format="hxl",
    render=render_hxl,
    media_type=MEDIA_TYPE,
    extension=".csv",
    description="HXL-tagged CSV: one row per event, with HXL hashtags under the header.",
)


@sitrep_core.hookimpl
def sitrep_projections() -> Sequence[Projection[Any, Any]]:
    return [HxlEvents()]


@sitrep_core.hookimpl
def sitrep_renderers() -> list[Renderer]:
    return [RENDERER]
