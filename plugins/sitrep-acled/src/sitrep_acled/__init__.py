"""ACLED-style CSV export for sitrep-core: one row per event ACLED would code.

The columns are ACLED's (see ``COLUMNS``). The plugin adds a projection named
``acled`` that keeps the events and works out the rows; the renderer writes them
from ``report.extra["acled"]``, so a report must be built with this plugin loaded
(``Plugins.load().report(log)``, or ``sitrep render --format acled``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import attrs

import sitrep_core
from sitrep_core import PluginError, Projection, Renderer, Report

from ._countries import COUNTRIES, Country, country
from ._rows import (
    COLUMNS,
    AcledExport,
    AcledProjection,
    AcledRow,
    LeftOut,
    coding,
    event_date,
    inter_code,
    interaction_code,
    location,
)

__version__ = "0.1.0"
__all__ = [
    "COLUMNS",
    "COUNTRIES",
    "MEDIA_TYPE",
    "PROJECTION",
    "RENDERER",
    "AcledExport",
    "AcledProjection",
    "AcledRow",
    "Country",
    "LeftOut",
    "coding",
    "country",
    "event_date",
    "export_of",
    "inter_code",
    "interaction_code",
    "location",
    "render_acled",
    "sitrep_projections",
    "sitrep_renderers",
]

MEDIA_TYPE = "text/csv"
PROJECTION = AcledProjection.name

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_of(report: Report) -> AcledExport:
    """The rows the ``acled`` projection made for this report."""
    found = report.extra.get(PROJECTION)
    if not isinstance(found, AcledExport):
        raise PluginError(
            "the report has no ACLED rows: build it with this plugin loaded, "
            "e.g. sitrep_core.Plugins.load().report(log)",
            plugin="acled",
        )
    return found


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # a spreadsheet would run a cell starting like a formula; ACLED's own cells never do
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def render_acled(report: Report) -> str:
    """The report's ACLED rows as CSV (RFC 4180: comma, double quotes, CRLF), with a
    header row; the same report always gives the same bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for found in export_of(report).rows:
        values = attrs.asdict(found, recurse=False)
        writer.writerow([_cell(values[column]) for column in COLUMNS])
    return buffer.getvalue()


RENDERER = Renderer(
    format="acled",
    render=render_acled,
    media_type=MEDIA_TYPE,
    extension=".csv",
    description="ACLED-style CSV: one row per strike, agreement, evacuation and the like.",
)


@sitrep_core.hookimpl
def sitrep_projections() -> Sequence[Projection[Any, Any]]:
    return [AcledProjection()]


@sitrep_core.hookimpl
def sitrep_renderers() -> list[Renderer]:
    return [RENDERER]
