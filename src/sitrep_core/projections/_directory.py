"""Reference data: actors and places, and the resolution of any of their names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import attrs

from ..model._events import (
    ActorDefined,
    Event,
    PlaceDefined,
)
from ._base import ViewContext
from ._indexed import Held, Indexed, IndexedProjection

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u2013": "-", "\u2014": "-"})


@lru_cache(maxsize=1 << 16)
def fold_name(name: str) -> str:
    """How names are compared: case, apostrophes, dots and spacing do not matter."""
    return re.sub(r"\s+", " ", name.translate(_FOLD).replace(".", "")).strip().casefold()


@attrs.frozen
class Actor:
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    role: str | None = None
    speaks_for: str | None = None
    affiliated_with: tuple[str, ...] = ()
    country: str | None = None


@attrs.frozen
class Place:
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None


@attrs.frozen
class Directory:
    """Actors and places by key, resolving any of their names."""

    actors: tuple[Actor, ...] = ()
    places: tuple[Place, ...] = ()
    _actor_index: dict[str, Actor] = attrs.field(init=False, repr=False, eq=False)
    _place_index: dict[str, Place] = attrs.field(init=False, repr=False, eq=False)
    _displayed: dict[str, str] = attrs.field(init=False, repr=False, eq=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        for attribute, items in (("_actor_index", self.actors), ("_place_index", self.places)):
            index: dict[str, Any] = {}
            for item in items:  # keys win over aliases
                for name in (*item.aliases, item.name):
                    index.setdefault(fold_name(name), item)
            for item in items:
                index[fold_name(item.key)] = item
            object.__setattr__(self, attribute, index)

    def actor(self, name: str | None) -> Actor | None:
        return None if name is None else self._actor_index.get(fold_name(name))

    def place(self, name: str | None) -> Place | None:
        return None if name is None else self._place_index.get(fold_name(name))

    def actor_name(self, name: str) -> str:
        found = self.actor(name)
        return found.name if found else name

    def place_name(self, name: str) -> str:
        found = self.place(name)
        return found.name if found else name

    def display(self, name: str) -> str:
        """The display name of an actor or a place named by key or alias; else as given."""
        shown = self._displayed.get(name)
        if shown is None:
            found = self.actor(name) or self.place(name)
            shown = found.name if found else name
            if len(self._displayed) < 1 << 16:  # headlines ask for the same few names
                self._displayed[name] = shown
        return shown

    def speaker_actor(self, speaker: str) -> Actor | None:
        """The actor a speaker stands for: a person's ``speaks_for``, or the actor itself."""
        found = self.actor(speaker)
        if found is not None and found.speaks_for:
            return self.actor(found.speaks_for) or found
        return found

    def coordinates(self, names: Iterable[str]) -> tuple[float, float] | None:
        """The mean (lat, lon) of the named places that have coordinates."""
        points = [(p.lat, p.lon) for p in map(self.place, names) if p and p.lat is not None]
        if not points:
            return None
        lats, lons = zip(*points, strict=True)
        return (
            sum(x for x in lats if x is not None) / len(lats),
            sum(y for y in lons if y is not None) / len(lons),
        )


class DirectoryProjection(IndexedProjection[Directory]):
    """Reference data: who and where, with every alias (not filtered by ``as_of``)."""

    name = "directory"
    version = 1
    follows_as_of = False
    types = frozenset({"actor", "place"})

    # The index is the view itself, made again after any change: reference data is
    # small, and a view that stays the same object tells the other projections that
    # the names they resolved with still hold.

    def new_index(self) -> list[Directory | None]:
        return [None]

    def index_add(self, index: list[Directory | None], event: Event, position: int) -> None:
        index[0] = None

    def index_remove(self, index: list[Directory | None], event: Event, position: int) -> None:
        index[0] = None

    def view(self, state: Indexed, context: ViewContext) -> Directory:
        if state.index is None:
            state.index = self.new_index()
        if state.index[0] is None:
            state.index[0] = directory_of(state.held)
        found: Directory = state.index[0]
        return found

    def index_view(self, index: list[Directory | None], context: ViewContext) -> Directory:
        raise NotImplementedError("the directory is viewed from its whole state")


def directory_of(state: Held) -> Directory:
    """The directory of the reference-data events ``state`` holds, later ones winning."""
    actors: dict[str, Actor] = {}
    places: dict[str, Place] = {}
    for _, event in sorted(state.values(), key=lambda item: item[0]):
        if isinstance(event, ActorDefined):
            actors[event.key] = Actor(
                event.key,
                event.name,
                event.aliases,
                event.kind,
                event.role,
                event.speaks_for,
                event.affiliated_with,
                event.country,
            )
        elif isinstance(event, PlaceDefined):
            places[event.key] = Place(
                event.key,
                event.name,
                event.aliases,
                event.kind,
                event.lat,
                event.lon,
                event.country,
                event.admin1,
                event.admin2,
            )
    return Directory(tuple(actors.values()), tuple(places.values()))
