"""The HTML renderer: one self-contained page, every text from the log escaped.

No request leaves the page: the style sheet is inline, the timeline and the convoy
routes are inline SVG (see :mod:`._pictures`), there is no script, and a
Content-Security-Policy forbids anything else. Every text reaches the page through
Jinja2 autoescaping; dates are ``<time>`` elements with their machine form; a URL
becomes a link only when :func:`safe_url` allows it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..report import Report
from ._blocks import Details, Item, Items, Link, Note, Paragraph, Quote, Raw, Section
from ._document import document
from ._pictures import route_plot, timeline_plot
from ._renderer import Renderer
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


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    names = report.names
    plots = {convoy.key: route_plot(convoy, names) for convoy in report.convoys}
    return (
        environment()
        .get_template("report.html")
        .render(
            doc=document(report),
            csp=CONTENT_SECURITY_POLICY,
            timeline=timeline_plot(report.timeline, names),
            routes={key: plot for key, plot in plots.items() if plot is not None},
            kind=lambda block: _KINDS[type(block)],
            safe_url=safe_url,
        )
    )


RENDERER = Renderer(
    format="html",
    render=render_html,
    media_type="text/html",
    extension=".html",
    description="One self-contained HTML page: inline style and SVG, no script, no requests.",
)
