"""Changes in words, as an UPDATE block says them: "was X, now Y"."""

from __future__ import annotations

from ..model import Event
from ..projections import (
    Change,
    ConvoyView,
    Detachment,
    Directory,
    Figure,
    SourceView,
    StanceView,
    StatusView,
    VehicleTally,
    Whereabouts,
)
from ._convoy_words import status_phrase, whereabouts_phrase
from ._dates import human_date
from ._figure_words import figure_label, figure_phrase
from ._phrasing import STANCE_NAMES, count_words, event_phrase, name, quoted, sourced
from ._words import Phrase, plural, text


def change_phrase(change: Change, names: Directory) -> Phrase:
    """One sentence for a change (the renderer adds the "later corrected" flag)."""
    phrase = _CHANGES.get((change.projection, change.kind))
    if phrase is not None:
        return phrase(change, names)
    if isinstance(change.after, Event):
        return text(human_date(change.after.occurred), ": ", event_phrase(change.after, names))
    subject = name(change.subject) if change.subject is not None else change.key
    return text(f"{subject}: {change.kind.replace('-', ' ')}")


def _convoy(change: Change) -> str:
    return name(change.subject, the=True)


def _added_convoy(change: Change, names: Directory) -> Phrase:
    convoy = change.after
    assert isinstance(convoy, ConvoyView)
    origins = " and ".join(name(o) for o in convoy.origins)
    whence = f" at {origins}" if origins else ""
    whither = f", bound for {name(convoy.destination)}" if convoy.destination else ""
    when = text(" (", human_date(convoy.formed), ")") if convoy.formed else ()
    return text(_convoy(change), f" formed{whence}", when, whither)


def _status(change: Change, names: Directory) -> Phrase:
    after, before = change.after, change.before
    assert isinstance(after, StatusView)
    was = text("; was ", before.status.replace("-", " ")) if isinstance(before, StatusView) else ()
    return text(_convoy(change), ": ", status_phrase(after, None), was, sourced(after.sources))


def _location(change: Change, names: Directory) -> Phrase:
    after, before = change.after, change.before
    assert isinstance(after, Whereabouts)
    was = (
        text("; was ", whereabouts_phrase(before, names)) if isinstance(before, Whereabouts) else ()
    )
    return text(
        _convoy(change),
        ": reported ",
        whereabouts_phrase(after, names),
        was,
        sourced(after.sources),
    )


def _split(change: Change, names: Directory) -> Phrase:
    part = change.after
    if not isinstance(part, Detachment):
        return text(_convoy(change), " split")
    toward = f" toward {name(part.toward)}" if part.toward else ""
    status = part.status.replace("-", " ") if part.status else "split off"
    return text(
        f"{count_words(part.count)} of the vehicles of ",
        _convoy(change),
        f" {status}{toward}, ",
        human_date(part.occurred),
        sourced(part.sources),
    )


def _vehicles(change: Change, names: Directory) -> Phrase:
    tally = change.after
    assert isinstance(tally, VehicleTally) and tally.latest is not None
    latest = tally.latest
    before = change.before
    was = f"; was {count_words(before.count)}" if before is not None else ""
    return text(
        _convoy(change),
        f": {count_words(latest.count)} {plural(tally.kind, latest.count.value)} on ",
        human_date(latest.occurred),
        was,
        sourced(latest.sources),
    )


def _event_of(change: Change, names: Directory) -> Phrase:
    event = change.after
    assert isinstance(event, Event)
    return text(
        human_date(event.occurred),
        ": ",
        event_phrase(event, names),
        quoted(event),
        sourced(event.sources),
    )


def _figure(change: Change, names: Directory) -> Phrase:
    figure = change.after
    assert isinstance(figure, Figure)
    before = change.before
    was: Phrase = ()
    if (
        isinstance(before, Figure)
        and before.value != figure.value
        and not any(c.replaces is not None for c in figure.claims)
    ):
        was = text("; was ", count_words(before.value))
    return text(figure_label(figure, names), ": ", figure_phrase(figure), was)


def _disputed(change: Change, names: Directory) -> Phrase:
    figure = change.after
    assert isinstance(figure, Figure)
    return text(
        figure_label(figure, names), " is now disputed: the sources' figures cannot all be true"
    )


def _stance(change: Change, names: Directory) -> Phrase:
    view = change.after
    assert isinstance(view, StanceView)
    latest = view.latest
    now = " and ".join(STANCE_NAMES.get(s, s) for s in view.stances)
    was = ""
    if isinstance(change.before, StanceView):
        before = " and ".join(STANCE_NAMES.get(s, s) for s in change.before.stances)
        was = f" (before: {before})"
    said = f": \u201c{latest.quote}\u201d" if latest.quote else ""
    return text(
        f"{name(view.actor)} on {name(view.subject, the=True)}: {now}{was}",
        " (",
        name(latest.speaker),
        ", ",
        human_date(latest.occurred),
        ")",
        said,
    )


def _corrected(change: Change, names: Directory) -> Phrase:
    new, old = change.after, change.before
    assert isinstance(new, Event) and isinstance(old, Event)
    return text(
        "Corrected: was ",
        human_date(old.occurred),
        ", ",
        event_phrase(old, names),
        sourced(old.sources),
        "; now ",
        human_date(new.occurred),
        ", ",
        event_phrase(new, names),
        sourced(new.sources),
    )


def _retracted(change: Change, names: Directory) -> Phrase:
    old = change.before
    assert isinstance(old, Event)
    return text("Withdrawn: ", human_date(old.occurred), ", ", event_phrase(old, names))


def _source(change: Change, names: Directory) -> Phrase:
    source = change.after
    assert isinstance(source, SourceView)
    return text(f"New source: {source.name} ({', '.join(source.gradings)})")


_CHANGES = {
    ("convoys", "added"): _added_convoy,
    ("convoys", "status"): _status,
    ("convoys", "location"): _location,
    ("convoys", "split"): _split,
    ("convoys", "vehicles"): _vehicles,
    ("convoys", "strike"): _event_of,
    ("convoys", "aid"): _event_of,
    ("figures", "added"): _figure,
    ("figures", "figure"): _figure,
    ("figures", "disputed"): _disputed,
    ("stances", "stance"): _stance,
    ("timeline", "event"): _event_of,
    ("timeline", "corrected"): _corrected,
    ("timeline", "retracted"): _retracted,
    ("sources", "source"): _source,
}
