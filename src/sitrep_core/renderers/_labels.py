"""Text in the SVG pictures: how wide it is likely to be, where it wraps, and where a
label goes so that it covers no other label, no marker and nothing outside the frame.

Widths are estimated (no font is measured: the page has no script), from an average
advance per character of the sans-serif faces a browser picks for ``system-ui``,
with a margin so that a wider face still fits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from ._geometry import Box, inside, overlaps

ADVANCE = 0.62
"""Average advance of a character, in ems (system-ui faces run 0.5-0.56 for English;
DejaVu Sans, a common fallback, about 0.6)."""
BOLD = 1.12
"""How much wider bold text runs than regular."""
ELLIPSIS = "\u2026"


def text_width(text: str, font: float) -> float:
    return len(text) * font * ADVANCE


def clip(text: str, chars: int) -> str:
    """``text`` cut to ``chars`` characters, an ellipsis marking the cut."""
    if len(text) <= chars:
        return text
    return text[: max(chars - 1, 1)].rstrip() + ELLIPSIS


def wrap(text: str, chars: int, lines: int) -> tuple[str, ...]:
    """``text`` in at most ``lines`` lines of at most ``chars`` characters, cut at
    spaces; the last line ends in an ellipsis when the text does not fit."""
    words = text.split()
    if lines <= 1 or not words:
        return (clip(" ".join(words), chars),) if words else ()
    out: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= chars or not current:
            current = candidate
            continue
        out.append(current)
        if len(out) == lines - 1:
            out.append(" ".join(words[index:]))
            current = ""
            break
        current = word
    if current:
        out.append(current)
    return tuple(clip(line, chars) for line in out)


@attrs.frozen
class Placed:
    """A label where it fits: its text, anchor point and ``text-anchor``."""

    text: str
    x: float
    y: float
    anchor: str
    box: Box


class LabelSpace:
    """The room left in a picture for labels: each label placed takes its box, so no
    later label covers it. Markers and other drawn things are taken beforehand."""

    def __init__(self, frame: Box, taken: Iterable[Box] = ()) -> None:
        self.frame = frame
        self.taken: list[Box] = list(taken)

    def take(self, box: Box) -> None:
        self.taken.append(box)

    def free(self, box: Box) -> bool:
        return inside(box, self.frame) and not any(overlaps(box, other) for other in self.taken)

    def place(
        self,
        x: float,
        y: float,
        text: str,
        font: float,
        gap: float,
        *,
        shortest: int = 6,
        bold: bool = False,
        offsets: Sequence[tuple[int, float]] | None = None,
    ) -> Placed | None:
        """The label beside the point (x, y), in the first of the usual positions that
        is free (right, left, above, below, then further out), whole if it can be, else
        cut to no fewer than ``shortest`` characters; None when nothing fits."""
        ascent, descent = font * 0.8, font * 0.25
        positions = offsets or (
            (1, font * 0.35),
            (-1, font * 0.35),
            (1, -font * 0.7),
            (-1, -font * 0.7),
            (1, font * 1.4),
            (-1, font * 1.4),
            (0, -font * 1.1),
            (0, font * 1.9),
            (1, -font * 1.8),
            (-1, -font * 1.8),
            (1, font * 2.5),
            (-1, font * 2.5),
        )
        lengths = [len(text), *list(range(len(text) - 4, shortest - 1, -4))]
        for length in lengths:
            label = clip(text, length)
            width = text_width(label, font) * (BOLD if bold else 1.0)
            for side, dy in positions:
                if side > 0:
                    left, anchor, at = x + gap, "start", x + gap
                elif side < 0:
                    left, anchor, at = x - gap - width, "end", x - gap
                else:
                    left, anchor, at = x - width / 2, "middle", x
                base = y + dy
                box = (left - 2, base - ascent, left + width + 2, base + descent)
                if self.free(box):
                    self.take(box)
                    return Placed(label, at, base, anchor, box)
        return None
