"""TimelineJS output for sitrep-core: every event of the log on a timeline.

TimelineJS (Knight Lab) reads ``{"title": slide, "events": [slide, ...]}``; a slide's
``start_date`` needs only the year, so an event known to the month shows as that
month, and one known within a span runs from its first to its last day. Headlines
and texts are HTML in TimelineJS: every text from the log is escaped. The plugin
adds a projection named ``timelinejs`` that keeps every event; build the report with
the plugin loaded (``Plugins.load().report(log)``, or ``sitrep render --format
timelinejs``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from markupsafe import escape

import sitrep_core
from sitrep_core import FuzzyTime, Projection, Renderer, renderers
from sitrep_core.frames import EventRow, EventsProjection, export_view

if TYPE_CHECKING:
    from sitrep_core import Report

__version__ = "0.1.0"
__all__ = [
    "MEDIA_TYPE",
    "PROJECTION",
    "RENDERER",
    "TimelineEvents",
    "date_object",
    "event_slide",
    "render_timelinejs",
    "sitrep_projections",
    "sitrep_renderers",
    "timeline",
]

MEDIA_TYPE = "application/json"


class TimelineEvents(EventsProjection):
    """Every event, as rows, for the timeline."""

    name = "timelinejs"


PROJECTION = TimelineEvents.name

_PARTS = {
    "year": ("year",),
    "month": ("year", "month"),
    "day": ("year", "month", "day"),
    "minute": ("year", "month", "day", "hour", "minute"),
    "second": ("year", "month", "day", "hour", "minute", "second"),
}


def date_object(point: FuzzyTime, *, last: bool = False) -> dict[str, Any]:
    """A TimelineJS date of a point known to a year, month, day, minute or second,
    with only the parts known (``last``: the span's last moment, for an end date)."""
    moment = point.latest - timedelta(microseconds=1) if last else point.earliest
    return {part: getattr(moment, part) for part in _PARTS[point.precision]}


def _dates(when: FuzzyTime) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if when.precision != "interval":
        return date_object(when), None
    left, _, right = when.text.partition("/")
    start = None if left == ".." else FuzzyTime.parse(left)
    end = None if right == ".." else FuzzyTime.parse(right)
    if start is None:  # only known to be before its end: shown at the end
        return (date_object(end, last=True) if end is not None else None), None
    return date_object(start), (date_object(end, last=True) if end is not None else None)


def event_slide(row: EventRow) -> dict[str, Any] | None:
    """One event as a TimelineJS slide, or None when its date has no year to show."""
    when = FuzzyTime.parse(row.occurred)
    start, end = _dates(when)
    if start is None:
        return None
    cited = "; ".join(f"{s} ({g})" for s, g in zip(row.sources, row.grading, strict=True))
    lines = [
        f"<p>{escape(row.location)}</p>" if row.location else "",
        f"<p>Actors: {escape('; '.join(row.actors))}</p>" if row.actors else "",
        f"<p>Sources: {escape(cited)}</p>" if cited else "",
        f"<p>{escape(row.notes)}</p>" if row.notes else "",
        "<p><em>Corrected or retracted later.</em></p>" if row.later_revised else "",
    ]
    slide: dict[str, Any] = {
        "start_date": {**start, "display_date": renderers.plain(renderers.human_date(when))},
        "text": {"headline": str(escape(row.headline)), "text": "".join(lines)},
        "group": row.type.replace("-", " "),
        "unique_id": row.id,
    }
    if end is not None:
        slide["end_date"] = end
    return slide


def rows_of(report: Report) -> tuple[EventRow, ...]:
    """The rows the ``timelinejs`` projection made for this report."""
    found: tuple[EventRow, ...] = export_view(report, PROJECTION, "timelinejs")
    return found


def timeline(report: Report) -> dict[str, Any]:
    """The report as a TimelineJS document (a dict ready for ``json.dumps``): a title
    slide naming the report and the log state it reflects, and a slide per event."""
    events = [s for row in rows_of(report) if (s := event_slide(row)) is not None]
    cited = f"{report.log.name}, position {report.log.position}, {report.log.head_hash[:12]}"
    return {
        "title": {
            "text": {
                "headline": str(escape(report.title)),
                "text": f"<p>From the log {escape(cited)}.</p>",
            }
        },
        "events": events,
    }


def render_timelinejs(report: Report) -> str:
    """The report as TimelineJS JSON text (UTF-8, stable order, a final newline)."""
    return json.dumps(timeline(report), ensure_ascii=False, indent=2) + "\n"


RENDERER = Renderer(
    format="timelinejs",
    render=render_timelinejs,
    media_type=MEDIA_TYPE,
    extension=".json",
    description="TimelineJS JSON: every event on a timeline, at its sources' precision.",
)


@sitrep_core.hookimpl
def sitrep_projections() -> Sequence[Projection[Any, Any]]:
    return [TimelineEvents()]


@sitrep_core.hookimpl
def sitrep_renderers() -> list[Renderer]:
    return [RENDERER]
