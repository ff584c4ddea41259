"""The words for the report's data: names, counts, sources, events and changes.

Markdown and HTML both phrase through here, so they say the same thing about the
same fact. Nothing here reads the log: every name comes from the report's
directory, every date from the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..model import (
    CREDIBILITY,
    RELIABILITY,
    ActorDefined,
    Agreement,
    AidDelivery,
    Control,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    FigureReported,
    Location,
    Operation,
    PlaceDefined,
    Retraction,
    Source,
    Statement,
    Strike,
    SubjectDefined,
)
from ..projections import Directory, Figure, Ref
from ._dates import human_date
from ._words import Phrase, humanised, join, plural, text

STANCE_WORDS = {
    "supports": "supports",
    "welcomes": "welcomes",
    "proposes": "makes a proposal over",
    "demands": "makes demands on",
    "claims": "makes claims on",
    "claims-responsibility": "claims responsibility for",
    "declares": "makes a declaration on",
    "concerned": "is concerned about",
    "warns": "warns over",
    "threatens": "threatens",
    "blames": "lays blame over",
    "condemns": "condemns",
    "opposes": "opposes",
    "denies": "denies",
    "denies-involvement": "denies involvement in",
    "neutral": "is neutral on",
}
"""Each stance as a verb phrase before the subject ("condemns the deal")."""

STANCE_NAMES = {key: key.replace("-", " ") for key in STANCE_WORDS}

MEASURE_WORDS = {
    "people": "people",
    "fighters": "fighters",
    "civilians": "civilians",
    "wounded": "wounded",
    "killed": "killed",
    "injured": "injured",
    "missing": "missing",
    "detained": "detained",
    "released": "released",
    "displaced": "displaced",
    "returned": "returned",
    "evacuated": "evacuated",
    "in-need": "people in need",
    "reached": "people reached",
    "funding-requested": "funding requested",
    "funding-received": "funding received",
}

RELATION_WORDS = {
    "at": "at",
    "in": "in",
    "near": "near",
    "around": "around",
    "outside": "outside",
    "between": "between",
}


_COMMON_NOUNS = frozenset({"convoy", "agreement", "incident", "crisis", "evacuation", "subject"})
"""Kinds of subject whose names are common nouns: "the Qalamoun convoy"."""


def name(ref: Ref | None, *, the: bool = False) -> str:
    """What readers call a referenced thing: its name, or its key's words; with
    ``the``, a convoy's or a deal's name takes the article a sentence needs."""
    if ref is None:
        return ""
    words = ref.name or humanised(ref.key)
    if the and ref.kind in _COMMON_NOUNS and not words.lower().startswith(("the ", "a ", "an ")):
        return f"the {words}"
    return words


def called(names: Directory, key: str | None, kind: str = "any") -> str:
    """The display name of a key or alias, through the report's directory, with the
    article a sentence needs ("the Qalamoun convoy")."""
    return "" if key is None else name(names.ref(key, kind), the=True)


def names_of(names: Directory, keys: Iterable[str], kind: str = "any") -> str:
    return listed(called(names, key, kind) for key in keys)


def listed(words: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def count_words(value: Count) -> str:
    """A count with its qualifier as the source said it: its own words where it gave
    them ("hundreds", "around 308"), else the qualifier in words."""
    return _with_parts(_amount(value), value)


def counted(value: Count, noun: str) -> str:
    """A count of ``noun``: "around 308 fighters", "hundreds of fighters"; before a
    participle, no "of": "hundreds killed", "at least 40 killed, including 11 children"."""
    amount = _amount(value)
    vague = amount.rpartition(" ")[2].casefold() in _QUANTITY_WORDS
    first = noun.partition(" ")[0].casefold()
    participle = first.endswith("ed") or first in ("missing", "dead")
    return _with_parts(f"{amount}{' of ' if vague and not participle else ' '}{noun}", value)


_QUANTITY_WORDS = frozenset({"dozens", "scores", "hundreds", "thousands", "millions"})
"""Words that stand for a number and take "of" before a noun."""


def _amount(value: Count) -> str:
    if value.text:
        return value.text
    if value.qualifier == "exact":
        return f"{value.value:,}"
    if value.qualifier == "approx":
        return f"around {value.value:,}"
    if value.qualifier == "at-least":
        return f"at least {value.value:,}"
    if value.qualifier == "at-most":
        return f"at most {value.value:,}"
    if value.qualifier == "range":
        return f"{value.low:,}\u2013{value.high:,}"
    return "an unknown number"


def _with_parts(words: str, value: Count) -> str:
    if not value.including:
        return words
    parts = ", ".join(counted(c, k) for k, c in value.including.items())
    return f"{words}, including {parts}"


def measure_words(measure: str, value: Count | None = None, unit: str | None = None) -> str:
    if measure.startswith("vehicles."):
        kind = measure.partition(".")[2]
        return plural(kind, value.value if value is not None else None)
    words = MEASURE_WORDS.get(measure, humanised(measure))
    return f"{words} ({unit})" if unit else words


def grading(source: Source) -> str:
    return source.grading


def grading_meaning(code: str) -> str:
    """``B2`` as words: usually reliable, probably true."""
    reliability = RELIABILITY.get(code[:1], "")
    try:
        credibility = CREDIBILITY.get(int(code[1:]), "")
    except ValueError:
        credibility = ""
    return ", ".join(p for p in (reliability, credibility) if p)


def cited(sources: Sequence[Source]) -> str:
    """Who said so, each with their own grading: "Hezbollah officials (C3), Ruptly (C2)"
    ("Coalition statement (5 Sep 2017), B1" where the name ends in brackets)."""
    return (
        "; ".join(
            f"{s.name}, {s.grading}" if s.name.endswith(")") else f"{s.name} ({s.grading})"
            for s in sources
        )
        or "no source given"
    )


def where_words(location: Location | None, names: Directory) -> str:
    """A location after a verb: "in the Syrian Desert east of As Sukhnah", "near Abu Kamal"."""
    words = location_words(location, names)
    if words.startswith("the "):
        return f"in {words}"
    if words.startswith(("a ", "an ")):
        return f"at {words}"
    return words


def sourced(sources: Sequence[Source]) -> str:
    """Who said so, in brackets after what they said: " (Ruptly (RT), C2; AP, B2)"."""
    return f" ({cited_within(sources)})"


def cited_within(sources: Sequence[Source]) -> str:
    """Who said so, where brackets already enclose it: "Ruptly (RT), C2; AP, B2"."""
    return "; ".join(f"{s.name}, {s.grading}" for s in sources) or "no source given"


def cited_inline(sources: Sequence[Source]) -> str:
    """Who said so, inside brackets: "reports, F3" or "AP, B2 and Reuters, B2"."""
    return " and ".join(f"{s.name}, {s.grading}" for s in sources) or "no source given"


def location_words(location: Location | None, names: Directory) -> str:
    """Where, as the source put it; or its relation to the places it names."""
    if location is None:
        return ""
    if location.text:
        return location.text
    places = [called(names, p, "place") for p in location.places]
    relation = location.relation
    if relation == "between" and len(places) >= 2:
        return f"between {' and '.join(places)}"
    if relation is None:
        return " / ".join(places)
    word = RELATION_WORDS.get(relation) or relation.replace("-", " ")
    return f"{word} {' and '.join(places)}"


def subject_words(figure: Figure, names: Directory) -> Phrase:
    """What a figure is about, for readers: a name, or the event that defines it."""
    if figure.subject.name:
        return text(name(figure.subject, the=True))
    if figure.about is not None:
        return text(
            "the ", event_label(figure.about, names), " (", human_date(figure.about.occurred), ")"
        )
    return text(name(figure.subject, the=True))


def event_label(event: Event, names: Directory) -> str:
    """A short noun phrase for an event, to name what a figure is about."""
    if isinstance(event, Strike):
        what = ", ".join(event.targets)
        means = event.means or "strike"
        return f"{means} on {what}" if what else means
    if isinstance(event, Evacuation):
        return f"evacuation from {names_of(names, event.origins, 'place')}"
    return humanised(event.TYPE)


def _people(event: Evacuation | ConvoyMove) -> str:
    parts = [
        counted(c, MEASURE_WORDS[m])
        for m in ("people", "fighters", "civilians", "wounded")
        if (c := getattr(event, m)) is not None
    ]
    return ", ".join(parts)


def _vehicles(counts: dict[str, Count]) -> str:
    return " and ".join(counted(c, plural(k, c.value)) for k, c in counts.items())


def event_phrase(event: Event, names: Directory) -> Phrase:
    """One sentence saying what happened (without its date or sources)."""
    phrase: Any = _PHRASES.get(type(event))
    if phrase is not None:
        found: Phrase = phrase(event, names)
        return found
    if type(event).describe is not Event.describe or type(event).headline is not Event.headline:
        return text(event.describe(lambda key: called(names, key)))
    return text(humanised(event.TYPE).capitalize())


def _evacuation(event: Evacuation, names: Directory) -> Phrase:
    who = called(names, event.group, "actor")
    to = f" to {called(names, event.destination, 'place')}" if event.destination else ""
    people = _people(event)
    vehicles = _vehicles(event.vehicles)
    detail = "; ".join(p for p in (people, f"in {vehicles}" if vehicles else "") if p)
    deal = f", under {called(names, event.agreement, 'subject')}" if event.agreement else ""
    return text(
        f"{who} evacuated from {names_of(names, event.origins, 'place')}{to}{deal}",
        f" ({detail})" if detail else None,
    )


def _convoy_move(event: ConvoyMove, names: Directory) -> Phrase:
    convoy = called(names, event.convoy, "subject")
    where = location_words(event.location, names)
    heading = f"heading {event.heading}" if event.heading else ""
    toward = f"toward {called(names, event.toward, 'place')}" if event.toward else ""
    status = event.status.replace("-", " ") if event.status else ""
    if event.new_convoy:
        moving = " ".join(p for p in (status or "split off", toward) if p)
        place = f" ({where})" if where else ""
        return text(f"{_vehicles(event.vehicles)} of {convoy} {moving}{place}")
    whereabouts = where_words(event.location, names)
    what = ", ".join(p for p in (status, whereabouts, heading, toward) if p)
    people = _people(event)
    vehicles = _vehicles(event.vehicles)
    extra = "; ".join(p for p in (vehicles, people) if p)
    cause = f", because {event.cause}" if event.cause else ""
    return text(f"{convoy}: {what or 'reported'}{cause}", f" ({extra})" if extra else None)


def _strike(event: Strike, names: Directory) -> Phrase:
    who = called(names, event.actor, "actor") if event.actor else "An unknown attacker"
    what = names_of(names, event.targets, "actor") or "targets"
    where = location_words(event.location, names)
    means = f" with {event.means}" if event.means else ""
    effect = f": {event.effect}" if event.effect else ""
    hit = ""
    if event.convoy and event.convoy_hit is not None:
        was = "was" if event.convoy_hit else "was not"
        hit = f"; {called(names, event.convoy, 'subject')} {was} hit"
    casualties = "; ".join(
        counted(c, m) for m in ("killed", "wounded") if (c := getattr(event, m)) is not None
    )
    claim = ""
    if event.claimed_by:
        claim = f"; claimed by {names_of(names, event.claimed_by, 'actor')}"
    elif event.unclaimed:
        claim = "; no group claimed it"
    return text(
        f"{who} struck {what}",
        f" ({where})" if where else None,
        f"{means}{effect}{hit}",
        f"; {casualties}" if casualties else None,
        claim,
    )


def stances_words(stances: Sequence[str]) -> str:
    return " and ".join(STANCE_WORDS.get(s, s) for s in stances)


def _statement(event: Statement, names: Directory) -> Phrase:
    return text(
        statement_words(
            called(names, event.speaker, "actor"),
            [called(names, a, "actor") for a in event.actors],
            event.stances,
            called(names, event.subject, "subject"),
            [called(names, t, "actor") for t in event.target],
            called(names, event.audience, "actor") if event.audience else None,
            called(names, event.via, "actor") if event.via else None,
        )
    )


def statement_words(
    speaker: str,
    actors: Sequence[str],
    stances: Sequence[str],
    subject: str,
    target: Sequence[str] = (),
    audience: str | None = None,
    via: str | None = None,
) -> str:
    """ "Brett McGurk (for the United States) condemns the Qalamoun evacuation deal",
    with whom it blames or is aimed at, who it is addressed to and who passed it on."""
    others = [a for a in actors if a != speaker]
    for_ = ""
    if others:
        also = "also " if speaker in actors else ""
        for_ = f" ({also}for {' and '.join(others)})"
    targets = " and ".join(target)
    if targets and "blames" in stances:
        rest = [s for s in stances if s != "blames"]
        said = f"blames {targets} over {subject}"
        if rest:
            said = f"{stances_words(rest)} {subject} and blames {targets}"
    else:
        said = f"{stances_words(stances)} {subject}" + (f", aimed at {targets}" if targets else "")
    to = f", addressed to {audience}" if audience else ""
    through = f", passed on through {via}" if via else ""
    return f"{speaker}{for_} {said}{to}{through}"


def _agreement(event: Agreement, names: Directory) -> Phrase:
    kind = event.kind.capitalize() if event.kind != "other" else "Agreement"
    between = f" between {names_of(names, event.parties, 'actor')}" if event.parties else ""
    mediated = (
        f", mediated by {names_of(names, event.mediators, 'actor')}" if event.mediators else ""
    )
    guaranteed = (
        f", guaranteed by {names_of(names, event.guarantors, 'actor')}" if event.guarantors else ""
    )
    area = f" over {called(names, event.area, 'place')}" if event.area else ""
    return text(f"{kind}{between}{area}{mediated}{guaranteed}")


def _aid(event: AidDelivery, names: Directory) -> Phrase:
    to = called(names, event.convoy, "subject") if event.convoy else event.recipient or "recipients"
    recipient = f" ({event.recipient})" if event.convoy and event.recipient else ""
    by = f" by {called(names, event.provider, 'actor')}" if event.provider else ""
    return text(f"{' and '.join(event.items).capitalize()} delivered to {to}{recipient}{by}")


def _operation(event: Operation, names: Directory) -> Phrase:
    against = f" against {names_of(names, event.against, 'actor')}" if event.against else ""
    area = f" in {called(names, event.area, 'place')}" if event.area else ""
    return text(f"{names_of(names, event.actors, 'actor')}: {event.kind}{against}{area}")


_CONTROL = {
    "controls": "holds",
    "gained": "took",
    "lost": "lost",
    "contested": "contests",
    "cleared": "cleared",
}


def _control(event: Control, names: Directory) -> Phrase:
    via = f" (through {names_of(names, event.via, 'actor')})" if event.via else ""
    verb = _CONTROL.get(event.status, event.status)
    return text(
        f"{called(names, event.actor, 'actor')} {verb} {called(names, event.area, 'place')}{via}"
    )


def _figure(event: FigureReported, names: Directory) -> Phrase:
    subject = called(names, event.subject, "subject")
    measure = measure_words(event.measure, event.count, event.unit)
    return text(f"{counted(event.count, measure)} ({subject})")


def _reference(event: Event, names: Directory) -> Phrase:
    assert isinstance(event, ActorDefined | PlaceDefined | SubjectDefined)
    return text(f"{event.name} ({humanised(event.TYPE)})")


def _retraction(event: Event, names: Directory) -> Phrase:
    assert isinstance(event, Retraction)
    return text("An earlier report was withdrawn", f": {event.reason}" if event.reason else None)


_PHRASES = {
    Evacuation: _evacuation,
    ConvoyMove: _convoy_move,
    Strike: _strike,
    Statement: _statement,
    Agreement: _agreement,
    AidDelivery: _aid,
    Operation: _operation,
    Control: _control,
    FigureReported: _figure,
    ActorDefined: _reference,
    PlaceDefined: _reference,
    SubjectDefined: _reference,
    Retraction: _retraction,
}


def quoted(event: Event) -> str:
    """A statement's own words after its sentence: ': "..."' (nothing for other events)."""
    if isinstance(event, Statement) and event.quote:
        return f": \u201c{event.quote}\u201d"
    return ""


def dated_event(event: Event, names: Directory) -> Phrase:
    """ "28 Aug 2017: Qalamoun convoy: moving ..." with who said so."""
    return text(human_date(event.occurred), ": ", event_phrase(event, names))


def sources_phrase(sources: Sequence[Source]) -> Phrase:
    return text(cited(sources)) if sources else ()


def claims_phrase(values: Iterable[Phrase]) -> Phrase:
    return join(values, "; ")
