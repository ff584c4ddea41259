"""The report as a tree of blocks that Markdown and HTML both lay out.

Sections hold items (a bold label and a phrase, with nested items, quotes and
notes), paragraphs and collapsible details. The words are chosen once, when the
tree is built; each format only decides how the tree looks.
"""

from __future__ import annotations

import attrs

from ._words import Phrase


@attrs.frozen
class Quote:
    """A source's or a speaker's own words, and who said them."""

    words: str
    by: Phrase = ()


@attrs.frozen
class Note:
    """An analyst's note on an event: context the event's fields do not hold."""

    words: str


@attrs.frozen
class Item:
    """One line of a list: an optional label, a phrase, and what hangs below it."""

    phrase: Phrase
    label: str | None = None
    children: tuple[Block, ...] = ()
    marker: str | None = None
    """A short flag after the phrase, such as ``later corrected``."""


@attrs.frozen
class Items:
    items: tuple[Item, ...]


@attrs.frozen
class Paragraph:
    phrase: Phrase
    note: bool = False
    """A remark about the report itself (what it left out), not a fact."""


@attrs.frozen
class Details:
    """A block a reader may open: long notes and quotes, earlier history."""

    summary: Phrase
    blocks: tuple[Block, ...]


@attrs.frozen
class Link:
    """A URL a source gave: linked where it is safe to, else shown as text."""

    url: str


@attrs.frozen
class Raw:
    """A plugin's own rendering of its section, in the format being written."""

    markdown: str | None
    html: str | None


Block = Quote | Note | Item | Items | Paragraph | Details | Link | Raw


@attrs.frozen
class Section:
    """A titled part of the report; ``level`` 2 for the main parts, 3 within them."""

    id: str
    title: Phrase
    blocks: tuple[Block | Section, ...]
    level: int = 2
    picture: str | None = None
    """Which picture HTML draws at the top of this section (``timeline``, ``route``)."""
    key: str | None = None
    """The item the section is about (a convoy's key, for its route picture)."""


@attrs.frozen
class Document:
    title: str
    meta: tuple[Item, ...]
    sections: tuple[Section, ...]
    footer: Phrase
