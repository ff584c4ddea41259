"""ACLED's codes, as its codebook gives them: columns, event types, actor types
(``inter``), interactions, precisions, source scales, and the names ACLED gives the
actors a sitrep log names in its own words.
"""

from __future__ import annotations

import re

import attrs

from sitrep_core.views import fold_name

COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
"""ACLED's columns, in ACLED's order (the layout since March 2023)."""

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
STRATEGIC = "Strategic developments"
POLITICAL_VIOLENCE_AND_DEMONSTRATIONS = "Political violence; Demonstrations"

EVENT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Battles": (
        POLITICAL_VIOLENCE,
        ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    ),
    "Explosions/Remote violence": (
        POLITICAL_VIOLENCE,
        (
            "Chemical weapon",
            "Air/drone strike",
            "Suicide bomb",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Grenade",
        ),
    ),
    "Violence against civilians": (
        POLITICAL_VIOLENCE,
        ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    ),
    "Protests": (
        DEMONSTRATIONS,
        ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    ),
    "Riots": (DEMONSTRATIONS, ("Violent demonstration", "Mob violence")),
    "Strategic developments": (
        STRATEGIC,
        (
            "Agreement",
            "Arrests",
            "Change to group/activity",
            "Disrupted weapons use",
            "Headquarters or base established",
            "Looting/property destruction",
            "Non-violent transfer of territory",
            "Other",
        ),
    ),
}
"""Each ACLED event type: its disorder type and its sub-event types."""

DISORDER_TYPES = (
    POLITICAL_VIOLENCE,
    DEMONSTRATIONS,
    STRATEGIC,
    POLITICAL_VIOLENCE_AND_DEMONSTRATIONS,
)
"""The disorder types an export may give (a riot or mob violence may be both)."""

INTER: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
"""ACLED's actor types: the numeric ``inter`` codes and the words its newer exports use."""

_INTER_WORDS: dict[str, int] = {
    **{fold_name(words): code for code, words in INTER.items()},
    "state forces": 1,
    "rebel groups": 2,
    "political militias": 3,
    "identity militias": 4,
    "communal militia": 4,
    "communal militias": 4,
    "protestors": 6,
    "civilians": 7,
    "external/other forces": 8,
    "other forces": 8,
    "external forces": 8,
    "other": 8,
}

TIME_PRECISION: dict[int, str] = {
    1: "the day is known",
    2: "within a week (the date is the week's middle)",
    3: "within a month (the date is the month's middle)",
}
GEO_PRECISION: dict[int, str] = {
    1: "the town itself",
    2: "near a town, or a small part of a region",
    3: "a larger region only",
}

SOURCE_SCALES: tuple[str, ...] = (
    "Local partner",
    "Other",
    "New media",
    "Subnational",
    "National",
    "Regional",
    "International",
)
"""ACLED's source scales, in the order it joins two of them (``National-International``)."""

KNOWN_SOURCES: tuple[tuple[str, str], ...] = (
    (r"\bassociated press\b|^ap\b|reuters|\bafp\b|agence france|bbc|al jazeera", "International"),
    (r"\bcnn\b|\bruptly\b|\brt\b|russia today|sputnik|new york times|washington post",
     "International"),
    (r"\bsana\b|syrian arab news|\bnna\b|national news agency|al-manar|al manar", "National"),
    (r"\bsohr\b|syrian observatory", "Other"),
    (r"coalition|ministry|officials?\b|press release|statement|army\b|forces\b|cjtf", "Other"),
    (r"twitter|telegram|facebook|youtube|social media|blog|osint|t-intelligence", "New media"),
)  # fmt: skip
"""Source names (patterns) whose scale ACLED's way of coding is clear; other sources'
scale is left empty rather than guessed."""


def source_scale(names: list[str]) -> str | None:
    """ACLED's ``source_scale`` of the sources named: each known one's scale, two
    joined in ACLED's order (the narrowest and the widest when more are known)."""
    scales = {
        scale
        for name in names
        for pattern, scale in KNOWN_SOURCES
        if re.search(pattern, name.casefold())
    }
    ordered = [s for s in SOURCE_SCALES if s in scales]
    if not ordered:
        return None
    if len(ordered) == 1:
        return ordered[0]
    return f"{ordered[0]}-{ordered[-1]}"


