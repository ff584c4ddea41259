"""The 2017 Qalamoun evacuation convoy as events: what the renderer tests report on.

``seed_events()`` gives the events in the order an analyst recorded them, with
each dated update recorded at its own moment; ``seed_log()`` appends them to a
memory log.
"""

from __future__ import annotations

from sitrep_core import (
    ActorDefined,
    Agreement,
    AidDelivery,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    EventLog,
    PlaceDefined,
    Source,
    Statement,
    Strike,
    open_log,
)
from sitrep_core.codec._codec import Codec

HEZBOLLAH_MEDIA = Source("Hezbollah officials", "D", 3, quote="17 buses and 11 ambulances")
SOHR = Source("SOHR", "C", 3, url="https://www.syriahr.com/en/")
COALITION = Source(
    "CJTF-OIR press release", "B", 2, url="https://www.inherentresolve.mil/Releases/"
)
AP = Source("Associated Press", "B", 2, url="https://apnews.com/")
RUPTLY = Source("Ruptly", "E", 4)

DAY1 = "2017-08-28T18:00:00Z"
UPDATE_AUG30 = "2017-08-30T16:50:00Z"
UPDATE_AUG31 = "2017-08-31T10:00:00Z"
UPDATE_SEP2 = "2017-09-02T12:00:00Z"
UPDATE_SEP5 = "2017-09-05T12:00:00Z"

CONVOY = "qalamoun-convoy"
RETURNING = "qalamoun-convoy-west"


