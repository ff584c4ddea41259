"""The Markdown renderer: the report laid out like a published situation report.

Every text that came from a log goes through :func:`escape`: CommonMark's
punctuation is backslash-escaped, line breaks become spaces, and what GitHub would
turn into a link by itself (``http://...``, ``www.``) is broken up, so no quote,
name or note can open a heading, list, table, link, image, code span, emphasis or
HTML. URLs become links only when :func:`safe_url` allows them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..report import Report
from ._blocks import (
    Block,
    Details,
    Document,
    Item,
    Items,
    Link,
    Note,
    Paragraph,
    Quote,
    Raw,
    Section,
)
from ._document import document
from ._urls import safe_url
from ._words import Phrase, When

# Escaped wherever they stand: each opens an inline construct (code, emphasis,
# links, images, autolinks, HTML, entities, strikethrough, math, footnotes,
# mentions) or a block one (headings, block quotes, tables, fences).
_ALWAYS = frozenset("\\`*_[]<&#|~$^{}@!")
_ESCAPED = str.maketrans({c: f"\\{c}" for c in _ALWAYS})
# Inert inside a line; at the start of one they could open a list, a block quote,
# a setext underline or a thematic break, so a text's first character is escaped.
_LINE_START = frozenset("-+=>")
_ORDERED = re.compile(r"(\d{1,9})([.)])")
_BREAKS = re.compile(r"[\s\u0085\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# what GitHub's extended autolinks start from: a scheme's colon, "www." at a word start
_SCHEME = re.compile(r"(?i)(https?|ftp|mailto|xmpp)(:)")
_WWW = re.compile(r"(?i)(?<![\w.])(www)(\.)")


def escape(text: object) -> str:
    """``text`` as inline Markdown that shows exactly these characters, on one line."""
    return _escaped(text if type(text) is str else str(text))


@lru_cache(maxsize=1 << 12)
def _escaped(text: str) -> str:
    if text.isprintable():  # no control character, and no white space but " "
        plain = (_BREAKS.sub(" ", text) if "  " in text else text).strip()
    else:
        plain = _BREAKS.sub(" ", _CONTROL.sub("", text)).strip()
    out = plain.translate(_ESCAPED)
    if ":" in out:
        out = _SCHEME.sub(r"\1\\\2", out)
    if "www." in out.lower():
        out = _WWW.sub(r"\1\\\2", out)
    if out[:1] in _LINE_START:
        out = "\\" + out
    ordered = _ORDERED.match(out)
    if ordered:
        out = f"{ordered.group(1)}\\{ordered.group(2)}{out[ordered.end() :]}"
    return out


def link(url: str | None) -> str:
    """An autolink for a safe URL; any other URL as escaped text, marked as not linked."""
    checked = safe_url(url)
    if checked is not None:
        return f"<{checked}>"
    return f"{escape(url)} (not linked)" if url else ""


def phrase(words: Phrase) -> str:
    """A phrase as escaped inline Markdown (dates print as their words)."""
    return escape("".join(p.words if isinstance(p, When) else p for p in words))


class _Lines:
    """Lines of Markdown; blocks are kept apart by exactly one blank line."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def block(self, *lines: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.lines.extend(lines)

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def _item_lines(item: Item, indent: int) -> list[str]:
    pad = " " * indent
    label = f"**{escape(item.label)}:** " if item.label else ""
    body = phrase(item.phrase)
    marker = f" *({escape(item.marker)})*" if item.marker else ""
    head = f"{label}{body}{marker}".strip() or "\u2014"
    lines = [f"{pad}- {head}"]
    for child in item.children:
        lines.extend(_block_lines(child, indent + 2))
    return lines


def _block_lines(block: Block, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(block, Items):
        return [line for item in block.items for line in _item_lines(item, indent)]
    if isinstance(block, Item):
        return _item_lines(block, indent)
    if isinstance(block, Quote):
        by = f" \u2014 {phrase(block.by)}" if block.by else ""
        return [f"{pad}> \u201c{escape(block.words)}\u201d{by}"]
    if isinstance(block, Note):
        return [f"{pad}- *Note:* {escape(block.words)}"]
    if isinstance(block, Paragraph):
        words = phrase(block.phrase)
        return [f"{pad}{'*' + words + '*' if block.note and words else words}"]
    if isinstance(block, Details):
        return [f"{pad}- {phrase(block.summary)}:"] + [
            line for inner in block.blocks for line in _block_lines(inner, indent + 2)
        ]
    if isinstance(block, Link):
        return [f"{pad}{link(block.url)}"]
    assert isinstance(block, Raw)
    return (block.markdown or "").rstrip("\n").splitlines()


def _section(out: _Lines, section: Section) -> None:
    out.block(f"{'#' * section.level} {phrase(section.title) or 'Section'}")
    for block in section.blocks:
        if isinstance(block, Section):
            _section(out, block)
        else:
            lines = _block_lines(block, 0)
            if lines:
                out.block(*lines)


def markdown_of(doc: Document) -> str:
    out = _Lines()
    out.block(f"# {escape(doc.title) or 'Situation report'}")
    meta = [f"**{escape(item.label)}:** {phrase(item.phrase)}" for item in doc.meta]
    # a backslash at the end of a line is a line break that survives editors
    out.block(*(f"{line}\\" for line in meta[:-1]), *meta[-1:])
    for section in doc.sections:
        _section(out, section)
    out.block("---", phrase(doc.footer))
    return out.text()


def render_markdown(report: Report) -> str:
    """The report as a Markdown document (CommonMark; GitHub renders it the same)."""
    return markdown_of(document(report))
