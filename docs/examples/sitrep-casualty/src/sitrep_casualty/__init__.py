"""sitrep-casualty: casualty reports, their tally per place, and a CSV of the tally.

A complete sitrep-core plugin: one event type (with an upcaster from its first
version), one projection and one renderer, each handed over by a hook.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from sitrep_core import Count, Event, Projection, Renderer, Report, Upcaster, hookimpl
from sitrep_core.views import Directory, EventSetProjection, ViewContext

__version__ = "0.1.0"


@attrs.frozen(kw_only=True)
class CasualtyReport(Event):
    """People killed or wounded at a place, as one source counted them."""

    TYPE: ClassVar[str] = "casualty-report"
    VERSION: ClassVar[int] = 2

    place: str
    killed: Count | None = None
    wounded: Count | None = None
    civilians: bool | None = None
    """True when the source says the dead and wounded were civilians."""

    @property
    def headline(self) -> str:
        toll = ", ".join(
            f"{count} {what}"
            for what, count in (("killed", self.killed), ("wounded", self.wounded))
            if count is not None
        )
        return f"Casualties at {self.place}: {toll or 'no figure'}"


def _v1_to_v2(line: dict[str, Any]) -> dict[str, Any]:
    """Version 1 called the place ``location``."""
    line = dict(line)
    if "location" in line:
        line["place"] = line.pop("location")
    return line


@attrs.frozen
class CasualtyTally:
    """One place's toll: the sum of each report's conservative figure."""

    place: str
    killed: int
    wounded: int
    reports: int
    sources: tuple[str, ...]


class CasualtiesProjection(EventSetProjection):
    """Per place, the tally of every casualty report (ACLED's conservative figures)."""

    name = "casualties"
    version = 1
    types = frozenset({CasualtyReport.TYPE})

    def view(self, state: Any, context: ViewContext) -> tuple[CasualtyTally, ...]:
        names: Directory = context.names
        killed: dict[str, int] = defaultdict(int)
        wounded: dict[str, int] = defaultdict(int)
        reports: dict[str, int] = defaultdict(int)
        sources: dict[str, set[str]] = defaultdict(set)
        for _, event in state.values():
            assert isinstance(event, CasualtyReport)
            place = names.place_name(event.place)
            killed[place] += (event.killed.lower or 0) if event.killed else 0
            wounded[place] += (event.wounded.lower or 0) if event.wounded else 0
            reports[place] += 1
            sources[place].update(source.name for source in event.sources)
        return tuple(
            CasualtyTally(
                place, killed[place], wounded[place], reports[place], tuple(sorted(sources[place]))
            )
            for place in sorted(reports, key=str.casefold)
        )


def _cell(text: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    value = str(text)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_csv(report: Report) -> str:
    """The ``casualties`` view as CSV: place, killed, wounded, reports, sources."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["place", "killed", "wounded", "reports", "sources"])
    for tally in report.extra.get(CasualtiesProjection.name, ()):
        writer.writerow(
            [
                _cell(tally.place),
                tally.killed,
                tally.wounded,
                tally.reports,
                _cell("; ".join(tally.sources)),
            ]
        )
    return out.getvalue()


@hookimpl
def sitrep_event_types() -> Sequence[type[Event]]:
    return [CasualtyReport]


@hookimpl
def sitrep_upcasters() -> Sequence[Upcaster]:
    return [Upcaster(CasualtyReport.TYPE, 1, _v1_to_v2)]


@hookimpl
def sitrep_projections() -> Sequence[Projection[Any, Any]]:
    return [CasualtiesProjection()]


@hookimpl
def sitrep_renderers() -> Sequence[Renderer]:
    return [
        Renderer(
            format="casualty-csv",
            render=render_csv,
            media_type="text/csv; charset=utf-8",
            extension=".csv",
            description="Casualties per place, as CSV",
        )
    ]
