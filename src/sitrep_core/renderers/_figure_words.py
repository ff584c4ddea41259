"""Figures in words: each claim with who gave it and their grading, the leading claim
first, agreeing claims as consistent, disputed ones side by side."""

from __future__ import annotations

from ..projections import Claim, Directory, Figure
from ._blocks import Item
from ._dates import human_date, human_moment
from ._phrasing import cited_inline, count_words, measure_words, subject_words
from ._words import Phrase, capitalised, join, plain, text


def figure_label(figure: Figure, names: Directory) -> Phrase:
    """What a figure counts: "Fighters in the Qalamoun convoy", "Funding requested for
    the flood response"."""
    joint = " for " if figure.measure.startswith("funding") else " in "
    return capitalised(
        text(
            measure_words(figure.measure, figure.value, figure.unit),
            joint,
            subject_words(figure, names),
        )
    )


def claim_phrase(claim: Claim, *, dated: bool = True) -> Phrase:
    """A claim with who gave it: "around 308 (reports, F3; 28 Aug 2017)"; a correction
    as "at least 40 -> at least 55 (..., corrected 12:00 UTC on 3 May 2017)"."""
    value = count_words(claim.value)
    if claim.replaces is not None:
        value = f"{count_words(claim.replaces)} \u2192 {value}"
    when = text("; ", human_date(claim.occurred)) if dated else ()
    corrected = (
        text("; corrected ", human_moment(claim.recorded))
        if claim.replaces is not None and claim.recorded is not None
        else ()
    )
    return text(value, " (", cited_inline(claim.sources), when, corrected, ")")


def figure_phrase(figure: Figure) -> Phrase:
    """Every claim of a figure: disputed ones against each other, agreeing ones after
    the leading claim as consistent with it."""
    if figure.disputed:
        return text("disputed: ", join((claim_phrase(c) for c in figure.claims), "; against "))
    lead = next(c for c in figure.claims if c.value == figure.value)
    others = [c for c in figure.claims if c is not lead]
    phrase = claim_phrase(lead)
    if others:
        phrase = text(
            phrase, "; consistent with it: ", join((claim_phrase(c) for c in others), "; ")
        )
    if figure.claims_omitted:
        phrase = text(phrase, f" ({figure.claims_omitted} earlier claims not shown)")
    return phrase


def figure_item(figure: Figure, names: Directory) -> Item:
    return Item(figure_phrase(figure), label=_label_text(figure, names))


def _label_text(figure: Figure, names: Directory) -> str:
    return plain(figure_label(figure, names))


def figure_summary(figure: Figure, names: Directory) -> Phrase:
    """A figure as a highlight sentence."""
    return text(figure_label(figure, names), ": ", figure_phrase(figure), ".")
