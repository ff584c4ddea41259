"""The four dated reports of the seed, rendered in every format, say what the seed says then."""

from __future__ import annotations

import html.parser
import sys
from pathlib import Path

import orjson
import pytest

import sitrep_core as sr

ROOT = Path(__file__).parents[1]
EVENTS = ROOT / "examples" / "qalamoun-2017" / "events.jsonl"
RUN = ROOT / "examples" / "qalamoun-2017" / "run.py"

# what the report written at each UPDATE says, and what it cannot say yet
FACTS: dict[str, tuple[list[str], list[str]]] = {
    "2017-08-30T16:50": (
        [
            "around 308",
            "at least 25",
            "17 buses",
            "11 ambulances",
            "halted",
            "killed on the battlefield",
            "insult to the Iraqi people",
            "bridge",
        ],
        ["turned back", "stalled", "toward Palmyra", "cratered", "completely on them", "hundreds"],
    ),
    "2017-08-31T12:00": (
        ["around 308", "halted", "cratered", "ring hollow", "killed on the battlefield"],
        ["turned back", "stalled", "toward Palmyra", "completely on them", "hundreds"],
    ),
    "2017-09-02T12:00": (
        ["turned back", "between Humayma and As Sukhnah", "hundreds", "around 308", "food", "tank"],
        ["stalled", "toward Palmyra", "completely on them"],
    ),
    "2017-09-05T12:00": (
        [
            "stalled",
            "east of As Sukhnah",
            "Palmyra",
            "completely on them",
            "11 buses",
            "6 buses",
            "around 308",
            "at least 25",
        ],
        [],
    ),
}


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(document: str, fmt: str) -> str:
    if fmt == "html":
        parser = _Text()
        parser.feed(document)
        document = " ".join(parser.parts)
    elif fmt == "markdown":
        document = document.replace("\\", "")  # escapes are not part of what a reader sees
    return " ".join(document.split())


@pytest.fixture(scope="module")
def plugins() -> sr.Plugins:
    return sr.Plugins.load()


@pytest.fixture(scope="module")
def log(plugins: sr.Plugins) -> sr.EventLog:
    log = plugins.open_log("memory:")
    log.append(log.codec.read_input(EVENTS.read_bytes(), source=str(EVENTS)))
    return log


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("moment", list(FACTS))
def test_each_dated_report_says_what_the_seed_says_then(
    plugins: sr.Plugins, log: sr.EventLog, moment: str, fmt: str
) -> None:
    report = plugins.report(log, title="Qalamoun", as_of=moment, known_at=moment)
    text = visible_text(plugins.render(report, fmt), fmt)
    present, absent = FACTS[moment]
    assert [p for p in present if p not in text] == []
    assert [a for a in absent if a in text] == []


@pytest.mark.parametrize(
    ("moment", "status", "buses_now"),
    [
        ("2017-08-30T16:50", "halted", 17),
        ("2017-08-31T12:00", "halted", 17),
        ("2017-09-02T12:00", "turned-back", 17),
        ("2017-09-05T12:00", "stalled", 11),
    ],
)
def test_the_json_report_carries_convoy_state_and_figures(
    plugins: sr.Plugins, log: sr.EventLog, moment: str, status: str, buses_now: int
) -> None:
    report = plugins.report(log, as_of=moment, known_at=moment)
    data = orjson.loads(plugins.render(report, "json"))
    convoy = next(c for c in data["convoys"] if c["id"] == "qalamoun-convoy")
    assert convoy["status"] == status
    buses = next(v for v in convoy["vehicles"] if v["kind"] == "bus")
    assert buses["total"]["value"] == 17
    assert buses["current"]["value"] == buses_now
    fighters = next(f for f in data["figures"] if f["key"] == "qalamoun-convoy/fighters")
    value = fighters["value"]
    assert (value["value"], value["qualifier"], value["text"]) == (308, "approx", "around 308")
    assert fighters["disputed"] is (moment >= "2017-09-02")
    mcgurk = next(s for s in data["stances"] if s["actor"] == "united-states")
    assert mcgurk["stance"] == "condemns"


def test_the_example_script_writes_every_report(tmp_path: Path, plugins: sr.Plugins) -> None:
    import subprocess

    target = tmp_path / "qalamoun.jsonl"
    done = subprocess.run(
        [sys.executable, str(RUN), str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    formats = plugins.renderers()
    for label in ("2017-08-30T1650", "2017-08-31", "2017-09-02", "2017-09-05"):
        for renderer in formats.values():
            written = tmp_path / f"report-{label}{renderer.extension}"
            assert written.stat().st_size > 0, written
    markdown = (tmp_path / "report-2017-09-05.md").read_text()
    assert "Palmyra" in markdown