def seed_events() -> list[Event]:
    """Reference data, then the facts of the report, each recorded when it was learnt."""
    return [
        ActorDefined(
            id="actor-isis",
            occurred="2017",
            recorded=DAY1,
            key="isis",
            name="ISIS",
            aliases=("ISIL", "Da'esh", "Islamic State"),
            kind="armed group",
        ),
        ActorDefined(
            id="actor-coalition",
            occurred="2014",
            recorded=DAY1,
            key="coalition",
            name="US-led Coalition",
            aliases=("Global Coalition against ISIS", "CJTF-OIR"),
            kind="coalition",
        ),
        ActorDefined(
            id="actor-mcgurk",
            occurred="2017",
            recorded=DAY1,
            key="mcgurk",
            name="Brett McGurk",
            role="Special Presidential Envoy to the Global Coalition",
            speaks_for="coalition",
        ),
        ActorDefined(
            id="actor-abadi",
            occurred="2017",
            recorded=DAY1,
            key="abadi",
            name="Haider al-Abadi",
            role="Prime Minister of Iraq",
            speaks_for="iraq",
        ),
        ActorDefined(id="actor-iraq", occurred="2017", recorded=DAY1, key="iraq", name="Iraq"),
        PlaceDefined(
            id="place-qara",
            occurred="2017",
            recorded=DAY1,
            key="qara",
            name="Qara",
            aliases=("Western Qalamoun", "Qalamun"),
            lat=34.15,
            lon=36.75,
        ),
        PlaceDefined(
            id="place-abu-kamal",
            occurred="2017",
            recorded=DAY1,
            key="abu-kamal",
            name="Abu Kamal",
            aliases=("Abul Kamal", "Albu Kamal"),
            lat=34.45,
            lon=40.92,
        ),
        PlaceDefined(
            id="place-humayma",
            occurred="2017",
            recorded=DAY1,
            key="humayma",
            name="Humayma",
            aliases=("Hamaymah",),
            lat=34.38,
            lon=39.0,
        ),
        PlaceDefined(
            id="place-sukhnah",
            occurred="2017",
            recorded=DAY1,
            key="sukhnah",
            name="As Sukhnah",
            lat=34.88,
            lon=38.87,
        ),
        PlaceDefined(
            id="place-palmyra",
            occurred="2017",
            recorded=DAY1,
            key="palmyra",
            name="Palmyra",
            lat=34.56,
            lon=38.27,
        ),
        Agreement(
            id="deal",
            occurred="2017-08-26~",
            recorded=DAY1,
            sources=(HEZBOLLAH_MEDIA,),
            kind="deal",
            parties=("Hezbollah", "Syrian regime", "ISIS"),
            terms="ISIS fighters and their families leave western Qalamoun for Abu Kamal",
            area="Western Qalamoun",
        ),
        Evacuation(
            id="evacuation",
            occurred="2017-08-28",
            recorded=DAY1,
            sources=(HEZBOLLAH_MEDIA, RUPTLY),
            group="ISIS",
            origin="qara",
            destination="abu-kamal",
            agreement="deal",
            parties=("Hezbollah", "Syrian regime", "ISIS"),
            fighters=Count.approx(308, "around 308"),
            civilians=Count.approx(331, "331"),
            wounded=Count.at_least(25, "at least 25 of them were wounded"),
            vehicles={"bus": Count.exact(17), "ambulance": Count.exact(11)},
            convoy=CONVOY,
        ),
        ConvoyMove(
            id="sohr-count",
            occurred="2017-08-29",
            recorded=DAY1,
            sources=(SOHR,),
            convoy=CONVOY,
            status="moving",
            heading="east",
            toward="abu-kamal",
            wounded=Count.approx(40, "about 40 wounded"),
        ),
        Statement(
            id="mcgurk",
            occurred="2017-08-29",
            recorded=DAY1,
            sources=(AP,),
            speaker="mcgurk",
            subject="the evacuation deal",
            stance="condemns",
            quote="ISIS fighters should be killed on the battlefield",
        ),
        Statement(
            id="abadi",
            occurred="2017-08-29",
            recorded=DAY1,
            sources=(AP,),
            speaker="abadi",
            subject="the evacuation deal",
            stance="condemns",
            quote="unacceptable ... an insult to the Iraqi people",
        ),
        Strike(
            id="road-strike",
            occurred="2017-08-30",
            recorded=UPDATE_AUG30,
            sources=(AP, COALITION),
            actor="coalition",
            targets=("road", "small bridge"),
            near=("humayma", "abu-kamal"),
            position="road east between Hamaymah and Abul Kamal",
            effect="cratered",
            convoy=CONVOY,
            convoy_hit=False,
        ),
        ConvoyMove(
            id="halted",
            occurred="2017-08-30T16:50",
            recorded=UPDATE_AUG30,
            sources=(AP,),
            convoy=CONVOY,
            status="halted",
            near=("humayma",),
            position="east of Humayma",
            cause="road-strike",
        ),
        Statement(
            id="coalition-threat",
            occurred="2017-08-31",
            recorded=UPDATE_AUG31,
            sources=(COALITION,),
            speaker="coalition",
            subject="the evacuation deal",
            stance="threatens",
            quote="Coalition will take action against ISIS whenever and wherever we are able",
        ),
        AidDelivery(
            id="food-water",
            occurred="2017-09-01/2017-09-02",
            recorded=UPDATE_SEP2,
            sources=(COALITION,),
            items=("food", "water"),
            convoy=CONVOY,
        ),
        ConvoyMove(
            id="turned-back",
            occurred="2017-09-01",
            recorded=UPDATE_SEP2,
            sources=(COALITION,),
            convoy=CONVOY,
            status="turned-back",
            heading="west",
            near=("humayma", "sukhnah"),
            position="Syrian Desert between Humayma and As Sukhnah",
        ),
        ConvoyMove(
            id="split-west",
            occurred="2017-08-29/2017-09-05",
            recorded=UPDATE_SEP5,
            sources=(COALITION,),
            convoy=CONVOY,
            new_convoy=RETURNING,
            vehicles={"bus": Count.exact(6, "6 of the 17 buses")},
            status="turned-back",
            toward="palmyra",
        ),
        ConvoyMove(
            id="stalled",
            occurred="2017-09-05",
            recorded=UPDATE_SEP5,
            sources=(COALITION,),
            convoy=CONVOY,
            status="stalled",
            near=("sukhnah",),
            position="Syrian Desert east of As Sukhnah",
        ),
        Statement(
            id="townsend",
            occurred="2017-09-05",
            recorded=UPDATE_SEP5,
            sources=(COALITION,),
            speaker="Lt. Gen. Stephen J. Townsend",
            actor="coalition",
            subject="the evacuation deal",
            stance="condemns",
            quote=(
                "The Syrian regime is letting women and children suffer in the desert. "
                "This situation is completely on them."
            ),
        ),
    ]


def seed_log(codec: Codec | None = None) -> EventLog:
    """A memory log holding :func:`seed_events`."""
    log = open_log("memory:", codec=codec)
    log.append(seed_events())
    return log