def inter_from(value: str) -> int | None:
    """An ``inter`` cell as a code: a number (``8``) or ACLED's words (``Rebel group``)."""
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        code = int(text)
        return code if code in INTER else None
    return _INTER_WORDS.get(fold_name(text))


def interaction_from(value: str) -> int | None:
    """An ``interaction`` cell as a code: a number (``28``), or ACLED's words
    (``Rebel group-External/Other forces``, ``Sole State forces action``)."""
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    words = re.sub(r"(?i)^sole\s+|\s+(only|action)$", "", text)
    if words != text:
        alone = inter_from(words) or inter_from(words.rstrip("s"))
        return alone * 10 if alone is not None else None
    sides = [inter_from(part) for part in words.split("-")]
    if len(sides) != 2 or None in sides:
        return None
    return interaction_code(sides[0], sides[1])


def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    """The two inter codes, lower first (``28``); one actor alone is ``10``, ``20``..."""
    if inter1 is None:
        return None
    if inter2 is None:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


@attrs.frozen
class AcledActor:
    """How ACLED names an actor and which type (``inter``) it gives it.

    ``name`` may hold ``{country}``: ACLED names some actors per country (``Islamic
    State (Syria)``, ``Civilians (Lebanon)``). ``periods`` name state forces by the
    government of the day: ``(first year, last year or None, name)``.
    """

    name: str
    inter: int
    state: bool = False
    """State forces: coded 8 (external) outside their own country."""
    country: str | None = None
    periods: tuple[tuple[int, int | None, str], ...] = ()

    def name_in(self, year: int | None, country: str | None) -> str:
        chosen = self.name
        for first, last, name in self.periods:
            if year is not None and first <= year and (last is None or year <= last):
                chosen = name
        return chosen.replace("{country}", country or "International")


ACLED_ACTORS: tuple[tuple[tuple[str, ...], AcledActor], ...] = (
    (("isis", "isil", "islamic state", "islamic state (isis)", "daesh", "da'esh"),
     AcledActor("Islamic State ({country})", 2)),
    (("hts", "hayat tahrir al-sham", "hayat tahrir al sham", "tahrir al-sham"),
     AcledActor("HTS: Hayat Tahrir al Sham", 2)),
    (("hezbollah", "hizbollah", "hizballah", "lebanese hezbollah"),
     AcledActor("Hezbollah", 3)),
    (("us-led-coalition", "us-led coalition", "coalition", "global coalition against isis",
      "us-led global coalition against isis", "cjtf-oir", "operation inherent resolve"),
     AcledActor("Global Coalition Against Daesh", 8)),
    (("syrian-regime", "syrian regime", "syrian government", "syrian arab army", "saa",
      "syrian forces"),
     AcledActor("Military Forces of Syria (2000-2024)", 1, True, "Syria")),
    (("lebanese-army", "lebanese army", "lebanese armed forces", "laf"),
     AcledActor("Military Forces of Lebanon (2016-2022)", 1, True, "Lebanon")),
    (("united-states", "united states", "us", "usa", "us military"),
     AcledActor("Military Forces of the United States", 1, True, "United States",
                ((2009, 2016, "Military Forces of the United States (2009-2017)"),
                 (2017, 2020, "Military Forces of the United States (2017-2021)"),
                 (2021, 2024, "Military Forces of the United States (2021-2025)"),
                 (2025, None, "Military Forces of the United States (2025-)")))),
    (("russia", "russian forces", "russian military"),
     AcledActor("Military Forces of Russia (2000-)", 1, True, "Russia")),
    (("iraq", "iraqi forces", "iraqi army"),
     AcledActor("Military Forces of Iraq", 1, True, "Iraq",
                ((2014, 2018, "Military Forces of Iraq (2014-2018)"),))),
    (("civilians",), AcledActor("Civilians ({country})", 7)),
)  # fmt: skip
"""The names ACLED gives actors a log may name in its own words (keys, names or
aliases, compared as :func:`fold_name` does), for merging an export with ACLED's
data. An actor whose definition carries the tag ``acled:NAME`` is exported as NAME."""

_ACTOR_INDEX: dict[str, AcledActor] = {
    fold_name(alias): actor for aliases, actor in ACLED_ACTORS for alias in aliases
}


def acled_actor(*names: str | None) -> AcledActor | None:
    """The ACLED naming of the first of ``names`` (a key, name or alias) ACLED knows."""
    for name in names:
        if name and (found := _ACTOR_INDEX.get(fold_name(name))) is not None:
            return found
    return None
