"""The peer: the same events kept with the ``eventsourcing`` library (9.x).

Each event's content is the dict of its JSON line (what ``Codec.to_dict`` gives), the
data of one domain event of an aggregate: an aggregate per convoy (every event that
names a convoy) and one per event type for the rest. Two ways to read them back:

- ``repository.get`` of every aggregate: eventsourcing's own replay, which decodes
  the stored events and applies each to its aggregate (here: count it, keep it as the
  latest). That is less work than our projections do: the figure is eventsourcing's
  machinery, favourable to it.
- the notification log (``recorder.select_notifications``, pages of 10,000, each
  notification turned into its domain event by the application's mapper) folded into
  plain dicts by :class:`DictFold`: the same projections' worth of work.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

NAMESPACE = uuid.UUID("0f0c0b0a-0000-4000-8000-000000000000")
PAGE = 10_000
COUNT_FIELDS = ("people", "fighters", "civilians", "wounded", "killed", "count")
CONVOY_FIELDS = ("status", "location", "heading", "toward", "vehicles")


class Stream(Aggregate):
    """The events of one convoy, or of one event type."""

    @staticmethod
    def create_id(name: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, name)

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen = 0
        self.latest: dict[str, Any] | None = None

    @event("Happened")
    def happened(self, data: dict[str, Any]) -> None:
        self.seen += 1
        self.latest = data


class Desk(Application):  # type: ignore[type-arg]
    """An application with nothing of its own: its repository and recorder are used."""


def stream_name(data: dict[str, Any]) -> str:
    convoy = data.get("convoy")
    return convoy if isinstance(convoy, str) else str(data["type"])


def sqlite_env(path: str) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}


def stream_batches(
    datas: list[dict[str, Any]], batch: int
) -> Iterator[tuple[dict[str, Stream], list[Stream]]]:
    """The aggregates (by name), and the ones a batch of ``batch`` events touched.

    The domain events are triggered here, before the save: as our events are built
    before ``append``, only the saving is timed on either side.
    """
    streams: dict[str, Stream] = {}
    for at in range(0, len(datas), batch):
        touched: dict[str, Stream] = {}
        for data in datas[at : at + batch]:
            name = stream_name(data)
            stream = streams.get(name)
            if stream is None:
                stream = streams[name] = Stream(name)
            stream.happened(data)
            touched[name] = stream
        yield streams, list(touched.values())


def get_all(app: Desk, names: Iterable[str]) -> int:
    """``repository.get`` of every aggregate; the number of events applied."""
    return sum(app.repository.get(Stream.create_id(name)).seen for name in names)


def notifications(app: Desk) -> Iterator[dict[str, Any]]:
    """Every event's data, in the order saved, from the application's notification log
    (the aggregates' creation events, one an aggregate, are read and left out)."""
    to_event = app.mapper.to_domain_event
    happened = Stream.Happened  # type: ignore[attr-defined]
    start = 1
    while True:
        page = app.recorder.select_notifications(start, PAGE)
        for notification in page:
            domain_event = to_event(notification)
            if type(domain_event) is happened:
                yield domain_event.data
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


class DictFold:
    """Our built-in projections' worth of work, in plain dicts, over event dicts.

    directory: actors, places and subjects by key. convoys: per convoy, its event count
    and the latest of each reported field; a split starts a new convoy. stances: per
    (first actor or speaker, subject), each statement's time, stances and quote.
    figures: the counts of each event that has some (a reported figure's with its
    subject and measure). timeline: each event's time, type and sources' names.
    A correction takes out the fact's standing version and stands in for it; a
    retraction takes it out. Times stay strings: nothing is parsed or checked.
    """

    def __init__(self) -> None:
        self.directory: dict[str, dict[str, Any]] = {}
        self.convoys: dict[str, dict[str, Any]] = {}
        self.stances: dict[tuple[str, str], dict[str, tuple[Any, ...]]] = {}
        self.stance_of: dict[str, tuple[str, str]] = {}
        self.figures: dict[str, dict[str, Any]] = {}
        self.timeline: dict[str, tuple[Any, ...]] = {}
        self.root: dict[str, str] = {}
        self.current: dict[str, str | None] = {}

    def fold(self, datas: Iterable[dict[str, Any]]) -> int:
        """Apply every event; how many."""
        applied = 0
        for data in datas:
            self.apply(data)
            applied += 1
        return applied

    def apply(self, data: dict[str, Any]) -> None:
        event_id: str = data["id"]
        kind = data["type"]
        for target, replaces in ((data.get("corrects"), True), (data.get("retracts"), False)):
            if target is not None:
                root = self.root.get(target, target)
                standing = self.current.get(root, root)
                if standing is not None:
                    self.revoke(standing)
                if replaces:
                    self.root[event_id] = root
                    self.current[root] = event_id
                else:
                    self.current[root] = None
        if kind == "retraction":
            return
        if kind in ("actor", "place", "subject"):
            self.directory[data["key"]] = {
                "name": data["name"],
                "aliases": data.get("aliases", []),
                "kind": data.get("kind"),
            }
            return
        for convoy in (data.get("convoy"), data.get("new_convoy")):
            if convoy is not None:
                state = self.convoys.setdefault(convoy, {"events": 0})
                state["events"] += 1
                for name in CONVOY_FIELDS:
                    value = data.get(name)
                    if value:
                        state[name] = value
        if kind == "statement":
            actors = data.get("actors")
            key = (actors[0] if actors else data["speaker"], data["subject"])
            self.stances.setdefault(key, {})[event_id] = (
                data["occurred"],
                data["stances"],
                data.get("quote"),
            )
            self.stance_of[event_id] = key
        counts = {name: data[name] for name in COUNT_FIELDS if name in data}
        if kind == "figure":
            counts["of"] = (data["subject"], data["measure"])
        if counts:
            self.figures[event_id] = counts
        self.timeline[event_id] = (
            data["occurred"],
            kind,
            [source["name"] for source in data.get("sources", ())],
        )

    def revoke(self, event_id: str) -> None:
        self.timeline.pop(event_id, None)
        self.figures.pop(event_id, None)
        key = self.stance_of.pop(event_id, None)
        if key is not None:
            self.stances[key].pop(event_id, None)
