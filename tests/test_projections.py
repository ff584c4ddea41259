"""What the views say, on small logs made by hand: figures and their claims, convoys,
stances and a report's dated updates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sitrep_core as sr
from sitrep_core import Count, Source
from sitrep_core.views import Figure

AP = Source("AP", "B", 2)
SANA = Source("SANA", "D", 4)
SOHR = Source("SOHR", "C", 3)
OFFICIALS = Source("Hezbollah officials", "D", 3)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def log_of(*events: sr.Event) -> sr.EventLog:
    log = sr.open_log("memory:")
    log.append(list(events))
    return log


def figure(snapshot: sr.Snapshot, key: str) -> Figure:
    (found,) = [f for f in snapshot["figures"] if f.key == key]
    return found


def evacuation(**fields: object) -> sr.Evacuation:
    base: dict[str, object] = {
        "id": "evacuation",
        "occurred": "2017-08-28",
        "recorded": at("2017-08-28T18:00"),
        "group": "isis",
        "origins": ["western-qalamoun"],
        "convoy": "convoy",
        "sources": [OFFICIALS],
    }
    return sr.Evacuation(**{**base, **fields})  # type: ignore[arg-type]


def move(event_id: str, occurred: str, recorded: str, **fields: object) -> sr.ConvoyMove:
    return sr.ConvoyMove(
        id=event_id,
        occurred=occurred,
        recorded=at(recorded),
        convoy=fields.pop("convoy", "convoy"),  # type: ignore[arg-type]
        sources=[AP],
        **fields,  # type: ignore[arg-type]
    )


# -- figures --------------------------------------------------------------------------


def test_claims_gather_by_measure_from_several_events_and_sources() -> None:
    log = log_of(
        sr.Strike(
            id="s1", occurred="2017-08-30", incident="market", killed=Count(40), sources=[AP]
        ),
        sr.FigureReported(
            id="f1",
            occurred="2017-08-30",
            subject="market",
            measure="killed",
            count=Count.at_least(38),
            sources=[SOHR],
        ),
        sr.Strike(
            id="s2", occurred="2017-08-30", incident="market", wounded=Count(12), sources=[SANA]
        ),
    )
    killed = figure(sr.replay(log), "market/killed")
    assert [(c.value, [s.name for s in c.sources]) for c in killed.claims] == [
        (Count(40), ["AP"]),
        (Count.at_least(38), ["SOHR"]),
    ]
    assert not killed.disputed
    assert killed.value == Count(40)  # the most specific claim leads; none is summed
    assert figure(sr.replay(log), "market/wounded").value == Count(12)


def test_around_308_and_hundreds_agree() -> None:
    log = log_of(
        evacuation(fighters=Count.approx(308)),
        sr.ConvoyMove(
            id="m",
            occurred="2017-08-29",
            recorded=at("2017-08-29T10:00"),
            convoy="convoy",
            fighters=Count.between(200, 999, "hundreds"),
            sources=[SANA],
        ),
    )
    fighters = figure(sr.replay(log), "convoy/fighters")
    assert len(fighters.claims) == 2
    assert not fighters.disputed
    assert all(c.agrees for c in fighters.claims)


def test_exact_40_and_exact_55_are_disputed_and_both_shown() -> None:
    log = log_of(
        sr.FigureReported(
            id="a",
            occurred="2017-08-30",
            subject="market",
            measure="killed",
            count=Count(40),
            sources=[AP],
        ),
        sr.FigureReported(
            id="b",
            occurred="2017-08-30",
            subject="market",
            measure="killed",
            count=Count(55),
            sources=[SANA],
        ),
    )
    killed = figure(sr.replay(log), "market/killed")
    assert killed.disputed
    assert {c.value.value for c in killed.claims} == {40, 55}
    assert [c.agrees for c in killed.claims].count(False) == 1


def test_a_correction_replaces_the_claim_it_corrects_and_the_figure_keeps_its_key() -> None:
    first = sr.Strike(
        id="s1", occurred="2017-08-30", actor="coalition", killed=Count(4), sources=[AP]
    )
    raised = sr.Strike(
        id="s2",
        occurred="2017-08-30",
        recorded=at("2017-09-01T09:00"),
        actor="coalition",
        killed=Count(9),
        sources=[AP],
        corrects="s1",
    )
    log = log_of(first, raised)
    killed = figure(sr.replay(log), "s1/killed")  # keyed by the first version's id
    (claim,) = killed.claims
    assert (claim.value, claim.replaces, claim.event_id) == (Count(9), Count(4), "s2")
    assert not killed.disputed
    assert killed.about is not None and killed.about.id == "s2"


def test_a_correction_describes_the_attack_as_corrected() -> None:
    first = sr.Strike(id="s1", occurred="2017-08-30", actor="isis", killed=Count(4))
    fixed = sr.Strike(
        id="s2", occurred="2017-08-30", actor="coalition", killed=Count(4), corrects="s1"
    )
    killed = figure(sr.replay(log_of(first, fixed)), "s1/killed")
    assert isinstance(killed.about, sr.Strike)
    assert killed.about.actor == "coalition"


def test_claims_are_never_summed() -> None:
    log = log_of(
        evacuation(fighters=Count(100), sources=[OFFICIALS]),
        sr.FigureReported(
            id="f",
            occurred="2017-08-29",
            subject="convoy",
            measure="fighters",
            count=Count(120),
            sources=[AP],
        ),
    )
    fighters = figure(sr.replay(log), "convoy/fighters")
    assert {c.value.value for c in fighters.claims} == {100, 120}
    assert fighters.value.value in (100, 120)


def test_a_source_giving_a_new_figure_replaces_its_own_earlier_claim() -> None:
    log = log_of(
        sr.FigureReported(
            id="a",
            occurred="2017-08-30",
            recorded=at("2017-08-30T10:00"),
            subject="x",
            measure="killed",
            count=Count(10),
            sources=[AP],
        ),
        sr.FigureReported(
            id="b",
            occurred="2017-08-31",
            recorded=at("2017-08-31T10:00"),
            subject="x",
            measure="killed",
            count=Count(14),
            sources=[AP],
        ),
    )
    killed = figure(sr.replay(log), "x/killed")
    assert [c.value for c in killed.claims] == [Count(14)]
    assert not killed.disputed


def test_attribution_gives_each_value_its_own_sources() -> None:
    log = log_of(
        evacuation(
            fighters=Count.approx(308),
            vehicles={"bus": Count(17)},
            sources=[Source("reports", "F", 3), OFFICIALS],
            attribution={"fighters": ["reports"], "vehicles": ["Hezbollah officials"]},
        )
    )
    snapshot = sr.replay(log)
    (claim,) = figure(snapshot, "convoy/fighters").claims
    assert [s.name for s in claim.sources] == ["reports"]
    (tally,) = snapshot["convoys"][0].vehicles
    assert tally.at_formation is not None
    assert [s.name for s in tally.at_formation.sources] == ["Hezbollah officials"]


# -- convoys --------------------------------------------------------------------------


def test_a_convoy_has_no_whereabouts_until_one_is_reported() -> None:
    log = log_of(evacuation(), move("moving", "2017-08-29", "2017-08-29T08:00", status="moving"))
    convoy = sr.replay(log)["convoys"][0]
    assert convoy.whereabouts is None  # not its origin
    assert [p.origin for p in convoy.route] == [True]
    log.append(
        [
            move(
                "halt",
                "2017-08-30T16:50",
                "2017-08-30T17:00",
                status="halted",
                location=sr.Location(
                    text="east of As Sukhnah", relation="east-of", places=["sukhnah"]
                ),
            )
        ]
    )
    convoy = sr.replay(log)["convoys"][0]
    assert convoy.whereabouts is not None
    assert convoy.whereabouts.location.text == "east of As Sukhnah"
    assert [p.key for p in convoy.whereabouts.places] == ["sukhnah"]


def test_a_status_runs_from_its_earliest_evidence() -> None:
    log = log_of(
        evacuation(),
        move("moving", "2017-08-29", "2017-08-29T08:00", status="moving"),
        move("halt", "2017-08-30T16:50", "2017-08-30T17:00", status="halted"),
        move("still", "2017-09-01", "2017-09-01T09:00", status="stalled"),
    )
    status = sr.replay(log)["convoys"][0].status
    assert status.status == "stalled"
    assert status.since.text == "2017-08-30T16:50"  # a halt and a stall are one stop
    assert status.reported.text == "2017-09-01"


def test_a_status_does_not_begin_before_the_status_it_followed() -> None:
    log = log_of(
        evacuation(),
        move("halt", "2017-08-29", "2017-08-29T20:00", status="halted"),
        # a report that it moved some time between the 28th and 2 September
        move("moving", "2017-08-28/2017-09-02", "2017-09-02T10:00", status="moving"),
    )
    status = sr.replay(log)["convoys"][0].status
    assert status.status == "moving"
    assert status.since.earliest >= at("2017-08-29T00:00")


def test_a_status_runs_from_when_the_source_says_it_began() -> None:
    log = log_of(
        evacuation(),
        move("stalled", "2017-09-04", "2017-09-04T10:00", status="stalled", since="2017-09-03"),
    )
    assert sr.replay(log)["convoys"][0].status.since.text == "2017-09-03"


def test_after_a_split_vehicles_show_what_sources_said() -> None:
    log = log_of(
        evacuation(vehicles={"bus": Count(17)}),
        move(
            "split",
            "2017-08-31",
            "2017-08-31T10:00",
            new_convoy="returning",
            vehicles={"bus": Count(6)},
            status="turned-back",
        ),
    )
    convoys = {c.key: c for c in sr.replay(log)["convoys"]}
    (tally,) = convoys["convoy"].vehicles
    assert tally.at_formation is not None and tally.at_formation.count == Count(17)
    assert [d.count for d in tally.detached] == [Count(6)]
    assert tally.latest is None  # no invented remnant of 11
    assert [c.key for c in convoys["convoy"].children] == ["returning"]
    assert convoys["returning"].parent is not None
    assert convoys["returning"].parent.key == "convoy"
    assert convoys["returning"].status.status == "turned-back"
    log.append(
        [move("count", "2017-09-01", "2017-09-01T10:00", vehicles={"bus": Count.approx(10)})]
    )
    (tally,) = {c.key: c for c in sr.replay(log)["convoys"]}["convoy"].vehicles
    assert tally.latest is not None and tally.latest.count == Count.approx(10)


# -- stances --------------------------------------------------------------------------


def statement(
    event_id: str, occurred: str, stances: Sequence[str], **fields: object
) -> sr.Statement:
    return sr.Statement(
        id=event_id,
        occurred=occurred,
        recorded=at(f"{occurred[:10]}T12:00"),
        speaker=fields.pop("speaker", "Brett McGurk"),  # type: ignore[arg-type]
        actors=fields.pop("actors", ["coalition"]),  # type: ignore[arg-type]
        subject="deal",
        stances=list(stances),
        sources=[AP],
        **fields,  # type: ignore[arg-type]
    )


def test_stance_history_keeps_every_statement() -> None:
    log = log_of(
        statement("a", "2017-08-29", ["condemns"], quote="should be killed on the battlefield"),
        statement("b", "2017-08-30", ["condemns", "warns"], target=["hezbollah"]),
        statement("c", "2017-08-31", ["condemns", "warns"], via="russia"),
    )
    (stance,) = sr.replay(log)["stances"]
    assert [e.event_id for e in stance.history] == ["a", "b", "c"]
    assert stance.stances == ("condemns", "warns")
    assert stance.since.text == "2017-08-30"  # the same stances since b
    assert [t.key for t in stance.history[1].target] == ["hezbollah"]
    assert stance.latest.via is not None and stance.latest.via.key == "russia"


def test_a_statement_for_several_actors_is_each_ones_stance() -> None:
    log = log_of(statement("a", "2017-08-29", ["supports"], actors=["syria", "hezbollah"]))
    assert sorted(s.actor.key for s in sr.replay(log)["stances"]) == ["hezbollah", "syria"]


# -- dated updates --------------------------------------------------------------------


STORY = [
    evacuation(fighters=Count.approx(308), recorded=at("2017-08-28T18:00:10")),
    move("moving", "2017-08-29", "2017-08-29T08:00:05", status="moving"),
    move("halt", "2017-08-30T16:50", "2017-08-30T17:00:20", status="halted"),
    move(
        "halt-place",
        "2017-08-30T17:00",
        "2017-08-30T17:00:40",
        location=sr.Location(text="Humayma"),
    ),
    sr.Strike(
        id="crater",
        occurred="2017-08-30",
        recorded=at("2017-08-31T09:00"),
        actor="coalition",
        convoy="convoy",
        incident="crater",
        killed=Count(4),
    ),
    sr.Strike(
        id="crater-fixed",
        occurred="2017-08-30",
        recorded=at("2017-09-02T09:00"),
        actor="coalition",
        convoy="convoy",
        incident="crater",
        killed=Count(6),
        corrects="crater",
    ),
]


def test_one_update_per_recorded_minute_newest_first() -> None:
    report = sr.build_report(log_of(*STORY))
    assert [u.at for u in report.updates] == [
        at("2017-09-02T09:00"),
        at("2017-08-31T09:00"),
        at("2017-08-30T17:00"),
        at("2017-08-29T08:00"),
    ]  # the first minute is where the report starts, not news


def test_no_update_after_the_reports_moment() -> None:
    report = sr.build_report(log_of(*STORY), known_at=at("2017-08-31T12:00"))
    assert [u.at for u in report.updates] == [
        at("2017-08-31T09:00"),
        at("2017-08-30T17:00"),
        at("2017-08-29T08:00"),
    ]
    assert all(u.at <= at("2017-08-31T12:00") for u in report.updates)


def test_a_minute_whose_news_was_corrected_later_keeps_its_block_marked() -> None:
    report = sr.build_report(log_of(*STORY))
    blocks = {u.at: u for u in report.updates}
    struck = blocks[at("2017-08-31T09:00")]
    assert struck.later_revised
    assert any(c.later_revised for c in struck.changes)
    assert not blocks[at("2017-08-30T17:00")].later_revised
    # a report of a moment before the correction does not know of it
    earlier = sr.build_report(log_of(*STORY), known_at=at("2017-09-01"))
    assert not any(u.later_revised for u in earlier.updates)


def test_no_change_is_listed_twice() -> None:
    report = sr.build_report(log_of(*STORY))
    for update in report.updates:
        assert len(set(update.changes)) == len(update.changes)
        told = [i for c in update.changes if c.projection != "timeline" for i in c.event_ids]
        retold = [
            c
            for c in update.changes
            if c.projection == "timeline" and c.kind == "event" and set(c.event_ids) <= set(told)
        ]
        assert retold == []
    halted = next(u for u in report.updates if u.at == at("2017-08-30T17:00"))
    assert [c.kind for c in halted.changes if c.projection == "convoys"] == ["status", "location"]
