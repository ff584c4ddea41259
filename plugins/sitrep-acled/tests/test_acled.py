"""The ACLED export: which events become rows, how each column is filled, the CSV."""

from __future__ import annotations

import csv
import importlib.metadata
import io
from datetime import UTC, datetime

import pytest
import sitrep_acled
from sitrep_acled import COLUMNS, AcledExport, AcledRow

import sitrep_core
from sitrep_core import (
    ActorDefined,
    Agreement,
    AidDelivery,
    Control,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    Location,
    Operation,
    PlaceDefined,
    PluginError,
    Report,
    Retraction,
    Source,
    Statement,
    Strike,
)

AP = Source("Associated Press", "B", 2)
COALITION = Source("Coalition press release", "B", 2)
SANA = Source("SANA", "D", 3)

DESIGN_COLUMNS = """event_id_cnty, event_date, year, time_precision, disorder_type, event_type,
sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction,
civilian_targeting, iso, region, country, admin1, admin2, admin3, location, latitude, longitude,
geo_precision, source, source_scale, notes, fatalities, tags, timestamp"""
"""The columns as docs/DESIGN lists them."""


def reference() -> list[Event]:
    when = {"occurred": "2017", "recorded": "2017-08-01T00:00Z"}
    return [
        PlaceDefined(id="p-qara", key="qara", name="Qara", kind="town", lat=34.154, lon=36.744,
                     country="Syria", admin1="Rif Dimashq", admin2="An Nabk", **when),
        PlaceDefined(id="p-abu-kamal", key="abu-kamal", name="Abu Kamal",
                     aliases=("Abul Kamal", "Albu Kamal"), kind="town", lat=34.45, lon=40.92,
                     country="SY", admin1="Deir ez-Zor", **when),
        PlaceDefined(id="p-humayma", key="humayma", name="Humayma", aliases=("Hamaymah",),
                     kind="village", lat=34.63, lon=39.05, country="SYR", admin1="Homs", **when),
        PlaceDefined(id="p-qalamoun", key="qalamoun", name="Western Qalamoun",
                     aliases=("Qalamun",), kind="region", lat=34.1, lon=36.6, country="Syria",
                     **when),
        PlaceDefined(id="p-arsal", key="arsal", name="Arsal", kind="town", lat=34.18, lon=36.42,
                     country="Lebanon", **when),
        PlaceDefined(id="p-nowhere", key="nowhere", name="Nowhere", **when),
        ActorDefined(id="a-isis", key="isis", name="Islamic State", aliases=("ISIS", "ISIL"),
                     kind="jihadist group", **when),
        ActorDefined(id="a-coalition", key="coalition", name="US-led coalition",
                     kind="coalition", **when),
        ActorDefined(id="a-hezbollah", key="hezbollah", name="Hezbollah", kind="militia",
                     country="Lebanon", **when),
        ActorDefined(id="a-saa", key="saa", name="Syrian Arab Army", kind="state forces",
                     country="Syria", **when),
        ActorDefined(id="a-laf", key="laf", name="Lebanese Army", kind="state forces",
                     country="Lebanon", **when),
    ]  # fmt: skip


LEARNT = datetime(2017, 9, 1, 12, tzinfo=UTC)
"""When the test logs record an event given without ``recorded``: a fixed clock, so
that two logs of the same events render the same (the ``timestamp`` column)."""


def report_of(events: list[Event], **options: object) -> Report:
    plugins = sitrep_core.Plugins.load(autoload=False, extra=[sitrep_acled])
    log = plugins.open_log("memory:", clock=lambda: LEARNT)
    log.append(events)
    return plugins.report(log, **options)


def export(events: list[Event], **options: object) -> AcledExport:
    found = report_of(reference() + events, **options).extra["acled"]
    assert isinstance(found, AcledExport)
    return found


def only_row(events: list[Event]) -> AcledRow:
    (row,) = export(events).rows
    return row


def strike(**fields: object) -> Strike:
    values: dict[str, object] = {
        "id": "strike",
        "occurred": "2017-08-30T16:50",
        "actor": "coalition",
        "targets": ("road", "bridge"),
        "location": Location(
            "road between Humayma and Abu Kamal", "between", ("Hamaymah", "Abul Kamal")
        ),
        "effect": "cratered",
        "sources": (AP,),
        "recorded": "2017-08-30T17:00Z",
    }
    values.update(fields)
    return Strike(**values)  # type: ignore[arg-type]


