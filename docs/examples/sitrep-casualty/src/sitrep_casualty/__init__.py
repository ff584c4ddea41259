"""sitrep-casualty: casualty reports, each place's reports side by side, as a report
section and as CSV.

A complete sitrep-core plugin: one event type (with an upcaster from its first
version), one projection, a section of the Markdown and HTML reports, and one
renderer, each handed over by a hook. Claims are never summed: two reports of the
dead at one place may count the same dead.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from markupsafe import escape as html_escape

from sitrep_core import (
    Count,
    Event,
    Projection,
    Renderer,
    SectionRenderer,
    Upcaster,
    hookimpl,
    renderers,
)
from sitrep_core.views import Fact, ViewContext

if TYPE_CHECKING:  # every command imports the plugin: annotations load nothing
    from sitrep_core import Report

__version__ = "0.2.0"


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

    def describe(self, name: Callable[[str], str] = str) -> str:
        """How the timeline reads it: "Casualties at Humayma: at least 3 killed"."""
        toll = ", ".join(
            f"{renderers.count_words(count)} {what}"
            for what, count in (("killed", self.killed), ("wounded", self.wounded))
            if count is not None
        )
        return f"Casualties at {name(self.place)}: {toll or 'no figure'}"


def _v1_to_v2(line: dict[str, Any]) -> dict[str, Any]:
    """Version 1 called the place ``location``."""
    line = dict(line)
    if "location" in line:
        line["place"] = line.pop("location")
    return line


@attrs.frozen
class CasualtyClaim:
    """One report's figures, with who gave them and when it happened."""

    occurred: str
    when: str
    killed: Count | None
    wounded: Count | None
    sources: tuple[str, ...]
    event_id: str


@attrs.frozen
class PlaceCasualties:
    """Every standing report of casualties at one place, side by side (never summed)."""

    place: str
    claims: tuple[CasualtyClaim, ...]


class CasualtiesProjection(Projection[list[Fact], tuple[PlaceCasualties, ...]]):
    """Per place, the casualty reports standing at the view's moment."""

    name = "casualties"
    version = 2
    types = frozenset({CasualtyReport.TYPE})

    def initial(self) -> list[Fact]:
        return []

    def apply(self, state: list[Fact], fact: Fact) -> None:
        state.append(fact)

    def view(self, state: list[Fact], context: ViewContext) -> tuple[PlaceCasualties, ...]:
        by_place: dict[str, list[CasualtyClaim]] = defaultdict(list)
        for fact in context.visible(state):
            event = fact.event
            assert isinstance(event, CasualtyReport)
            found = context.names.place(event.place)
            by_place[found.name if found else event.place].append(
                CasualtyClaim(
                    event.occurred.text,
                    renderers.plain(renderers.human_date(event.occurred)),
                    event.killed,
                    event.wounded,
                    tuple(s.name for s in event.sources),
                    event.id,
                )
            )
        return tuple(
            PlaceCasualties(place, tuple(by_place[place]))
            for place in sorted(by_place, key=str.casefold)
        )


def _claim_words(claim: CasualtyClaim) -> str:
    parts = [
        f"{renderers.count_words(count)} {what}"
        for what, count in (("killed", claim.killed), ("wounded", claim.wounded))
        if count is not None
    ]
    said = "; ".join(claim.sources) or "no source given"
    return f"{', '.join(parts) or 'no figure'} ({claim.when}, {said})"


def section_markdown(view: tuple[PlaceCasualties, ...]) -> str:
    """The section as Markdown: a list per place, each report on a line of its own.
    Every text from the log is escaped."""
    if not view:
        return "No casualty reports."
    lines = []
    for place in view:
        lines.append(f"- **{renderers.escape(place.place)}**")
        lines.extend(f"  - {renderers.escape(_claim_words(claim))}" for claim in place.claims)
    return "\n".join(lines)


def section_html(view: tuple[PlaceCasualties, ...]) -> str:
    """The section as HTML: a list per place; every text from the log is escaped."""
    if not view:
        return "<p>No casualty reports.</p>"
    items = []
    for place in view:
        claims = "".join(f"<li>{html_escape(_claim_words(c))}</li>" for c in place.claims)
        items.append(f"<li><strong>{html_escape(place.place)}</strong><ul>{claims}</ul></li>")
    return f'<ul class="casualties">{"".join(items)}</ul>'


def _cell(text: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    value = "" if text is None else str(text)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_csv(report: Report) -> str:
    """The ``casualties`` view as CSV: one row per report (place, when, killed,
    wounded, sources), never a total."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["place", "occurred", "killed", "wounded", "sources"])
    for place in report.extra.get(CasualtiesProjection.name, ()):
        for claim in place.claims:
            writer.writerow(
                [
                    _cell(place.place),
                    claim.occurred,
                    _cell(claim.killed),
                    _cell(claim.wounded),
                    _cell("; ".join(claim.sources)),
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
def sitrep_sections() -> Sequence[SectionRenderer]:
    return [
        SectionRenderer(
            projection=CasualtiesProjection.name,
            title="Casualties",
            markdown=section_markdown,
            html=section_html,
        )
    ]


@hookimpl
def sitrep_renderers() -> Sequence[Renderer]:
    return [
        Renderer(
            format="casualty-csv",
            render=render_csv,
            media_type="text/csv; charset=utf-8",
            extension=".csv",
            description="Casualty reports per place, as CSV",
        )
    ]
