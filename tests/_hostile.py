"""Texts that would change a document's shape if a renderer let them through.

``poison`` puts one of them in every text field of a report (and a plugin view).
"""

from __future__ import annotations

import typing
from typing import Any

import attrs

from sitrep_core import Count, FuzzyTime


@attrs.frozen
class Tally:
    """A plugin's view, as :attr:`Report.extra` holds it."""

    place: str
    killed: Count
    note: str | None = None


def _str_hint(hint: Any) -> bool:
    return hint is str or str in typing.get_args(hint)


def poison(value: Any, payload: str) -> Any:
    """``value`` with every text in it, and every empty optional text, set to ``payload``."""
    if isinstance(value, FuzzyTime):  # an EDTF text, checked when read: no payload fits
        return value
    if isinstance(value, str):
        return payload
    if isinstance(value, Count):
        return attrs.evolve(value, text=payload)
    if isinstance(value, tuple):
        return tuple(poison(item, payload) for item in value)
    if isinstance(value, dict):
        return {poison(k, payload): poison(v, payload) for k, v in value.items()}
    if attrs.has(type(value)):
        hints = typing.get_type_hints(type(value))
        changes = {}
        for field in attrs.fields(type(value)):
            if not field.init:
                continue
            current = getattr(value, field.name)
            if current is None and _str_hint(hints[field.name]):
                changes[field.name] = payload
            else:
                changes[field.name] = poison(current, payload)
        try:
            return attrs.evolve(value, **changes)
        except ValueError:  # a validated value (a source's grading, a relation): keep
            kept: dict[str, Any] = {}  # what it accepts, one field at a time
            for name, change in changes.items():
                try:
                    attrs.evolve(value, **kept, **{name: change})
                except ValueError:
                    continue
                kept[name] = change
            return attrs.evolve(value, **kept)
    return value


HOSTILE = [
    "# heading",
    "## Sources",
    "- list item",
    "* star item",
    "+ plus item",
    "1. ordered",
    "2) ordered",
    "> quote",
    "---",
    "***",
    "===",
    "text\n===",
    "text\n---",
    "| a | b |\n|---|---|\n| c | d |",
    "a | b",
    "[link](https://evil.example/)",
    "[ref]: https://evil.example/",
    "[ref]",
    "![image](https://evil.example/x.png)",
    "<https://evil.example/>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- comment -->",
    "&lt;b&gt; &amp; &#60;",
    "`code`",
    "```\nfence\n```",
    "~~~",
    "~~strike~~",
    "*em* _em_ **strong** __strong__",
    "line\nbreak\r\nand\rmore\u2028and\u2029more\x85end",
    "trailing backslash \\",
    "hard  \nbreak",
    "    indented code",
    "\tindented tab",
    "\x00nul\x07bell",
    "javascript:alert(1)",
    "https://evil.example/",
    "www.evil.example",
    "[^note]",
    "$x^2$",
    "@mention #123",
    "\\*escaped\\*",
    "x]: y",
    "**",
    "\u00a0\u3000 unicode spaces \u00a0",
]
