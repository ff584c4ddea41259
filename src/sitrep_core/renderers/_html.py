"""The HTML renderer: one self-contained page, every text from the log escaped.

No request leaves the page: the style sheet is inline, the timeline and the convoy
routes are inline SVG (see :mod:`._timeline_svg` and :mod:`._map`), each drawn for
a wide and a narrow screen and chosen by the style sheet, there is no script, and a
Content-Security-Policy forbids anything else. Every text reaches the page through
Jinja2 autoescaping; dates are ``<time>`` elements with their machine form; a URL
becomes a link only when :func:`safe_url` allows it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import attrs
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..report import Report
from ._blocks import Details, Item, Items, Link, Note, Paragraph, Quote, Raw, Section
from ._document import document
from ._geodata import load_basemap
from ._map import NARROW as NARROW_MAP
from ._map import WIDE as WIDE_MAP
from ._map import RouteLegend, RouteMap, route_legend, route_map
from ._timeline_svg import NARROW as NARROW_TIMELINE
from ._timeline_svg import WIDE as WIDE_TIMELINE
from ._timeline_svg import timeline_plot
from ._urls import safe_url

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_KINDS = {
    Items: "items",
    Item: "item",
    Quote: "quote",
    Note: "note",
    Paragraph: "paragraph",
    Details: "details",
    Link: "link",
    Raw: "raw",
    Section: "section",
}


def _clean(value: Any) -> Any:
    """What an expression prints: its text without the characters HTML cannot carry
    (controls, lone surrogates); nothing for None. Autoescaping applies afterwards."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))


@cache
def environment() -> Environment:
    """The Jinja2 environment of the HTML templates: autoescaping on, undefined is an error."""
    return Environment(
        loader=PackageLoader("sitrep_core.renderers", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html", "svg", "xml"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        finalize=_clean,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@attrs.frozen
class RoutePicture:
    """A convoy's map in each frame, and the caption they share."""

    maps: tuple[RouteMap, ...]
    legend: RouteLegend


def _routes(report: Report) -> dict[str, RoutePicture]:
    names = report.names
    legends = {c.key: legend for c in report.convoys if (legend := route_legend(c, names))}
    if not legends:
        return {}
    basemap = load_basemap()
    pictures = {}
    for convoy in report.convoys:
        if convoy.key not in legends:
            continue
        maps = [route_map(convoy, names, basemap, frame) for frame in (WIDE_MAP, NARROW_MAP)]
        pictures[convoy.key] = RoutePicture(
            tuple(m for m in maps if m is not None), legends[convoy.key]
        )
    return pictures


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    names = report.names
    timelines = [
        timeline_plot(report.timeline, names, report.moment, frame)
        for frame in (WIDE_TIMELINE, NARROW_TIMELINE)
    ]
    return (
        environment()
        .get_template("report.html")
        .render(
            doc=document(report),
            csp=CONTENT_SECURITY_POLICY,
            timelines=[plot for plot in timelines if plot is not None],
            routes=_routes(report),
            kind=lambda block: _KINDS[type(block)],
            safe_url=safe_url,
        )
    )
