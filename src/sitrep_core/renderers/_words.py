"""What a sentence is made of: text, and dates that carry their machine form.

A :data:`Phrase` is a tuple of plain strings and :class:`When` parts. Markdown
prints a When as its words; HTML wraps it in ``<time datetime=...>``. Every word a
reader sees is chosen in this package; both formats print the same phrases.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs


@attrs.frozen
class When:
    """A date or time in a sentence: its words, and an HTML ``datetime`` value."""

    words: str
    machine: str


Part = str | When
Phrase = tuple[Part, ...]


def text(*parts: Part | Phrase | None) -> Phrase:
    """One phrase from strings, Whens and phrases (None and empty strings dropped)."""
    found: list[Part] = []
    for part in parts:
        if part is None or part == "":
            continue
        if isinstance(part, tuple):
            found.extend(part)
        else:
            found.append(part)
    return tuple(found)


def join(phrases: Iterable[Phrase], sep: str = ", ", last: str | None = None) -> Phrase:
    """Phrases joined with ``sep`` (and ``last`` before the final one: ``" and "``)."""
    items = [p for p in phrases if p]
    out: list[Part] = []
    for index, phrase in enumerate(items):
        if index:
            out.append(last if last is not None and index == len(items) - 1 else sep)
        out.extend(phrase)
    return tuple(out)


def plain(phrase: Phrase) -> str:
    """The phrase as plain text."""
    return "".join(p.words if isinstance(p, When) else p for p in phrase)


def capitalised(phrase: Phrase) -> Phrase:
    """The phrase with its first letter upper-case (a sentence's start)."""
    if not phrase:
        return phrase
    first = phrase[0]
    if isinstance(first, str) and first:
        return (first[0].upper() + first[1:], *phrase[1:])
    return phrase


def plural(noun: str, count: int | None) -> str:
    """``bus`` -> ``buses`` unless the count is exactly one."""
    if count == 1 or not noun:
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "z", "ch", "sh")) else "s")


def humanised(key: str) -> str:
    """A key shown where nothing names it: its words, without the punctuation of a key."""
    return key.replace("_", " ").replace("-", " ").strip()
