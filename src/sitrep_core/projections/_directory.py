"""Reference data: actors, places and subjects, and the resolution of any of their names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import attrs

from ..model import ActorDefined, PlaceDefined, SubjectDefined
from ._base import Fact, Projection, Ref, ViewContext

_SPACES = re.compile(r"\s+")
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u2013": "-", "\u2014": "-"})


@lru_cache(maxsize=1 << 12)
def fold_name(name: str) -> str:
    """How names are compared: case, apostrophes, dots, spacing and a leading "the" do
    not matter ("the Syrian regime" is "Syrian regime")."""
    folded = _SPACES.sub(" ", name.translate(_FOLD).replace(".", "")).strip().casefold()
    return folded[4:] if folded.startswith("the ") and len(folded) > 4 else folded


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
    precision_km: float | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None


@attrs.frozen
class Subject:
    """A named thing that is neither an actor nor a place: a convoy, a deal, a topic."""

    key: str
    name: str
    kind: str = "topic"
    aliases: tuple[str, ...] = ()


def _index(items: Iterable[Actor | Place | Subject]) -> dict[str, Any]:
    index: dict[str, Any] = {}
    listed = list(items)
    for item in listed:  # keys win over names, names over aliases
        for alias in item.aliases:
            index.setdefault(fold_name(alias), item)
    for item in listed:
        index[fold_name(item.name)] = item
    for item in listed:
        index[fold_name(item.key)] = item
    return index


@attrs.frozen
class Directory:
    """Actors, places and subjects by key, resolving any of their names."""

    actors: tuple[Actor, ...] = ()
    places: tuple[Place, ...] = ()
    subjects: tuple[Subject, ...] = ()
    _actor_index: dict[str, Actor] = attrs.field(init=False, repr=False, eq=False)
    _place_index: dict[str, Place] = attrs.field(init=False, repr=False, eq=False)
    _subject_index: dict[str, Subject] = attrs.field(init=False, repr=False, eq=False)
    _refs: dict[tuple[str, str], Ref] = attrs.field(init=False, repr=False, eq=False)
    """References already resolved: views resolve the same few names over and over."""
    _points: dict[tuple[str, ...], tuple[float, float] | None] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_actor_index", _index(self.actors))
        object.__setattr__(self, "_place_index", _index(self.places))
        object.__setattr__(self, "_subject_index", _index(self.subjects))
        object.__setattr__(self, "_refs", {})
        object.__setattr__(self, "_points", {})

    def actor(self, name: str | None) -> Actor | None:
        return None if name is None else self._actor_index.get(fold_name(name))

    def place(self, name: str | None) -> Place | None:
        return None if name is None else self._place_index.get(fold_name(name))

    def subject(self, name: str | None) -> Subject | None:
        return None if name is None else self._subject_index.get(fold_name(name))

    def ref(self, name: str, kind: str = "any") -> Ref:
        """A reference to what ``name`` names. ``kind`` says where to look first
        (``actor``, ``place``, ``subject``, or ``any``); what no reference event names
        keeps the key and no display name, unless it is a plain name (it has spaces or
        capitals), which is shown as written."""
        found = self._refs.get((name, kind))
        if found is None:
            found = self._refs[(name, kind)] = self._resolve(name, kind)
        return found

    def _resolve(self, name: str, kind: str) -> Ref:
        lookups: dict[str, dict[str, Any]] = {
            "actor": self._actor_index,
            "place": self._place_index,
            "subject": self._subject_index,
        }
        order = [kind] if kind in lookups else []
        order += [k for k in ("actor", "place", "subject") if k not in order]
        folded = fold_name(name)  # once, not once a kind: most names resolved are new
        for which in order:
            found = lookups[which].get(folded)
            if found is not None:
                kind = found.kind if isinstance(found, Subject) else which
                return Ref(found.key, kind, found.name)
        plain = name if (" " in name.strip() or name != name.lower()) else None
        return Ref(name, kind if kind in lookups else "subject", plain)

    def speaker_actor(self, speaker: str) -> Actor | None:
        """The actor a speaker stands for: a person's ``speaks_for``, or the actor itself."""
        found = self.actor(speaker)
        if found is not None and found.speaks_for:
            return self.actor(found.speaks_for) or found
        return found

    def coordinates(self, names: Iterable[str]) -> tuple[float, float] | None:
        """The mean (lat, lon) of the named places that have coordinates."""
        key = tuple(names)
        if key not in self._points:
            self._points[key] = self._mean_point(key)
        return self._points[key]

    def _mean_point(self, names: tuple[str, ...]) -> tuple[float, float] | None:
        points = [(p.lat, p.lon) for p in map(self.place, names) if p and p.lat is not None]
        if not points:
            return None
        lats = [lat for lat, _ in points if lat is not None]
        lons = [lon for _, lon in points if lon is not None]
        return sum(lats) / len(lats), sum(lons) / len(lons)


class DirectoryProjection(Projection[list[Fact], Directory]):
    """Reference data: who, where and what things are called (whatever ``as_of`` says:
    names hold at any moment; ``known_at`` still limits them to what was known)."""

    name = "directory"
    types = frozenset({"actor", "place", "subject"})

    def initial(self) -> list[Fact]:
        return []

    def apply(self, state: list[Fact], fact: Fact) -> None:
        state.append(fact)

    def view(self, state: list[Fact], context: ViewContext) -> Directory:
        actors: dict[str, Actor] = {}
        places: dict[str, Place] = {}
        subjects: dict[str, Subject] = {}
        for fact in context.visible(state, world=False):  # in log order: later ones win
            event = fact.event
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
                    event.precision_km,
                    event.country,
                    event.admin1,
                    event.admin2,
                    event.admin3,
                )
            elif isinstance(event, SubjectDefined):
                subjects[event.key] = Subject(event.key, event.name, event.kind, event.aliases)
        return Directory(tuple(actors.values()), tuple(places.values()), tuple(subjects.values()))
