"""Convoys in words: formed where and how, status and since when (with the day count),
where last reported, vehicles and people as the sources gave them."""

from __future__ import annotations

from datetime import datetime

from ..model import FuzzyTime
from ..projections import ConvoyView, Directory, StatusView, VehicleTally, Whereabouts
from ._blocks import Block, Item, Items, Note, Paragraph, Quote
from ._dates import days_since, human_date
from ._figure_words import figure_item
from ._phrasing import (
    cited,
    cited_inline,
    cited_within,
    count_words,
    event_phrase,
    name,
    sourced,
    where_words,
)
from ._words import Phrase, capitalised, plain, plural, text

ONCE = frozenset({"arrived", "dispersed"})
"""Statuses that happen at a moment rather than hold for a while."""


def status_phrase(status: StatusView, moment: datetime | None) -> Phrase:
    """The status and since when: "stalled since 29 Aug 2017 (day 7)", "arrived on
    3 May 2022"; a status known to have begun only within a span: "turned back between
    29 Aug and 5 Sept 2017"."""
    words = status.status.replace("-", " ")
    if status.since.precision == "interval":
        return text(words, " ", between(status.since))
    if status.status in ONCE:
        return text(
            words, " on " if status.since.precision == "day" else " ", human_date(status.since)
        )
    days = days_since(status.since, moment) if moment is not None else None
    day = f" (day {days})" if days else ""
    return text(words, " since ", human_date(status.since), day)


def between(span: FuzzyTime) -> Phrase:
    """A span as "between A and B" (or as its words, when they say it already)."""
    phrase = human_date(span)
    if plain(phrase).startswith(("before ", "since ", "between ", "by ")):
        return phrase
    if len(phrase) == 3:  # A - B: a range Babel collapsed
        start, _, end = phrase
        return text("between ", start, " and ", end)
    return text("between ", phrase)


def whereabouts_phrase(where: Whereabouts, names: Directory) -> Phrase:
    return text(where_words(where.location, names), " (", human_date(where.since), ")")


def convoy_summary(convoy: ConvoyView, names: Directory, moment: datetime | None) -> Phrase:
    """Where a convoy is and since when, as one highlight sentence."""
    parts: list[Phrase] = []
    if convoy.status is not None:
        parts.append(status_phrase(convoy.status, moment))
    if convoy.whereabouts is not None:
        parts.append(text("last reported ", whereabouts_phrase(convoy.whereabouts, names)))
    else:
        parts.append(text("its position has not been reported"))
    remaining = [
        f"{count_words(t.latest.count)} {plural(t.kind, t.latest.count.value)}"
        for t in convoy.vehicles
        if t.latest is not None
    ]
    if remaining:
        parts.append(text(f"{' and '.join(remaining)} reported with it"))
    body = [part for i, p in enumerate(parts) for part in ((("; ",) if i else ()) + p)]
    return text(capitalised(text(name(convoy.convoy, the=True))), ": ", *body, ".")


