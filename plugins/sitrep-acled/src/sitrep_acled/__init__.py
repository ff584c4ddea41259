"""ACLED for sitrep-core: a log exported in ACLED's columns and codes, and ACLED files
imported into a log.

The export adds a projection named ``acled`` that keeps the events and works out the
rows; the renderers ``acled`` (UTF-8) and ``acled-excel`` (UTF-8 with a byte order
mark, which Excel on Windows needs to read it as UTF-8) write them from
``report.extra["acled"]``, so a report must be built with this plugin loaded
(``Plugins.load().report(log)``, or ``sitrep render --format acled``). The importer
``acled`` reads ACLED's files (``sitrep import LOG FILE --format acled``); rows no
built-in type can say become ``acled-event`` events.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sitrep_core
from sitrep_core import Event, PluginError, Projection, Renderer
from sitrep_core.imports import Importer

from ._codes import (
    ACLED_ACTORS,
    COLUMNS,
    EVENT_TYPES,
    INTER,
    KNOWN_SOURCES,
    SOURCE_SCALES,
    AcledActor,
    acled_actor,
    inter_from,
    interaction_code,
    source_scale,
)
from ._countries import COUNTRIES, Country, country
from ._event import AcledEvent
from ._import import IMPORTER, read_acled
from ._rows import (
    IMPORTED_TAG,
    AcledExport,
    AcledProjection,
    AcledRow,
    LeftOut,
    coding,
    event_date,
    fatalities,
)

if TYPE_CHECKING:
    from sitrep_core import Report

__version__ = "0.2.0"
__all__ = [
    "ACLED_ACTORS",
    "COLUMNS",
    "COUNTRIES",
    "EVENT_TYPES",
    "EXCEL",
    "IMPORTED_TAG",
    "IMPORTER",
    "INTER",
    "KNOWN_SOURCES",
    "MEDIA_TYPE",
    "PROJECTION",
    "RENDERER",
    "SOURCE_SCALES",
    "AcledActor",
    "AcledEvent",
    "AcledExport",
    "AcledProjection",
    "AcledRow",
    "Country",
    "LeftOut",
    "acled_actor",
    "coding",
    "country",
    "event_date",
    "export_of",
    "fatalities",
    "inter_from",
    "interaction_code",
    "read_acled",
    "render_acled",
    "render_acled_excel",
    "sitrep_event_types",
    "sitrep_importers",
    "sitrep_projections",
    "sitrep_renderers",
    "source_scale",
]

MEDIA_TYPE = "text/csv"
PROJECTION = AcledProjection.name
BOM = "\ufeff"

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


def _cell(value: str) -> str:
    # a spreadsheet would run a cell starting like a formula; ACLED's own cells never do
    # (a negative coordinate is a number, not a formula)
    if value.startswith(_FORMULA_START) and not _number(value):
        return "'" + value
    return value


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def render_acled(report: Report, *, bom: bool = False) -> str:
    """The report's ACLED rows as CSV (RFC 4180: comma, double quotes, CRLF), with a
    header row; the same report always gives the same text. ``bom``: start with a
    byte order mark, so Excel on Windows reads the file as UTF-8."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for found in export_of(report).rows:
        cells = found.cells()
        writer.writerow([_cell(cells[column]) for column in COLUMNS])
    return buffer.getvalue()


def render_acled_excel(report: Report) -> str:
    """:func:`render_acled` with a byte order mark, for Excel on Windows."""
    return render_acled(report, bom=True)


RENDERER = Renderer(
    format="acled",
    render=render_acled,
    media_type=MEDIA_TYPE,
    extension=".csv",
    description="ACLED CSV: one row per strike, agreement, evacuation and the like.",
)
EXCEL = Renderer(
    format="acled-excel",
    render=render_acled_excel,
    media_type=MEDIA_TYPE,
    extension=".csv",
    description="ACLED CSV with a byte order mark, for Excel on Windows.",
)


@sitrep_core.hookimpl
def sitrep_event_types() -> Sequence[type[Event]]:
    return [AcledEvent]


@sitrep_core.hookimpl
def sitrep_projections() -> Sequence[Projection[Any, Any]]:
    return [AcledProjection()]


@sitrep_core.hookimpl
def sitrep_renderers() -> list[Renderer]:
    return [RENDERER, EXCEL]


@sitrep_core.hookimpl
def sitrep_importers() -> list[Importer]:
    return [IMPORTER]
