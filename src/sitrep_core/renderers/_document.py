"""The report laid out as a document: which sections, in which order, in which words.

Markdown and HTML both print this tree (see :mod:`._blocks`), so the same fact
reads the same in both. The words come from :mod:`._phrasing` and :mod:`._dates`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from ..model import Count, FuzzyTime, Source, Statement
from ..projections import (
    Directory,
    SourceView,
    StanceEntry,
    StanceView,
    TimelineEntry,
)
from ..report import Report, Update
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
from ._changes import change_phrase
from ._convoy_words import convoy_blocks, convoy_summary
from ._dates import human_date, human_moment
from ._figure_words import figure_item, figure_label, figure_summary
from ._phrasing import (
    STANCE_NAMES,
    called,
    cited,
    count_words,
    event_phrase,
    grading_meaning,
    name,
    sourced,
    statement_words,
)
from ._words import Phrase, capitalised, plain, text

LONG_NOTE = 280
"""Notes and quotes longer than this go into a block a reader opens (HTML)."""


def document(report: Report) -> Document:
    """The whole report as a tree of sections."""
    names = report.names
    sections = [
        _highlights(report, names),
        _figures(report, names),
        _convoys(report, names),
        _stances(report, names),
        _updates(report, names),
        *_plugin_sections(report),
        _timeline(report, names),
        _sources(report),
        _reference(report),
    ]
    return Document(
        report.title or "Situation report",
        _meta(report),
        tuple(s for s in sections if s is not None),
        _footer(report),
    )


def _when(value: FuzzyTime | None, otherwise: str) -> Phrase:
    return human_date(value) if value is not None else text(otherwise)


def _meta(report: Report) -> tuple[Item, ...]:
    items = [
        Item(_when(report.as_of, "the latest events in the log"), "As of"),
        Item(
            text(human_date(report.known_at), " (only what had been recorded by then)")
            if report.known_at
            else text("everything recorded"),
            "Known at",
        ),
    ]
    if report.since is not None:
        items.append(Item(human_date(report.since), "Changes since"))
    if report.period is not None:
        first, last = report.period
        items.append(Item(text(_start(first), " to ", _end(last)), "Period covered"))
    return tuple(items)


def _start(value: FuzzyTime) -> Phrase:
    left, sep, right = value.text.partition("/")
    if not sep:
        return human_date(value)
    return human_date(FuzzyTime.parse(right if left == ".." else left))


def _end(value: FuzzyTime) -> Phrase:
    left, sep, right = value.text.partition("/")
    if not sep:
        return human_date(value)
    return human_date(FuzzyTime.parse(left if right == ".." else right))


def _footer(report: Report) -> Phrase:
    log = report.log
    return text(
        f"Built from the log {log.name} up to record {log.position:,} "
        f"(hash {log.head_hash[:16]}\u2026): every statement above can be traced to the "
        "events of that log up to that record."
    )


def _section(id: str, title: str, blocks: Iterable[Block | Section], **extra: object) -> Section:
    return Section(id, text(title), tuple(blocks), **extra)  # type: ignore[arg-type]


def _highlights(report: Report, names: Directory) -> Section | None:
    lines: list[Item] = []
    latest = report.highlights.latest_update
    if latest is not None and latest.changes:
        shown = [change_phrase(c, names) for c in latest.changes[:3]]
        more = len(latest.changes) - len(shown)
        lines.append(
            Item(
                text(
                    "Latest update, ",
                    human_moment(latest.at),
                    ": ",
                    *[part for i, p in enumerate(shown) for part in ((("; ",) if i else ()) + p)],
                    f" (and {more} more)" if more > 0 else None,
                    ".",
                )
            )
        )
    for convoy in report.convoys:
        if convoy.parent is None:
            lines.append(Item(convoy_summary(convoy, names, report.moment)))
    for figure in report.highlights.figures:
        lines.append(Item(figure_summary(figure, names)))
    stance = report.highlights.stance
    if stance is not None:
        lines.append(Item(_stance_sentence(stance.latest, names, "Latest statement: ")))
    if not lines:
        return None
    return _section("highlights", "Highlights", [Items(tuple(lines))])


def _stance_sentence(entry: StanceEntry, names: Directory, lead: str = "") -> Phrase:
    said = f": \u201c{_short(entry.quote)}\u201d" if entry.quote else ""
    by = sourced(entry.sources) if entry.sources else ""
    return text(
        lead,
        human_date(entry.occurred),
        ", ",
        _statement_words(entry),
        said,
        by,
    )


def _short(words: str, limit: int = 200) -> str:
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "\u2026"


def _statement_words(entry: StanceEntry) -> str:
    return statement_words(
        name(entry.speaker),
        [name(a) for a in entry.actors],
        entry.stances,
        name(entry.subject, the=True),
        [name(t, the=True) for t in entry.target],
        name(entry.audience, the=True) if entry.audience else None,
        name(entry.via, the=True) if entry.via else None,
    )


def _figures(report: Report, names: Directory) -> Section | None:
    if not report.figures:
        return None
    blocks: list[Block] = [Items(tuple(figure_item(f, names) for f in report.figures))]
    if report.figures_omitted:
        blocks.append(
            Paragraph(
                text(
                    f"{report.figures_omitted:,} more figures are not shown here: of the "
                    "attacks, only those in the timeline below have their figures listed."
                ),
                note=True,
            )
        )
    return _section("figures", "Key figures", blocks)


def _convoys(report: Report, names: Directory) -> Section | None:
    if not report.convoys:
        return None
    parts = [
        Section(
            f"convoy-{index}",
            capitalised(text(name(convoy.convoy))),
            tuple(convoy_blocks(convoy, names, report.moment)),
            level=3,
            picture="route",
            key=convoy.key,
        )
        for index, convoy in enumerate(report.convoys, start=1)
    ]
    return _section("convoys", "Convoys", parts)


def _notes_and_quotes(
    notes: str | None, sources: Sequence[Source], quote_by: bool = True
) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for source in sources:
        if source.quote:
            blocks.append(Quote(source.quote, text(source.name) if quote_by else ()))
    if notes:
        blocks.append(Note(notes))
    if sum(len(getattr(b, "words", "")) for b in blocks) > LONG_NOTE:
        return (Details(text("Notes and sources' words"), tuple(blocks)),)
    return tuple(blocks)


def _stances(report: Report, names: Directory) -> Section | None:
    if not report.stances:
        return None
    parts = []
    for index, stance in enumerate(report.stances, start=1):
        parts.append(
            Section(
                f"stance-{index}",
                capitalised(text(f"{name(stance.actor)} on {name(stance.subject, the=True)}")),
                tuple(_stance_blocks(stance)),
                level=3,
            )
        )
    return _section("stances", "Actor stances", parts)


def _stance_blocks(stance: StanceView) -> list[Block]:
    now = " and ".join(STANCE_NAMES.get(s, s) for s in stance.stances)
    items = [Item(text(now, " (since ", human_date(stance.since), ")"), "Now")]
    history = []
    for entry in reversed(stance.history):
        children: list[Block] = []
        if entry.quote:
            children.append(Quote(entry.quote, text(name(entry.speaker))))
        if entry.notes:
            children.append(Note(entry.notes))
        history.append(
            Item(
                text(human_date(entry.occurred), ": ", _statement_words(entry)),
                children=tuple(children)
                + (
                    (Paragraph(text("According to ", cited(entry.sources))),)
                    if entry.sources
                    else ()
                ),
            )
        )
    blocks: list[Block] = [Items(tuple(items)), Items(tuple(history))]
    if stance.history_omitted:
        blocks.append(
            Paragraph(
                text(
                    f"{stance.history_omitted} earlier statements on this, made before ",
                    human_date(stance.history[0].occurred),
                    ", are in the log (its timeline and `sitrep log`); this report shows the "
                    f"latest {len(stance.history)}.",
                ),
                note=True,
            )
        )
    return blocks


def _updates(report: Report, names: Directory) -> Section | None:
    if not report.updates:
        return None
    parts = []
    for index, update in enumerate(report.updates, start=1):
        parts.append(
            Section(
                f"update-{index}",
                _update_title(update, report),
                tuple(_update_blocks(update, names)),
                level=3,
            )
        )
    return _section("updates", "Updates", parts)


def _update_title(update: Update, report: Report) -> Phrase:
    if report.since is not None:
        return text("Changes since ", human_date(report.since))
    revised = " (some of it later corrected)" if update.later_revised else ""
    return text("UPDATE ", human_moment(update.at), revised)


def _update_blocks(update: Update, names: Directory) -> list[Block]:
    if not update.changes:
        return [Paragraph(text("Nothing in the report changed."), note=True)]
    items = tuple(
        Item(
            capitalised(change_phrase(change, names)),
            marker="later corrected" if change.later_revised else None,
        )
        for change in update.changes
    )
    blocks: list[Block] = [Items(items)]
    if update.omitted:
        blocks.append(
            Paragraph(text(f"{update.omitted:,} more changes are not listed."), note=True)
        )
    return blocks


def _timeline(report: Report, names: Directory) -> Section | None:
    if not report.timeline:
        return None
    items = tuple(_timeline_item(entry, names) for entry in report.timeline)
    blocks: list[Block] = []
    if report.timeline_total > len(report.timeline):
        blocks.append(
            Paragraph(
                text(f"The latest {len(report.timeline):,} of {report.timeline_total:,} events."),
                note=True,
            )
        )
    blocks.append(Items(items))
    return _section("timeline", "Timeline", blocks, picture="timeline")


def _timeline_item(entry: TimelineEntry, names: Directory) -> Item:
    event = entry.event
    children: list[Block] = []
    if entry.replaces is not None:
        children.append(
            Paragraph(
                text(
                    "Corrects an earlier report: ",
                    human_date(entry.replaces.occurred),
                    ": ",
                    event_phrase(entry.replaces, names),
                )
            )
        )
    if isinstance(event, Statement) and event.quote:
        children.append(Quote(event.quote, text(called(names, event.speaker, "actor"))))
    children.extend(_notes_and_quotes(event.notes, event.sources))
    by = text(" \u2014 ", cited(event.sources)) if event.sources else ()
    return Item(
        text(human_date(event.occurred), ": ", event_phrase(event, names), by),
        children=tuple(children),
        marker="later corrected" if entry.later_revised else None,
    )


def _sources(report: Report) -> Section | None:
    if not report.sources:
        return None
    items = tuple(_source_item(s) for s in report.sources)
    return _section("sources", "Sources", [Items(items)])


def _source_item(source: SourceView) -> Item:
    gradings = "; ".join(f"{g} ({grading_meaning(g)})" for g in source.gradings)
    cited_in = f"cited for {source.events:,} event{'s' if source.events != 1 else ''}"
    return Item(
        text(f"{gradings}; {cited_in}"), source.name, tuple(Link(url) for url in source.urls)
    )


def _reference(report: Report) -> Section | None:
    items = [
        Item(
            text(
                ", ".join(
                    p
                    for p in (
                        place.kind,
                        place.admin1,
                        place.country,
                        f"{place.lat:.3f}, {place.lon:.3f}" if place.lat is not None else None,
                        f"within {place.precision_km:g} km" if place.precision_km else None,
                        f"also {', '.join(place.aliases)}" if place.aliases else None,
                    )
                    if p
                )
            ),
            place.name,
        )
        for place in report.places
    ]
    actors = [
        Item(
            text(
                ", ".join(
                    p
                    for p in (
                        actor.kind,
                        actor.role,
                        f"also {', '.join(actor.aliases)}" if actor.aliases else None,
                    )
                    if p
                )
            ),
            actor.name,
        )
        for actor in report.actors
    ]
    blocks: list[Block | Section] = []
    if items:
        blocks.append(Section("places", text("Places"), (Items(tuple(items)),), level=3))
    if actors:
        blocks.append(Section("actors", text("Actors"), (Items(tuple(actors)),), level=3))
    if not blocks:
        return None
    return _section("reference", "Places and actors", blocks)


def _plugin_sections(report: Report) -> list[Section]:
    found = []
    for section in report.sections:
        if section.markdown is not None or section.html is not None:
            blocks: tuple[Block, ...] = (Raw(section.markdown, section.html),)
        else:
            blocks = tuple(_generic(section.view))
        found.append(Section(f"section-{section.name}", text(section.title), blocks))
    return found


def _generic(view: object) -> list[Block]:
    """A view no plugin lays out: its items, each as the text of its fields."""
    items = list(view) if isinstance(view, list | tuple) else [view]
    if not items:
        return [Paragraph(text("Nothing reported."), note=True)]
    return [Items(tuple(Item(text(_plain_value(item))) for item in items))]


def _plain_value(value: object) -> str:
    if isinstance(value, Count):  # in words, as everywhere else in the report
        return count_words(value)
    if attrs.has(type(value)):
        return "; ".join(
            f"{field.name.replace('_', ' ')}: {_plain_value(getattr(value, field.name))}"
            for field in attrs.fields(type(value))  # type: ignore[arg-type]
            if getattr(value, field.name) not in (None, (), "", {})
        )
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(v) for v in value)
    return str(value)


__all__ = ["document", "figure_label", "plain"]