def convoy_blocks(convoy: ConvoyView, names: Directory, moment: datetime | None) -> list[Block]:
    items: list[Item] = []
    formed = _formed(convoy)
    if formed:
        items.append(Item(formed, "Formed"))
    if convoy.parent is not None:
        items.append(Item(text(name(convoy.parent, the=True)), "Split from"))
    if convoy.status is not None:
        status = convoy.status
        children: list[Block] = []
        if status.cause:
            children.append(Paragraph(text("Cause: ", status.cause)))
        items.append(
            Item(
                text(status_phrase(status, moment), " \u2014 ", cited(status.sources)),
                "Status",
                tuple(children),
            )
        )
    if convoy.whereabouts is not None:
        where = convoy.whereabouts
        items.append(
            Item(
                text(whereabouts_phrase(where, names), " \u2014 ", cited(where.sources)),
                "Last reported",
            )
        )
    else:
        items.append(Item(text("not reported"), "Position"))
    heading = " ".join(
        p
        for p in (convoy.heading or "", f"toward {name(convoy.toward)}" if convoy.toward else "")
        if p
    )
    if heading:
        items.append(Item(text(heading), "Heading"))
    if convoy.vehicles:
        items.append(
            Item(
                text(),
                "Vehicles",
                (Items(tuple(_vehicle_item(t, names) for t in convoy.vehicles)),),
            )
        )
    if convoy.people:
        note: list[Block] = []
        if convoy.split_since is not None:
            note.append(
                Paragraph(
                    text(
                        "Vehicles split off from ",
                        human_date(convoy.split_since),
                        ": figures from before then counted the whole convoy; how many remain "
                        "with it is what later reports say, and none is assumed.",
                    ),
                    note=True,
                )
            )
        items.append(
            Item(
                text(),
                "People",
                (Items(tuple(figure_item(f, names) for f in convoy.people)), *note),
            )
        )
    if convoy.route:
        route = tuple(
            Item(
                text(
                    human_date(p.occurred),
                    ": ",
                    (
                        "set off from " + names_of_places(p)
                        if p.origin
                        else where_words(p.location, names)
                    ),
                    f" ({p.status.replace('-', ' ')})" if p.status and not p.origin else None,
                )
            )
            for p in convoy.route
        )
        omitted = (
            (Paragraph(text(f"{convoy.route_omitted} earlier points not shown."), note=True),)
            if convoy.route_omitted
            else ()
        )
        items.append(Item(text(), "Route reported", (Items(route), *omitted)))
    for label, events, omitted_count in (
        ("Strikes", convoy.strikes, convoy.strikes_omitted),
        ("Aid", convoy.aid, convoy.aid_omitted),
    ):
        if not events:
            continue
        listed = tuple(
            Item(
                text(
                    human_date(e.occurred),
                    ": ",
                    event_phrase(e, names),
                    " \u2014 ",
                    cited(e.sources),
                ),
                children=tuple(
                    [Quote(s.quote, text(s.name)) for s in e.sources if s.quote]
                    + ([Note(e.notes)] if e.notes else [])
                ),
            )
            for e in events
        )
        more = (
            (Paragraph(text(f"{omitted_count} earlier not shown."), note=True),)
            if omitted_count
            else ()
        )
        items.append(Item(text(), label, (Items(listed), *more)))
    if convoy.children:
        items.append(
            Item(text(", ".join(name(c, the=True) for c in convoy.children)), "Split into")
        )
    if convoy.sources:
        items.append(Item(text(", ".join(convoy.sources)), "Sources"))
    return [Items(tuple(items))]


def names_of_places(point: object) -> str:
    places = getattr(point, "places", ())
    return " and ".join(name(p) for p in places)


def _formed(convoy: ConvoyView) -> Phrase:
    parts: list[Phrase] = []
    if convoy.formed is not None:
        parts.append(human_date(convoy.formed))
    if convoy.origins:
        parts.append(text("at ", " and ".join(name(o) for o in convoy.origins)))
    if convoy.group is not None:
        parts.append(text("evacuating ", name(convoy.group, the=True)))
    if convoy.agreement is not None:
        parts.append(text("under ", name(convoy.agreement, the=True)))
    if convoy.destination is not None:
        parts.append(text("bound for ", name(convoy.destination)))
    return text(*[part for i, p in enumerate(parts) for part in (((", ",) if i else ()) + p)])


def _vehicle_item(tally: VehicleTally, names: Directory) -> Item:
    kind = tally.kind
    parts: list[Phrase] = []
    start = tally.at_formation
    if start is not None:
        parts.append(
            text(f"{count_words(start.count)} at formation ({cited_inline(start.sources)})")
        )
    for part in tally.detached:
        toward = f" toward {name(part.toward)}" if part.toward else ""
        status = part.status.replace("-", " ") if part.status else "split off"
        parts.append(
            text(
                f"{count_words(part.count)} {status}{toward}, ",
                human_date(part.occurred),
                f" (as {name(part.convoy, the=True)}; {cited_within(part.sources)})",
            )
        )
    latest = tally.latest
    if latest is not None:
        parts.append(
            text(
                f"{count_words(latest.count)} with the convoy on ",
                human_date(latest.occurred),
                sourced(latest.sources),
            )
        )
    elif tally.detached:
        parts.append(text("how many remain is not reported"))
    elif start is not None:
        parts.append(text("not reported since"))
    body = [part for i, p in enumerate(parts) for part in ((("; ",) if i else ()) + p)]
    return Item(text(*body), plural(kind, 2).capitalize())


__all__ = ["convoy_blocks", "convoy_summary", "plain", "status_phrase", "whereabouts_phrase"]
