"""The report: one view model of the projections at a moment, with dated updates."""

from ._report import REPORT_SCHEMA, LogInfo, Report, Update, build_report, moment_text

__all__ = ["REPORT_SCHEMA", "LogInfo", "Report", "Update", "build_report", "moment_text"]