# -- columns --------------------------------------------------------------------------------


def test_the_columns_are_acleds_in_acleds_order() -> None:
    assert tuple(name.strip() for name in DESIGN_COLUMNS.split(",")) == COLUMNS
    header = sitrep_acled.render_acled(report_of(reference())).splitlines()[0]
    assert header == ",".join(COLUMNS)


def test_a_strike_is_an_air_or_drone_strike() -> None:
    row = only_row([strike(killed=Count.at_least(2, "at least two"))])
    assert (row.disorder_type, row.event_type, row.sub_event_type) == (
        "Political violence",
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert row.event_id_cnty == "SYR12"  # the country's code and the event's log position
    assert (row.event_date, row.year, row.time_precision) == ("2017-08-30", 2017, 1)
    assert (row.actor1, row.inter1, row.actor2, row.interaction) == (
        "Global Coalition Against Daesh",  # as ACLED names the coalition
        8,
        None,
        80,
    )
    assert (row.iso, row.region, row.country) == (760, "Middle East", "Syria")
    # a position between two towns: near the first named town, as ACLED picks the nearest
    assert (row.location, row.admin1, row.latitude, row.longitude) == (
        "Humayma",
        "Homs",
        "34.6300",
        "39.0500",
    )
    assert row.geo_precision == 2
    assert row.fatalities == 2
    assert (row.source, row.source_scale) == ("Associated Press", "International")
    assert row.notes.startswith("On 30 August 2017, US-led coalition struck road and bridge")
    assert row.timestamp == int(datetime(2017, 8, 30, 17, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("means", "sub_event_type"),
    [
        (None, "Air/drone strike"),
        ("air strike", "Air/drone strike"),
        ("drone", "Air/drone strike"),
        ("artillery", "Shelling/artillery/missile attack"),
        ("rocket fire", "Shelling/artillery/missile attack"),
        ("IED", "Remote explosive/landmine/IED"),
        ("suicide car bomb", "Suicide bomb"),
        ("hand grenade", "Grenade"),
        ("chlorine gas", "Chemical weapon"),
    ],
)
def test_the_means_of_a_strike_choose_its_sub_event_type(
    means: str | None, sub_event_type: str
) -> None:
    assert only_row([strike(means=means)]).sub_event_type == sub_event_type


@pytest.mark.parametrize(
    ("killed", "fatalities"),
    [
        (None, 0),
        (Count.exact(4), 4),
        (Count.approx(30), 30),
        (Count.at_least(25), 25),
        (Count.at_most(4), 0),
        (Count.between(10, 20), 10),
        (Count(None, "unknown"), 0),
    ],
)
def test_fatalities_are_the_most_conservative_figure(killed: Count | None, fatalities: int) -> None:
    assert only_row([strike(killed=killed)]).fatalities == fatalities


def test_a_struck_convoy_names_its_group_as_the_other_actor() -> None:
    evacuation = Evacuation(id="evac", occurred="2017-08-28", group="ISIS", origins="Qara",
                            convoy="c1", parties=("hezbollah", "saa"))  # fmt: skip
    rows = export([evacuation, strike(convoy="c1", targets=("vehicles",))]).rows
    hit = rows[-1]
    assert (hit.actor1, hit.actor2, hit.inter2, hit.interaction) == (
        "Global Coalition Against Daesh",
        "Islamic State (Syria)",
        2,
        28,
    )
    missed = export([evacuation, strike(convoy="c1", convoy_hit=False)]).rows[-1]
    assert missed.actor2 is None
    assert missed.notes.endswith("The convoy was not hit.")


def test_civilians_struck_are_civilian_targeting() -> None:
    row = only_row([strike(targets=("civilians", "a market"))])
    assert row.civilian_targeting == "Civilian targeting"
    assert (row.actor2, row.inter2, row.interaction) == ("Civilians (Syria)", 7, 78)
    assert only_row([strike()]).civilian_targeting is None


def test_an_agreement_is_an_agreement() -> None:
    deal = Agreement(id="deal", occurred="2017-08-27", parties=("hezbollah", "ISIS", "saa"),
                     area="Qalamun", sources=(SANA, AP, SANA))  # fmt: skip
    row = only_row([deal])
    assert (row.disorder_type, row.event_type, row.sub_event_type) == (
        "Strategic developments",
        "Strategic developments",
        "Agreement",
    )
    assert (row.actor1, row.actor2, row.assoc_actor_1) == (
        "Hezbollah",
        "Islamic State (Syria)",
        "Military Forces of Syria (2000-2024)",
    )
    assert (row.inter1, row.inter2, row.interaction) == (3, 2, 23)
    assert (row.location, row.geo_precision) == ("Western Qalamoun", 3)  # a region only
    assert row.source == "SANA; Associated Press"  # several sources, each once
    assert row.source_scale == "National-International"


def test_an_evacuation_is_another_strategic_development() -> None:
    evacuation = Evacuation(id="evac", occurred="2017-08-28", group="ISIS", origins="Qara",
                            destination="Abu Kamal", parties=("ISIS", "hezbollah", "saa"),
                            fighters=Count.approx(308), convoy="c1",
                            tags=("qalamoun", "deal"))  # fmt: skip
    row = only_row([evacuation])
    assert row.sub_event_type == "Other"
    assert (row.actor1, row.actor2, row.assoc_actor_2) == (
        "Islamic State (Syria)",
        "Hezbollah",
        "Military Forces of Syria (2000-2024)",
    )
    assert (row.location, row.admin1, row.admin2, row.geo_precision) == (
        "Qara",
        "Rif Dimashq",
        "An Nabk",
        1,
    )
    assert row.tags == "qalamoun; deal"


def test_convoy_moves_count_when_the_convoy_stops_turns_or_splits() -> None:
    events: list[Event] = [
        Evacuation(id="evac", occurred="2017-08-28", group="ISIS", origins="Qara", convoy="c1"),
        ConvoyMove(id="moving", occurred="2017-08-28T20:00", convoy="c1", status="moving"),
        ConvoyMove(id="position", occurred="2017-08-29T06:00", convoy="c1", location="km 40"),
        ConvoyMove(id="halted", occurred="2017-08-29", convoy="c1", status="halted",
                   location=Location(None, "near", ("Humayma",))),
        ConvoyMove(id="split", occurred="2017-08-29/2017-09-05", convoy="c1", new_convoy="c2",
                   vehicles={"bus": Count.exact(6)}, status="turned-back"),
        ConvoyMove(id="c2-arrived", occurred="2017-09-06", convoy="c2", status="arrived"),
    ]  # fmt: skip
    found = export(events)
    assert [r.sitrep_event_id for r in found.rows] == ["evac", "halted", "split", "c2-arrived"]
    assert {r.actor1 for r in found.rows} == {"Islamic State (Syria)"}  # the split's too
    # every row is located: a convoy's row where it was last reported, else where it formed
    assert [(r.location, r.geo_precision) for r in found.rows] == [
        ("Qara", 1),
        ("Humayma", 2),
        ("Humayma", 2),
        ("Humayma", 2),
    ]
    assert [(o.event_id, o.type) for o in found.left_out] == [
        ("moving", "convoy-move"),
        ("position", "convoy-move"),
    ]
    assert "routine movement" in found.left_out[0].reason


def test_control_changes_are_transfers_of_territory() -> None:
    events: list[Event] = [
        Control(id="gained", occurred="2017-08-28", actor="hezbollah", area="Arsal",
                status="gained", via=("saa",)),
        Control(id="controls", occurred="2017-08-28", actor="ISIS", area="Qara"),
        Control(id="cleared", occurred="2017-08-31", actor="laf", area="Arsal", status="cleared"),
    ]  # fmt: skip
    found = export(events)
    assert [(r.sitrep_event_id, r.sub_event_type) for r in found.rows] == [
        ("gained", "Non-violent transfer of territory"),
        ("cleared", "Non-violent transfer of territory"),
    ]
    gained, cleared = found.rows
    assert (gained.assoc_actor_1, gained.country, gained.iso, gained.event_id_cnty[:3]) == (
        "Military Forces of Syria (2000-2024)",
        "Lebanon",
        422,
        "LBN",
    )
    assert cleared.inter1 == 1  # state forces at home
    assert found.left_out[0].event_id == "controls"


def test_operations_map_by_their_kind() -> None:
    events: list[Event] = [
        Operation(id="bombardment", occurred="2017-08-19/2017-08-21", kind="bombardment",
                  actors=("hezbollah", "saa"), against=("ISIS",), area="Qalamun"),
        Operation(id="offensive", occurred="2017-08", kind="offensive", actors=("laf",),
                  against=("ISIS",), near=("Arsal",)),
        Operation(id="base", occurred="2017-08-20", kind="forward base", actors=("hezbollah",),
                  near=("Qara",)),
        Operation(id="siege", occurred="2017-08-20", kind="siege", actors=("saa",)),
        Operation(id="long", occurred="2017", kind="offensive", actors=("saa",)),
    ]  # fmt: skip
    found = export(events)
    coded = {r.sitrep_event_id: (r.event_type, r.sub_event_type) for r in found.rows}
    assert coded == {
        "bombardment": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        "offensive": ("Battles", "Armed clash"),
        "base": ("Strategic developments", "Headquarters or base established"),
    }
    offensive = next(r for r in found.rows if r.sitrep_event_id == "offensive")
    assert (offensive.event_date, offensive.time_precision) == ("2017-08-16", 3)
    assert offensive.notes.startswith("In August 2017, ")
    assert {o.event_id: o.type for o in found.left_out} == {
        "siege": "operation",
        "long": "operation",
    }
    assert "within a month" in next(o.reason for o in found.left_out if o.event_id == "long")


@pytest.mark.parametrize(
    ("occurred", "date", "precision", "words"),
    [
        ("2017-08-30", "2017-08-30", 1, "On 30 August 2017"),
        ("2017-08-30T16:50", "2017-08-30", 1, "On 30 August 2017"),
        ("2017-08-30T23:30+03:00", "2017-08-30", 1, "On 30 August 2017"),  # the local date
        ("2017-08-30~", "2017-08-30", 2, "Around 30 August 2017"),
        ("2017-08-30?", "2017-08-30", 2, "Around 30 August 2017"),
        ("2017-08-30T10:00/2017-08-30T12:00", "2017-08-30", 1, "On 30 August 2017"),
        ("2017-08-27/2017-08-30", "2017-08-29", 2, "Between 27 August 2017 and 30 August 2017"),
        ("2017-08-29/2017-09-05", "2017-09-02", 3, "Between 29 August 2017 and 5 September 2017"),
        ("2017-08", "2017-08-16", 3, "In August 2017"),
    ],
)
def test_time_precision_follows_what_is_known(
    occurred: str, date: str, precision: int, words: str
) -> None:
    row = only_row([strike(occurred=occurred)])
    assert (row.event_date, row.time_precision) == (date, precision)
    assert row.notes.startswith(f"{words}, ")


@pytest.mark.parametrize("occurred", ["2017", "2017-07/2017-09", "2017-08-01/.."])
def test_an_event_known_only_within_more_than_a_month_is_left_out(occurred: str) -> None:
    found = export([strike(occurred=occurred)])
    assert found.rows == ()
    assert [o.event_id for o in found.left_out] == ["strike"]


@pytest.mark.parametrize(
    ("where", "location", "precision"),
    [
        (Location(None, "at", ("Qara",)), "Qara", 1),
        (Location("Qara"), "Qara", 1),
        (Location("the eastern outskirts", "east-of", ("Qara",)), "Qara", 2),
        (Location(None, "near", ("Qara",)), "Qara", 2),
        (Location(None, "around", ("Qara",)), "Qara", 3),
        (Location(None, "between", ("Qara", "Arsal")), "Qara", 2),
        (Location(None, "near", ("Nowhere", "Qara")), "Qara", 2),
        (Location(None, "near", ("Someplace unknown", "Qara")), "Qara", 2),
        (Location(None, "in", ("Qalamun",)), "Western Qalamoun", 3),
        (Location(None, "at", ("Nowhere",)), "Nowhere", None),
        (Location(None, "at", ("Someplace unknown",)), "Someplace unknown", None),
        (Location("somewhere in the desert"), "somewhere in the desert", None),
    ],
)
def test_geo_precision_follows_what_is_known(
    where: Location, location: str, precision: int | None
) -> None:
    row = only_row([strike(location=where)])
    assert (row.location, row.geo_precision) == (location, precision)
    assert (row.latitude is None) is (precision is None)


def test_statements_and_aid_are_left_out_with_the_reason() -> None:
    found = export(
        [
            Statement(
                id="said",
                occurred="2017-08-29",
                speaker="Brett McGurk",
                subject="the deal",
                stances=("condemns",),
            ),
            AidDelivery(id="aid", occurred="2017-09-02", items=("food",), convoy="c1"),
        ]
    )
    assert found.rows == ()
    assert {o.event_id: o.reason for o in found.left_out} == {
        "said": "ACLED codes no statements",
        "aid": "ACLED codes no aid deliveries",
    }


def test_corrections_and_retractions_apply() -> None:
    wrong = strike(id="s1", killed=Count.exact(12))
    fixed = strike(id="s2", corrects="s1", killed=Count.exact(2), occurred="2017-08-30T17:10")
    other = strike(id="s3", occurred="2017-08-31")
    withdrawn = Retraction(id="r1", occurred="2017-09-01", retracts="s3")
    rows = export([wrong, fixed, other, withdrawn]).rows
    assert [(r.sitrep_event_id, r.fatalities) for r in rows] == [("s2", 2)]


def test_the_report_moment_applies() -> None:
    rows = export([strike(id="early", occurred="2017-08-29"), strike()], as_of="2017-08-29").rows
    assert [r.sitrep_event_id for r in rows] == ["early"]


# -- the CSV ------------------------------------------------------------------------------------


def read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_csv_is_rfc_4180_and_deterministic() -> None:
    events = [
        strike(id="b", occurred="2017-08-31", notes='said "no",\nthen left'),
        strike(id="a", occurred="2017-08-30", sources=(AP, COALITION)),
        Agreement(id="deal", occurred="2017-08-30", parties=("hezbollah", "ISIS")),
    ]
    report = report_of(reference() + events)
    text = sitrep_acled.render_acled(report)
    # the same events in another log: the same CSV, whenever the test runs
    assert text == sitrep_acled.render_acled(report_of(reference() + events))
    assert text.endswith("\r\n") and "\r\n" in text.splitlines(keepends=True)[0]
    rows = read(text)
    assert [r["event_id_cnty"] for r in rows] == ["SYR13", "XXX14", "SYR12"]  # by date, position
    assert rows[0]["source"] == "Associated Press; Coalition press release"
    assert rows[2]["notes"].endswith('said "no",\nthen left')
    assert rows[1]["latitude"] == "" and rows[1]["fatalities"] == "0"
    # an event given without ``recorded`` has the time its log recorded it
    assert rows[1]["timestamp"] == str(int(LEARNT.timestamp()))
    assert rows[0]["timestamp"] == str(int(datetime(2017, 8, 30, 17, tzinfo=UTC).timestamp()))


def test_cells_that_look_like_formulas_stay_text() -> None:
    hostile = strike(actor='=HYPERLINK("https://evil.example")', tags=("@x",))
    (row,) = read(sitrep_acled.render_acled(report_of([*reference(), hostile])))
    assert row["actor1"] == '\'=HYPERLINK("https://evil.example")'
    assert row["tags"] == "'@x"
    assert row["latitude"] == "34.6300"  # numbers are left alone


def test_a_report_without_the_projection_is_refused() -> None:
    log = sitrep_core.open_log("memory:")
    log.append(reference())
    with pytest.raises(PluginError, match="build it with this plugin loaded"):
        sitrep_acled.render_acled(sitrep_core.build_report(log))


# -- the plugin -----------------------------------------------------------------------------------


def test_the_distribution_declares_its_entry_point() -> None:
    found = [ep for ep in importlib.metadata.entry_points(group="sitrep") if ep.name == "acled"]
    assert [ep.value for ep in found] == ["sitrep_acled"]
    assert found[0].load() is sitrep_acled


def test_sitrep_core_loads_it_as_an_installed_plugin() -> None:
    plugins = sitrep_core.Plugins.load(only=["acled"])
    assert plugins.renderer("acled") is sitrep_acled.RENDERER
    assert plugins.renderer("acled").media_type == "text/csv"
    assert plugins.renderer("acled").extension == ".csv"
    assert "acled" in [p.name for p in plugins.projections()]
    (info,) = [i for i in plugins.listing() if i.name == "acled"]
    assert info.hooks == (
        "sitrep_event_types",
        "sitrep_importers",
        "sitrep_projections",
        "sitrep_renderers",
    )
    assert plugins.importer("acled") is sitrep_acled.IMPORTER
    log = plugins.open_log("memory:")
    log.append([*reference(), strike()])
    rows = read(plugins.render(plugins.report(log), "acled"))
    assert [r["sub_event_type"] for r in rows] == ["Air/drone strike"]
