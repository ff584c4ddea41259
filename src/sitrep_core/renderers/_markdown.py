"""The Markdown renderer: a report laid out like a published situation report.

Every text that came from a log goes through :func:`escape`: CommonMark's
punctuation is backslash-escaped and line breaks become spaces, so no quote, name
or note can open a heading, list, table, link, image, code span, emphasis or HTML.
URLs become links only when they are plain http(s) URLs (:func:`safe_url`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import attrs

from ..model._events import plural
from ..model._values import CREDIBILITY, RELIABILITY, Count
from ..projections._convoys import ConvoyView, VehicleTally
from ..projections._figures import Claim, Figure
from ..projections._stances import StanceView
from ..projections._timeline import SourceView
from ..report._report import Report, Update
from ._renderer import Renderer

# Escaped wherever they stand: each opens an inline construct (code, emphasis,
# links, images, autolinks, HTML, entities, strikethrough, math, footnotes,
# mentions) or a block one (headings, block quotes, tables, fences).
_ALWAYS = frozenset("\\`*_[]<&#|~$^{}@!")
# Inert inside a line; at the start of one they could open a list, a block quote,
# a setext underline or a thematic break, so a text's first character is escaped.
_LINE_START = frozenset("-+=>")
_ORDERED = re.compile(r"(\d{1,9})([.)])")
# Line breaks of every kind, and the whitespace around them.
_BREAKS = re.compile(r"[\s\u0085\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
ARROW = " \u2192 "
_HASH = re.compile(r"[0-9a-f]{64}")
_GRADING = re.compile(r"([A-F])([1-6])")


def escape(text: object) -> str:
    """``text`` as inline Markdown that shows exactly these characters, on one line."""
    # a report repeats its names, places, stances and sources many times over
    return _escaped(text if type(text) is str else str(text))


@lru_cache(maxsize=1 << 16)
def _escaped(text: str) -> str:
    plain = _BREAKS.sub(" ", _CONTROL.sub("", text)).strip()
    out = "".join(f"\\{c}" if c in _ALWAYS else c for c in plain)
    if out[:1] in _LINE_START:
        out = "\\" + out
    ordered = _ORDERED.match(out)
    if ordered:
        out = f"{ordered.group(1)}\\{ordered.group(2)}{out[ordered.end() :]}"
    return out


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL that can stand in an autolink, else None."""
    if not url or any(c in url for c in '<>"\\`') or any(ord(c) <= 0x20 for c in url):
        return None
    if any(0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def link(url: str | None) -> str:
    """An autolink for a safe URL; any other URL as escaped text, marked as not linked."""
    checked = safe_url(url)
    if checked is not None:
        return f"<{checked}>"
    return f"{escape(url)} (not linked)" if url else ""


def _words(status: str | None) -> str:
    return escape(status.replace("-", " ")) if status else ""


def _moment(stamp: str | None) -> str:
    """A report's moment in words (``5 September 2017, 12:00 UTC``), or the text as given."""
    if not stamp:
        return ""
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return escape(stamp)
    if when.utcoffset() is None or when.utcoffset() or len(stamp) < 16:
        return escape(stamp)
    clock = f", {when:%H:%M} UTC" if (when.hour, when.minute, when.second) != (0, 0, 0) else ""
    return f"{when.day} {when:%B %Y}{clock}"


def _number(count: Count) -> str:
    """The count with its qualifier (``around 308``), without the source's words."""
    return escape(attrs.evolve(count, text=None))


def count(value: Count) -> str:
    """The count with its qualifier, and the source's own words where they say more."""
    plain = attrs.evolve(value, text=None)
    if value.text and value.text.strip() not in (str(plain), str(value.value)):
        return f"{escape(plain)} (\u201c{escape(value.text)}\u201d)"
    return escape(plain)


def _grading(code: str) -> str:
    found = _GRADING.fullmatch(code)
    if found is None:
        return escape(code)
    reliability, credibility = found.group(1), int(found.group(2))
    return f"{code}: {RELIABILITY[reliability]}, {CREDIBILITY[credibility]}"


def _strong(markdown: str) -> str:
    """Bold, unless there is nothing to make bold (``****`` would be a thematic break)."""
    return f"**{markdown}**" if markdown else ""


def _join(items: Iterable[str], sep: str = ", ") -> str:
    return sep.join(item for item in items if item)


def _sources(names: Sequence[str], gradings: Sequence[str] = ()) -> str:
    who = _join(escape(n) for n in names)
    graded = _join(escape(g) for g in gradings)
    return f"{who} ({graded})" if who and graded else who


class _Document:
    """Lines of Markdown; blocks are kept apart by exactly one blank line."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def block(self, *lines: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.lines.extend(lines)

    def heading(self, level: int, text: str) -> None:
        self.block(f"{'#' * level} {text}")

    def items(self, items: Iterable[str], indent: int = 0) -> None:
        found = [f"{' ' * indent}- {item}" for item in items if item]
        if found:
            self.block(*found)

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def render_markdown(report: Report) -> str:
    """The report as a Markdown document (CommonMark; GitHub renders it too)."""
    doc = _Document()
    doc.heading(1, escape(report.title) or "Situation report")
    _header(doc, report)
    if report.highlights:
        doc.heading(2, "Highlights")
        doc.items(escape(line) for line in report.highlights)
    if report.figures:
        doc.heading(2, "Key figures")
        doc.block(*_figures(report.figures))
        if report.figures_omitted:
            doc.block(
                f"Capped: {report.figures_omitted} more figures are not shown; of the "
                "strikes, only those in the timeline below have their figures here."
            )
    if report.convoys:
        doc.heading(2, "Convoys")
        for convoy in report.convoys:
            _convoy(doc, convoy)
    if report.stances:
        doc.heading(2, "Actor stances")
        for stance in report.stances:
            _stance(doc, stance)
    if report.updates:
        doc.heading(2, "Updates")
        for update in report.updates:
            _update(doc, update)
    for name, view in report.extra.items():
        if name in report.hidden:
            continue
        title = escape(name.replace("-", " ").replace("_", " ").capitalize())
        doc.heading(2, title or escape(name) or "Other view")
        lines = list(_generic(view, 0))
        doc.block(*(lines or ["Nothing reported."]))
    _timeline(doc, report)
    if report.sources:
        _sources_section(doc, report.sources)
    _footer(doc, report)
    return doc.text()


def _header(doc: _Document, report: Report) -> None:
    as_of = _moment(report.as_of) or "the latest events in the log"
    known = _moment(report.known_at) or "everything recorded"
    lines = [f"**As of:** {as_of}", f"**Known at:** {known}"]
    if report.since:
        lines.append(f"**Changes since:** {_moment(report.since)}")
    if report.period_start or report.period_end:
        period = _join((escape(report.period_start or ""), escape(report.period_end or "")), " to ")
        lines.append(f"**Period covered:** {period}")
    # a backslash at the end of a line is a line break that survives editors
    doc.block(*(f"{line}\\" for line in lines[:-1]), lines[-1])


def _claim(claim: Claim) -> str:
    when = f", {escape(claim.occurred)}" if claim.occurred else ""
    cited = _sources(claim.sources, claim.gradings) or "unsourced"
    return f"{count(claim.value)} \u2014 {cited}{when}"


def _figures(figures: Iterable[Figure]) -> list[str]:
    lines: list[str] = []
    for figure in figures:
        label = _strong(f"{escape(figure.label) or escape(figure.key)}:")
        earlier = _omitted(figure.claims_omitted, "earlier claim")
        if figure.disputed:
            lines.append(f"- {label} disputed, sources differ{earlier}:")
            lines.extend(f"  - {_claim(claim)}" for claim in figure.claims)
        else:
            cited = _join((_sources(c.sources, c.gradings) for c in figure.claims), "; ")
            cited = f" \u2014 {cited}{earlier}" if cited else ""
            lines.append(f"- {label} {count(figure.value)}{cited}")
    return lines


def _vehicles(tally: VehicleTally, status: str | None) -> str:
    total = tally.total if tally.total is not None else tally.current
    head = escape(tally.kind)
    if total is not None:
        head = f"{_number(total)} {escape(plural(tally.kind, total))}"
    now = _words(status) or "still with the convoy"
    fates = []
    for part in tally.detached:
        toward = f" toward {escape(part.toward)}" if part.toward else ""
        when = f"{escape(part.occurred)}, " if part.occurred else ""
        fates.append(
            f"{_number(part.vehicles)} {_words(part.status) or 'left'}{toward} "
            f"({when}as convoy {escape(part.convoy)})"
        )
    if tally.current is not None and (fates or tally.current != tally.total):
        fates.append(f"{_number(tally.current)} {now}")
    if fates:
        return f"{head}: {_join(fates)}"
    return f"{head}, all {now}" if status else head


def _convoy(doc: _Document, convoy: ConvoyView) -> None:
    doc.heading(3, f"Convoy {escape(convoy.id)}")
    route = _join(
        (
            f"from {escape(convoy.origin)}" if convoy.origin else "",
            f"to {escape(convoy.destination)}" if convoy.destination else "",
        ),
        " ",
    )
    about = _join(
        (
            escape(convoy.group or ""),
            route,
            f"formed {escape(convoy.formed)}" if convoy.formed else "",
        )
    )
    lines = []
    if about:
        lines.append(f"- **Convoy:** {about}")
    if convoy.parent:
        lines.append(f"- **Split from:** convoy {escape(convoy.parent)}")
    if convoy.status:
        since = f" since {escape(convoy.status_since)}" if convoy.status_since else ""
        lines.append(f"- **Status:** {_words(convoy.status)}{since}")
    where = []
    if convoy.position:
        since = f" (since {escape(convoy.position_since)})" if convoy.position_since else ""
        where.append(f"{escape(convoy.position)}{since}")
    if convoy.heading:
        where.append(f"heading {escape(convoy.heading)}")
    if convoy.toward:
        where.append(f"toward {escape(convoy.toward)}")
    if where:
        lines.append(f"- **Position:** {_join(where, '; ')}")
    if convoy.route:
        steps = (
            _join(
                (
                    escape(point.occurred),
                    escape(point.description or _join(point.near)),
                    f"({_words(point.status)})" if point.status else "",
                ),
                " ",
            )
            for point in convoy.route
        )
        earlier = _omitted(convoy.route_omitted, "earlier point")
        lines.append(f"- **Route:**{earlier} {_join(steps, ARROW)}")
    if convoy.vehicles:
        lines.append(
            f"- **Vehicles:** {_join((_vehicles(t, convoy.status) for t in convoy.vehicles), '; ')}"
        )
    if convoy.people:
        lines.append("- **People:**")
        lines.extend(f"  {line}" for line in _figures(convoy.people))
    if convoy.strikes:
        lines.append(f"- **Strikes near it:**{_omitted(convoy.strikes_omitted, 'earlier strike')}")
        lines.extend(
            f"  - {escape(ref.occurred)}: {escape(ref.headline)}" for ref in convoy.strikes
        )
    if convoy.aid:
        lines.append(f"- **Aid:**{_omitted(convoy.aid_omitted, 'earlier delivery')}")
        lines.extend(f"  - {escape(ref.occurred)}: {escape(ref.headline)}" for ref in convoy.aid)
    if convoy.children:
        lines.append(f"- **Split into:** {_join(f'convoy {escape(c)}' for c in convoy.children)}")
    if convoy.sources:
        lines.append(f"- **Sources:** {_join(escape(s) for s in convoy.sources)}")
    doc.block(*(lines or ["Nothing reported yet."]))


def _quoted(text: str | None) -> str:
    return f"\u201c{escape(text)}\u201d" if text and escape(text) else ""


def _stance(doc: _Document, view: StanceView) -> None:
    doc.heading(3, f"{escape(view.actor_name) or escape(view.actor)} on {escape(view.subject)}")
    stance = _strong(escape(view.stance.capitalize()))
    since = f" since {escape(view.since)}" if view.since else ""
    speaker = f", in the words of {escape(view.speaker)}" if view.speaker else ""
    if view.quote and escape(view.quote):
        doc.block(f"{stance}{since}{speaker}:")
        doc.block(f"> {_quoted(view.quote)}")
    else:
        doc.block(f"{stance}{since}{speaker}.")
    if len(view.history) > 1:
        earlier = _omitted(view.history_omitted, "earlier statement")
        doc.block(f"History, oldest first{earlier}:")
        doc.items(
            _join(
                (
                    f"{escape(entry.occurred)}: {escape(entry.stance)}",
                    f"\u2014 {escape(entry.speaker)}" if entry.speaker else "",
                    f"to {escape(entry.audience)}" if entry.audience else "",
                    _quoted(entry.quote),
                    f"({_sources(entry.sources)})" if entry.sources else "",
                ),
                " ",
            )
            for entry in view.history
        )


def _omitted(count: int, what: str) -> str:
    """`` (N earlier points not shown)``, where a report capped a list; else nothing."""
    if not count:
        return ""
    return f" ({count} {what}{'s' if count != 1 else ''} not shown)"


def _update(doc: _Document, update: Update) -> None:
    doc.heading(3, escape(update.title) or escape(update.at))
    if update.changes:
        doc.items(escape(change.summary) for change in update.changes)
        if update.omitted:
            doc.block(f"Capped: {update.omitted} more changes are not shown.")
    else:
        doc.block("No change to the report.")


def _timeline(doc: _Document, report: Report) -> None:
    doc.heading(2, "Timeline")
    shown, total = len(report.timeline), report.timeline_total
    if total > shown:
        doc.block(
            f"Capped: the latest {shown} of {total} events; the earlier {total - shown} "
            "are not shown."
        )
    if not report.timeline:
        doc.block("No events.")
        return
    doc.items(
        _join(
            (
                _strong(escape(entry.occurred)),
                f"({escape(entry.type)})",
                escape(entry.headline),
                f"\u2014 {_sources(entry.sources)}" if entry.sources else "",
            ),
            " ",
        )
        for entry in report.timeline
    )


def _sources_section(doc: _Document, sources: Iterable[SourceView]) -> None:
    doc.heading(2, "Sources")
    doc.block(
        "Graded on the Admiralty scale: a letter for the source's reliability, "
        "a number for the information's credibility."
    )
    items = []
    for source in sources:
        gradings = _join((_grading(g) for g in source.gradings), "; ")
        urls = _join((link(u) for u in source.urls), " ")
        events = len(source.events) + source.events_omitted
        cites = f"cited by {events} event{'s' if events != 1 else ''}"
        name = _strong(escape(source.name)) or "unnamed"
        items.append(_join((f"{name}, {gradings}" if gradings else name, urls, cites), "; ") + ".")
    doc.items(items)
    doc.block("Reliability of the source:")
    doc.items(f"{code}: {words}" for code, words in RELIABILITY.items())
    doc.block("Credibility of the information:")
    doc.items(f"{code}: {words}" for code, words in CREDIBILITY.items())


def _footer(doc: _Document, report: Report) -> None:
    head = report.log.head_hash
    cited = f"`{head}`" if _HASH.fullmatch(head) else escape(head)
    doc.block("---")
    doc.block(
        f"Built from the log {escape(report.log.name)} at position {report.log.position}, "
        f"head hash {cited} (each record's hash covers the one before it)."
    )


def _generic(view: Any, depth: int) -> Iterable[str]:
    """A plugin's view as a nested list: attrs fields, mappings and sequences."""
    pad = "  " * depth
    if depth > 4:
        yield f"{pad}- {escape(view)}"
        return
    if attrs.has(type(view)):
        for field in attrs.fields(type(view)):
            yield from _entry(field.name, getattr(view, field.name), depth)
    elif isinstance(view, Mapping):
        for key, value in view.items():
            yield from _entry(str(key), value, depth)
    elif isinstance(view, Sequence) and not isinstance(view, str | bytes):
        for number, item in enumerate(view, start=1):
            if _scalar(item):
                yield f"{pad}- {_value(item)}"
            else:  # the item's first field names it; the others are listed under it
                inner = list(_generic(item, depth + 1))
                yield f"{pad}- {inner[0].lstrip()[2:]}" if inner else f"{pad}- item {number}"
                yield from inner[1:]
    else:
        yield f"{pad}- {_value(view)}"


def _entry(name: str, value: Any, depth: int) -> Iterable[str]:
    pad = "  " * depth
    label = escape(name.replace("_", " "))
    if _scalar(value):
        yield f"{pad}- {label}: {_value(value)}"
    else:
        yield f"{pad}- {label}:"
        yield from _generic(value, depth + 1)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | Count)


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, Count):
        return count(value)
    return escape(value)


RENDERER = Renderer(
    format="markdown",
    render=render_markdown,
    media_type="text/markdown; charset=utf-8",
    extension=".md",
    description="A situation report in Markdown (CommonMark)",
)
