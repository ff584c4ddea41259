"""The SQLite store's readable views: events as rows of plain columns, for Datasette."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sitrep_core import (
    ActorDefined,
    Agreement,
    Control,
    Location,
    PlaceDefined,
    Source,
    Strike,
    open_log,
)

REFERENCE = [
    ActorDefined(id="a1", occurred="2017", key="isis", name="Islamic State", aliases=("ISIS",)),
    ActorDefined(id="a2", occurred="2017", key="coalition", name="US-led coalition"),
    PlaceDefined(id="p1", occurred="2017", key="qara", name="Qara", aliases=("Qarah",),
                 lat=34.156, lon=36.744, country="Syria"),
]  # fmt: skip


def rows(path: Path, query: str) -> list[dict[str, object]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(query)]
    finally:
        conn.close()


def test_each_event_is_a_row_with_its_place_and_actors(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    with open_log(path) as log:
        log.append([
            *REFERENCE,
            Strike(id="s1", occurred="2017-08-30", actor="coalition", targets=("ISIS",),
                   location=Location(None, "near", ("Qarah",)), sources=(Source("AP", "B", 2),),
                   notes="a note"),
            Agreement(id="d1", occurred="2017-08-27", parties=("isis", "coalition")),
            Control(id="c1", occurred="2017-08", actor="isis", area="qara"),
        ])  # fmt: skip
    found = {r["id"]: r for r in rows(path, "SELECT * FROM events")}
    assert len(found) == 6  # reference data too: every record of the log
    strike = found["s1"]
    assert (strike["type"], strike["occurred"], strike["place"]) == ("strike", "2017-08-30", "Qara")
    assert (strike["latitude"], strike["longitude"]) == (34.156, 36.744)
    assert strike["actors"] == "US-led coalition"
    assert strike["headline"] == "coalition struck ISIS"
    assert (strike["sources"], strike["notes"]) == ("AP", "a note")
    assert found["d1"]["headline"] == "deal between isis, coalition"  # the default kind
    assert set(str(found["d1"]["actors"]).split("; ")) == {"Islamic State", "US-led coalition"}
    assert found["c1"]["headline"] == "isis controls qara"
    assert found["c1"]["place"] == "Qara"
    assert list(strike) == [
        "position", "id", "type", "occurred", "recorded", "headline", "actors", "place",
        "latitude", "longitude", "sources", "notes", "corrects", "retracts",
    ]  # fmt: skip


def test_a_later_definition_of_a_place_wins(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    moved = PlaceDefined(id="p2", occurred="2017", key="qara", name="Qara", lat=34.2, lon=36.7)
    with open_log(path) as log:
        log.append([*REFERENCE, moved])
    (place,) = rows(path, "SELECT key, latitude, longitude FROM places")
    assert place == {"key": "qara", "latitude": 34.2, "longitude": 36.7}
    assert [a["name"] for a in rows(path, "SELECT name FROM actors ORDER BY key")] == [
        "US-led coalition",
        "Islamic State",
    ]


def test_the_views_store_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    with open_log(path) as log:
        log.append(REFERENCE)
    kinds = {r["name"]: r["type"] for r in rows(path, "SELECT name, type FROM sqlite_master")}
    assert {kinds["events"], kinds["places"], kinds["actors"]} == {"view"}
    with open_log(path) as again:  # reopening creates nothing new
        assert again.verify()
