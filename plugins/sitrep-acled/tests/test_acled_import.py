"""ACLED files into a log and back: the same rows, errors by line and column, the
seed's rows located and coded as ACLED codes them, claims never summed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sitrep_acled
from sitrep_acled import COLUMNS, AcledEvent

import sitrep_core
from sitrep_core import (
    ActorDefined,
    Agreement,
    Count,
    Event,
    FigureReported,
    Location,
    PlaceDefined,
    Source,
    Strike,
    ValidationError,
)
from sitrep_core.codec import InputErrors

SEED = Path(__file__).resolve().parents[3] / "examples" / "qalamoun-2017" / "events.jsonl"
LEARNT = datetime(2017, 9, 1, 12, tzinfo=UTC)
AP = Source("Associated Press", "B", 2)


def plugins() -> sitrep_core.Plugins:
    return sitrep_core.Plugins.load(autoload=False, extra=[sitrep_acled])


def csv_of(events: list[Event], **options: object) -> str:
    loaded = plugins()
    log = loaded.open_log("memory:", clock=lambda: LEARNT)
    log.append(events)
    return sitrep_acled.render_acled(loaded.report(log, **options))


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def seed() -> list[Event]:
    codec = plugins().codec
    return codec.read_input(SEED.read_bytes(), source=str(SEED))


def places() -> list[Event]:
    return [
        PlaceDefined(id="p-humayma", occurred="2017", key="humayma", name="Humayma",
                     lat=34.66, lon=39.63, country="SY", admin1="Homs", admin2="Tadmor"),
        PlaceDefined(id="p-qara", occurred="2017", key="qara", name="Qara", lat=34.156,
                     lon=36.744, country="SY", admin1="Rural Damascus", admin2="An Nabk",
                     admin3="Qara"),
    ]  # fmt: skip


# -- the seed's rows, as the issue found them --------------------------------------------


def test_every_row_of_the_seed_is_located_in_a_country() -> None:
    rows = rows_of(csv_of(seed()))
    assert len(rows) >= 14
    for row in rows:
        assert row["country"] in ("Syria", "Lebanon"), row
        assert row["iso"] in ("760", "422") and not row["event_id_cnty"].startswith("XXX")
        assert row["latitude"] and row["longitude"] and row["geo_precision"]


def test_strikes_on_the_convoys_fighters_are_rebels_against_others() -> None:
    rows = rows_of(csv_of(seed()))
    fighters = [r for r in rows if r["sub_event_type"] == "Air/drone strike" and r["actor2"]]
    assert fighters, "the strikes on the convoy's fighters name ISIS as actor2"
    for row in fighters:
        assert (row["actor1"], row["inter1"]) == ("Global Coalition Against Daesh", "8")
        assert (row["actor2"], row["inter2"], row["interaction"]) == (
            "Islamic State (Syria)",
            "2",
            "28",
        )


def test_a_ceasefire_naming_no_party_takes_the_sides_that_fought_there() -> None:
    rows = rows_of(csv_of(seed()))
    (ceasefire,) = [r for r in rows if ", Ceasefire over" in r["notes"]]
    assert ceasefire["actor1"] == "Hezbollah"
    assert ceasefire["actor2"] == "Islamic State (Syria)"


def test_source_scale_and_admin_levels_where_known() -> None:
    text = csv_of([*places(), Strike(id="s", occurred="2017-08-30", actor="coalition",
                                     location=Location(None, "at", ("qara",)),
                                     sources=(AP, Source("SANA", "D", 3)))])  # fmt: skip
    (row,) = rows_of(text)
    assert row["source_scale"] == "National-International"
    assert (row["admin1"], row["admin2"], row["admin3"]) == ("Rural Damascus", "An Nabk", "Qara")


def test_an_actor_tagged_with_its_acled_name_is_exported_so() -> None:
    tagged = ActorDefined(
        id="a",
        occurred="2017",
        key="kibw",
        name="Khalid ibn al-Walid Army",
        kind="armed group",
        tags=("acled:Jaish Khalid Bin Al Waleed",),
    )
    text = csv_of([*places(), tagged, Strike(id="s", occurred="2017-08-30", actor="kibw",
                                             location="Qara")])  # fmt: skip
    (row,) = rows_of(text)
    assert (row["actor1"], row["inter1"]) == ("Jaish Khalid Bin Al Waleed", "2")


# -- claims are never summed --------------------------------------------------------------


def test_an_attack_reported_twice_is_one_row_with_the_most_conservative_figure() -> None:
    first = Strike(
        id="s1",
        occurred="2017-08-30",
        actor="coalition",
        incident="hit",
        location="Humayma",
        killed=Count.at_least(12),
        sources=(AP,),
    )
    second = Strike(
        id="s2",
        occurred="2017-08-30",
        actor="coalition",
        incident="hit",
        location="Humayma",
        killed=Count.approx(9),
        sources=(Source("SANA"),),
    )
    figure = FigureReported(id="f", occurred="2017-08-31", subject="hit", measure="killed",
                            count=Count.between(7, 15))  # fmt: skip
    rows = rows_of(csv_of([*places(), first, second, figure]))
    assert len(rows) == 1
    assert rows[0]["fatalities"] == "7"  # the lowest any claim allows: never 12 + 9


# -- the CSV ------------------------------------------------------------------------------------


def test_the_excel_format_starts_with_a_byte_order_mark() -> None:
    loaded = plugins()
    log = loaded.open_log("memory:")
    log.append([*places(), Strike(id="s", occurred="2017-08-30", location="Qara")])
    report = loaded.report(log)
    excel = loaded.render(report, "acled-excel")
    plain = loaded.render(report, "acled")
    assert excel == "\ufeff" + plain
    assert excel.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert not plain.startswith("\ufeff")


def test_a_negative_coordinate_is_a_number_not_a_formula() -> None:
    west = PlaceDefined(id="p", occurred="2017", key="w", name="West", lat=-12.5, lon=-70.25,
                        country="Peru")  # fmt: skip
    (row,) = rows_of(csv_of([west, Strike(id="s", occurred="2017-08-30", location="West")]))
    assert (row["latitude"], row["longitude"]) == ("-12.5000", "-70.2500")


# -- import, and back ---------------------------------------------------------------------------


def test_exporting_importing_and_exporting_again_gives_the_same_rows() -> None:
    exported = csv_of(seed())
    events = sitrep_acled.read_acled(exported.encode("utf-8"), "seed.csv")
    again = csv_of(events)
    assert rows_of(again) == rows_of(exported)
    assert again == exported


def test_the_excel_export_imports_too() -> None:
    exported = "\ufeff" + csv_of(seed())
    events = sitrep_acled.read_acled(exported.encode("utf-8"), "seed.csv")
    assert rows_of(csv_of(events)) == rows_of(exported)


ACLED_FILE = """event_id_cnty,event_date,year,time_precision,disorder_type,event_type,\
sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,\
civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,\
geo_precision,source,source_scale,notes,fatalities,tags,timestamp,population_best\r
SYR100,2017-08-30,2017,1,Political violence,Explosions/Remote violence,Air/drone strike,\
Global Coalition Against Daesh,,External/Other forces,Islamic State (Syria),,Rebel group,\
Rebel group-External/Other forces,,760,Middle East,Syria,Homs,Tadmor,,Humayma,34.6600,\
39.6300,2,Associated Press,International,"On 30 August 2017, coalition aircraft struck \
IS fighters near Humayma.",4,,1504112400,\r
SYR101,31 August 2017,2017,2,Political violence; Demonstrations,Riots,Mob violence,\
Rioters (Syria),,5,Civilians (Syria),,7,57,Civilian targeting,760,Middle East,Syria,Homs,\
Tadmor,,Humayma,34.6600,39.6300,1,Local media,Subnational,A crowd attacked a shop.,0,\
crowd size=dozens,1504200000,120\r
"""


def test_a_real_acled_file_imports_with_its_columns_and_codes() -> None:
    events = sitrep_acled.read_acled(ACLED_FILE.encode("utf-8"), "acled.csv")
    strike = next(e for e in events if e.id == "SYR100")
    assert isinstance(strike, Strike)
    assert strike.killed == Count.exact(4)
    assert strike.occurred.text == "2017-08-30"
    assert strike.location is not None and strike.location.relation == "near"
    riot = next(e for e in events if e.id == "SYR101")
    assert isinstance(riot, AcledEvent)  # no built-in type says a riot
    assert (riot.event_type, riot.sub_event_type, riot.inter1, riot.inter2) == (
        "Riots",
        "Mob violence",
        5,
        7,
    )
    assert riot.occurred.text == "2017-08-28/2017-09-03"  # within a week of the 31st
    names = {e.name for e in events if isinstance(e, ActorDefined)}
    assert {"Global Coalition Against Daesh", "Islamic State (Syria)", "Rioters (Syria)"} <= names
    rows = rows_of(csv_of(events))
    assert [r["event_id_cnty"] for r in rows] == ["SYR100", "SYR101"]
    assert rows[1]["event_date"] == "2017-08-31"
    assert (rows[0]["interaction"], rows[1]["interaction"]) == ("28", "57")
    assert rows[1]["tags"] == "crowd size=dozens"
    assert rows[0]["notes"].startswith("On 30 August 2017, coalition aircraft")


def test_importing_the_same_file_twice_appends_nothing_new() -> None:
    loaded = plugins()
    log = loaded.open_log("memory:")
    data = ACLED_FILE.encode("utf-8")
    first = log.append(sitrep_acled.read_acled(data, "acled.csv"))
    second = log.append(sitrep_acled.read_acled(data, "acled.csv"))
    assert first.records and not second.records


@pytest.mark.parametrize(
    ("change", "line", "column", "message"),
    [
        (("2017-08-30,2017,1", "2017-13-45,2017,1"), 2, "event_date", "not a date"),
        (("Air/drone strike", "Air strike"), 2, "sub_event_type", "not a sub-event type"),
        (("39.6300,2,Associated", "east,2,Associated"), 2, "longitude", "not a number"),
        (("34.6600,\\\n39.6300,2", "134.6600,\\\n39.6300,2"), 2, "latitude", "outside"),
        (("Civilians (Syria),,7,57", "Civilians (Syria),,9,57"), 3, "inter2", "actor type"),
        (("SYR101", "SYR100"), 3, "event_id_cnty", "also on line 2"),
        (("Tadmor,,Humayma,34.6600,39.6300,1", "Tadmor,,Humayma,34.6600,39.6300,4"), 3,
         "geo_precision", "not one of 1, 2, 3"),
    ],
)  # fmt: skip
def test_a_bad_cell_is_named_by_line_and_column(
    change: tuple[str, str], line: int, column: str, message: str
) -> None:
    old, new = change
    text = ACLED_FILE.replace(old.replace("\\\n", ""), new.replace("\\\n", ""), 1)
    assert text != ACLED_FILE
    with pytest.raises(ValidationError) as caught:
        sitrep_acled.read_acled(text.encode("utf-8"), "acled.csv")
    assert (caught.value.source, caught.value.line, caught.value.field) == (
        "acled.csv",
        line,
        column,
    )
    assert message in caught.value.message


def test_every_bad_row_is_named_and_nothing_is_read() -> None:
    text = ACLED_FILE.replace("2017-08-30,2017", "someday,2017").replace("Mob violence", "Brawl")
    with pytest.raises(InputErrors) as caught:
        sitrep_acled.read_acled(text.encode("utf-8"), "acled.csv")
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (2, "event_date"),
        (3, "sub_event_type"),
    ]
    assert "acled.csv, line 2, field event_date" in str(caught.value)


def test_a_file_without_acleds_columns_is_refused_at_its_header() -> None:
    with pytest.raises(ValidationError, match=r"lacks the columns? .*latitude") as caught:
        sitrep_acled.read_acled(b"event_id_cnty,event_date\r\nX1,2017-01-01\r\n", "x.csv")
    assert caught.value.line == 1


def test_a_file_that_is_not_utf8_is_named_with_its_line() -> None:
    data = ACLED_FILE.replace("Humayma", "Hama\xefma").encode("latin-1")
    with pytest.raises(ValidationError, match="not UTF-8") as caught:
        sitrep_acled.read_acled(data, "acled.csv")
    assert caught.value.line == 2


def test_an_agreement_imports_as_an_agreement() -> None:
    deal = Agreement(id="deal", occurred="2017-08-27", parties=("ISIS", "hezbollah"), area="qara")
    exported = csv_of([*places(), deal])
    events = sitrep_acled.read_acled(exported.encode(), "deal.csv")
    (deal,) = [e for e in events if e.TYPE == "agreement"]
    assert isinstance(deal, Agreement)
    assert len(deal.parties) == 2
    assert csv_of(events) == exported


def test_the_columns_written_are_the_columns_read() -> None:
    header = csv_of(places()).splitlines()[0]
    assert header.split(",") == list(COLUMNS)


# -- the command line ------------------------------------------------------------------------


def _sitrep(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from sitrep_core.cli._main import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["-p", "sitrep_acled", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_sitrep_import_appends_an_acled_file_and_renders_it_back(tmp_path: Path) -> None:
    source = tmp_path / "acled.csv"
    source.write_bytes(ACLED_FILE.encode("utf-8"))
    log = tmp_path / "desk.jsonl"
    assert _sitrep("init", str(log))[0] == 0
    code, out, err = _sitrep("import", str(log), str(source), "--format", "acled")
    assert code == 0, err
    assert out.startswith("imported ") and "0 already in the log" in out
    code, out, _ = _sitrep("import", str(log), str(source), "--format", "acled", "--json")
    assert code == 0 and '"imported": 0' in out  # the same file again: nothing new
    code, out, err = _sitrep("render", str(log), "--format", "acled")
    assert code == 0, err
    assert [r["event_id_cnty"] for r in rows_of(out)] == ["SYR100", "SYR101"]
    assert str(tmp_path) not in out  # no output names the log by its path


def test_sitrep_import_names_each_bad_row_and_appends_nothing(tmp_path: Path) -> None:
    bad = ACLED_FILE.replace("2017-08-30,2017", "someday,2017").replace("Mob violence", "Brawl")
    log = tmp_path / "desk.jsonl"
    code, _, err = _sitrep("import", str(log), "-", "--format", "acled", stdin=bad.encode())
    assert code == 2
    assert "<stdin>, line 2, field event_date" in err
    assert "<stdin>, line 3, field sub_event_type" in err
    assert not log.exists() or log.read_bytes() == b""


def test_sitrep_import_lists_the_formats_it_reads() -> None:
    code, out, _ = _sitrep("import", "--help")
    assert code == 0 and "acled" in out
    code, _, err = _sitrep("import", "x.jsonl", "x.csv", "--format", "ucdp")
    assert code == 2 and "known formats: acled" in err
