"""The report: one view model of the projections at a moment, with dated updates."""

from ._report import (
    CHANGES_LIMIT,
    CLAIMS_LIMIT,
    EVENTS_LIMIT,
    FIGURE_LIMIT,
    HISTORY_LIMIT,
    REPORT_SCHEMA,
    ROUTE_LIMIT,
    Highlights,
    LogInfo,
    Report,
    Section,
    build_report,
    moment_as_given,
    public_name,
    report_of,
)
from ._updates import Update, told_once

__all__ = [
    "CHANGES_LIMIT",
    "CLAIMS_LIMIT",
    "EVENTS_LIMIT",
    "FIGURE_LIMIT",
    "HISTORY_LIMIT",
    "REPORT_SCHEMA",
    "ROUTE_LIMIT",
    "Highlights",
    "LogInfo",
    "Report",
    "Section",
    "Update",
    "build_report",
    "moment_as_given",
    "public_name",
    "report_of",
    "told_once",
]
