"""The seed's four dated reports, as a reader sees them: each fact with its source, its
qualifier and its date, in Markdown, HTML and JSON, on both clocks.

The facts are the seed text's (`../shared/seed`), written here as a reader would look
for them: the words of the report, not the code's. A fact is checked in a format's
visible text (Markdown without its escapes, HTML without its tags) and, where the JSON
holds it as data, there too.
"""

from __future__ import annotations

import html.parser
import re
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

import sitrep_core as sr

ROOT = Path(__file__).parents[1]
EVENTS = ROOT / "examples" / "qalamoun-2017" / "events.jsonl"
RUN = ROOT / "examples" / "qalamoun-2017" / "run.py"

MOMENTS = ["2017-08-30T16:50Z", "2017-08-31T12:00Z", "2017-09-02T12:00Z", "2017-09-05T12:00Z"]

# (moment from which it is known, words a reader must find); each fact holds from its
# moment on, and must not appear before it
FACTS: list[tuple[str, str]] = [
    # the first report, recorded 30 Aug 09:00
    (MOMENTS[0], "Fighters in the Qalamoun convoy: around 308 (reports, F3; 28 Aug 2017)"),
    (MOMENTS[0], "Civilians in the Qalamoun convoy: 331 (reports, F3; 28 Aug 2017)"),
    (MOMENTS[0], "Wounded in the Qalamoun convoy: at least 25 (Hezbollah officials, C3"),
    (MOMENTS[0], "Buses: 17 at formation (Hezbollah officials, C3)"),
    (MOMENTS[0], "Ambulances: 11 at formation (Hezbollah officials, C3); not reported since"),
    (MOMENTS[0], "Video of the evacuation of ISIS fighters, issued by Ruptly"),
    (MOMENTS[0], "at Qara"),
    (MOMENTS[0], "bound for Abu Kamal"),
    (MOMENTS[0], "ISIS fighters should be killed on the battlefield"),
    (MOMENTS[0], "insult to the Iraqi people"),
    (MOMENTS[0], "Lebanon being free of ISIS"),
    (MOMENTS[0], "still assessing whether civilians are present"),
    (MOMENTS[0], "we will strike when we can"),
    (MOMENTS[0], "before 31 Jul 2017"),  # the Arsal deal, dated only by its evacuation
    (MOMENTS[0], "around 8,000"),
    # UPDATE 30 Aug 16:50 (Associated Press)
    (MOMENTS[0], "struck road and bridge"),
    (MOMENTS[0], "Associated Press (B2)"),
    (MOMENTS[0], "has not ruled out the possibility to hit the convoy itself"),
    # UPDATE 31 Aug (Coalition press release)
    (MOMENTS[1], "road cratered"),
    (MOMENTS[1], "struck vehicles and fighters"),
    (MOMENTS[1], "The US-led Coalition on the Qalamoun convoy: warns (before: threatens)"),
    (MOMENTS[1], "ring hollow"),
    (MOMENTS[1], "The Coalition was not a party to any agreement"),
    (MOMENTS[1], "aimed at Russia and the Syrian regime"),
    # UPDATE 2 Sep (Coalition update)
    (MOMENTS[2], "in the Syrian Desert between Humayma and As Sukhnah"),
    (MOMENTS[2], "hundreds (Coalition update (2 Sep 2017), B2"),
    (MOMENTS[2], "tank"),
    (
        MOMENTS[2],
        "in the Syrian Desert between Humayma and As Sukhnah (17 buses; hundreds of fighters)",
    ),
    (MOMENTS[2], "Food and water delivered to the Qalamoun convoy"),
    (MOMENTS[2], "passed on through Russia"),
    (MOMENTS[2], "makes a proposal over the women and children in the convoy"),
    (MOMENTS[2], "also for Iraq"),
    # UPDATE 5 Sep (Coalition statement)
    (MOMENTS[3], "stalled since 29 Aug 2017 (day 7)"),
    (MOMENTS[3], "in the Syrian Desert east of As Sukhnah"),
    (MOMENTS[3], "6 turned back toward Palmyra"),
    (
        MOMENTS[3],
        "toward the Syrian-Iraqi border, because Coalition strikes prevented its movement",
    ),
    (MOMENTS[3], "11 with the convoy on 5 Sept 2017"),
    (MOMENTS[3], "blames the Syrian regime over the women and children in the convoy"),
    (MOMENTS[3], "This situation is completely on them"),
    (MOMENTS[3], "Today is the seventh day"),
    (MOMENTS[3], "unimpeded by any Coalition action"),
    (MOMENTS[3], "The Coalition continues to monitor the remaining 11 buses"),
]

# words a report must never show a reader: internal ids and keys, raw date strings
FORBIDDEN = re.compile(
    r"qal-[0-9s]\d\d|qalamoun-(convoy|deal)|isis-in-lebanon|us-led-coalition|syrian-regime"
    r"|\d{4}-\d\d(-\d\d)?[~?%]?/(\d{4}|\.\.)|\.\./\d{4}|\d{4}-\d\d-\d\dT"
)


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip += tag in ("style", "script", "title", "desc")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script", "title", "desc")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible(document: str, fmt: str) -> str:
    """What a reader sees: HTML without tags, Markdown without its escapes."""
    if fmt == "html":
        parser = _Text()
        parser.feed(document)
        document = "".join(parser.parts)
    else:
        document = re.sub(r"\\(.)", r"\1", document).replace("**", "")
    return " ".join(document.split())


@pytest.fixture(scope="module")
def plugins() -> sr.Plugins:
    return sr.Plugins.load()


@pytest.fixture(scope="module")
def log(plugins: sr.Plugins) -> sr.EventLog:
    log = plugins.open_log("memory:")
    log.append(log.codec.read_input(EVENTS.read_bytes(), source=str(EVENTS)))
    return log


@pytest.fixture(scope="module")
def rendered(plugins: sr.Plugins, log: sr.EventLog) -> dict[tuple[str, str, str], str]:
    """Every dated report on each clock (``known``: only what was recorded by then;
    ``world``: the world then, from all we know now), in Markdown, HTML and JSON."""
    found = {}
    for moment in MOMENTS:
        for clock, options in (
            ("known", {"as_of": moment, "known_at": moment}),
            ("world", {"as_of": moment}),
        ):
            report = plugins.report(log, title="Qalamoun", **options)
            for fmt in ("markdown", "html", "json"):
                found[(moment, clock, fmt)] = plugins.render(report, fmt)
    return found


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_each_report_states_the_facts_known_then_and_none_learnt_later(
    rendered: dict[tuple[str, str, str], str], moment: str, fmt: str
) -> None:
    text = visible(rendered[(moment, "known", fmt)], fmt)
    missing = [fact for since, fact in FACTS if since <= moment and fact not in text]
    early = [fact for since, fact in FACTS if since > moment and fact in text]
    assert missing == []
    assert early == []


@pytest.mark.parametrize("clock", ["known", "world"])
@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_no_report_shows_an_internal_key_or_a_raw_date(
    rendered: dict[tuple[str, str, str], str], moment: str, fmt: str, clock: str
) -> None:
    text = visible(rendered[(moment, clock, fmt)], fmt)
    assert FORBIDDEN.findall(text) == []


GRADING_IN_BRACKETS_IN_BRACKETS = re.compile(r"\([^()]*\([A-F][1-6]\)\)")


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_grading_in_brackets_is_never_bracketed_again(
    rendered: dict[tuple[str, str, str], str], moment: str, fmt: str
) -> None:
    """ "(Associated Press, B2)", not "(Associated Press (B2))"."""
    text = visible(rendered[(moment, "known", fmt)], fmt)
    assert GRADING_IN_BRACKETS_IN_BRACKETS.findall(text) == []


def _update_lines(markdown: str) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    current = None
    for line in markdown.splitlines():
        if line.startswith("### UPDATE "):
            current = line
            blocks[current] = []
        elif line.startswith("#"):
            current = None
        elif current is not None and line.startswith("- "):
            blocks[current].append(line)
    return blocks


@pytest.mark.parametrize("clock", ["known", "world"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_one_update_a_recorded_minute_up_to_the_moment_no_line_twice(
    rendered: dict[tuple[str, str, str], str], moment: str, clock: str
) -> None:
    blocks = _update_lines(rendered[(moment, clock, "markdown")])
    expected = {
        MOMENTS[0]: ["16:50 UTC on 30 Aug 2017"],
        MOMENTS[1]: ["12:00 UTC on 31 Aug 2017", "16:50 UTC on 30 Aug 2017"],
        MOMENTS[2]: [
            "12:00 UTC on 2 Sept 2017",
            "12:00 UTC on 31 Aug 2017",
            "16:50 UTC on 30 Aug 2017",
        ],
        MOMENTS[3]: [
            "12:00 UTC on 5 Sept 2017",
            "12:00 UTC on 2 Sept 2017",
            "12:00 UTC on 31 Aug 2017",
            "16:50 UTC on 30 Aug 2017",
        ],
    }[moment]
    titles = [re.sub(r"^### UPDATE | \(.*\)$", "", title) for title in blocks]
    assert titles == expected
    for lines in blocks.values():
        assert [line for line, n in Counter(lines).items() if n > 1] == []


def test_the_halt_reported_on_30_august_reads_as_later_corrected_on_5_september(
    rendered: dict[tuple[str, str, str], str],
) -> None:
    blocks = _update_lines(rendered[(MOMENTS[3], "known", "markdown")])
    (aug30,) = [lines for title, lines in blocks.items() if "30 Aug" in title]
    assert any("halted" in line and "(later corrected)" in line for line in aug30)
    (sep5,) = [lines for title, lines in blocks.items() if "5 Sept" in title]
    corrected = [line for line in sep5 if line.startswith("- Corrected: was ")]
    assert len(corrected) == 1
    assert "28\u201330 Aug 2017" in corrected[0] and "now 29 Aug 2017" in corrected[0]


def test_before_the_correction_the_halt_is_dated_as_the_ap_had_it(
    rendered: dict[tuple[str, str, str], str],
) -> None:
    text = visible(rendered[(MOMENTS[2], "known", "markdown")], "markdown")
    assert "turned back between 28 Aug and 2 Sept 2017" in text  # the halt known then: 28-30 Aug
    text = visible(rendered[(MOMENTS[2], "world", "markdown")], "markdown")
    assert "turned back between 29 Aug and 2 Sept 2017" in text  # the halt known now: 29 Aug


def test_the_convoy_has_no_position_until_one_is_reported(
    rendered: dict[tuple[str, str, str], str],
) -> None:
    for moment in MOMENTS[:2]:
        text = visible(rendered[(moment, "known", "markdown")], "markdown")
        assert "its position has not been reported" in text
        assert "Position: not reported" in text
        assert "Last reported" not in text


def _json(rendered: dict[tuple[str, str, str], str], moment: str, clock: str) -> dict:  # type: ignore[type-arg]
    data: dict = orjson.loads(rendered[(moment, clock, "json")])  # type: ignore[type-arg]
    return data


@pytest.mark.parametrize("moment", MOMENTS)
def test_the_json_credits_each_figure_to_the_sources_that_gave_it(
    rendered: dict[tuple[str, str, str], str], moment: str
) -> None:
    data = _json(rendered, moment, "known")
    figures = {f["key"]: f for f in data["figures"]}
    credited = {
        key: sorted({s["name"] for c in f["claims"] for s in c["sources"]})
        for key, f in figures.items()
    }
    assert credited["qalamoun-convoy/civilians"] == ["reports"]
    assert credited["qalamoun-convoy/wounded"] == ["Hezbollah officials"]
    assert credited["qalamoun-convoy/vehicles.bus"] == ["Hezbollah officials"]
    fighters = figures["qalamoun-convoy/fighters"]
    later = moment >= MOMENTS[2]
    assert credited["qalamoun-convoy/fighters"] == (
        ["Coalition update (2 Sep 2017)", "reports"] if later else ["reports"]
    )
    # around 308 and "hundreds" can both be true: they agree, the most specific leads
    assert fighters["disputed"] is False
    assert fighters["value"]["text"] == "around 308"
    assert all(c["agrees"] for c in fighters["claims"])
    assert fighters["subject"] == {
        "key": "qalamoun-convoy",
        "kind": "convoy",
        "name": "Qalamoun convoy",
    }


@pytest.mark.parametrize(
    ("moment", "status", "since", "where"),
    [
        (MOMENTS[0], "halted", "2017-08-28/2017-08-30", None),
        (MOMENTS[1], "halted", "2017-08-28/2017-08-30", None),
        (MOMENTS[2], "turned-back", "2017-08-28/2017-09-02", "between"),
        (MOMENTS[3], "stalled", "2017-08-29", "east-of"),
    ],
)
def test_the_json_convoy_state_on_each_date(
    rendered: dict[tuple[str, str, str], str],
    moment: str,
    status: str,
    since: str,
    where: str | None,
) -> None:
    data = _json(rendered, moment, "known")
    convoy = next(c for c in data["convoys"] if c["convoy"]["key"] == "qalamoun-convoy")
    assert (convoy["status"]["status"], convoy["status"]["since"]) == (status, since)
    if where is None:
        assert convoy["whereabouts"] is None
    else:
        assert convoy["whereabouts"]["location"]["relation"] == where
    buses = next(v for v in convoy["vehicles"] if v["kind"] == "bus")
    assert buses["at_formation"]["count"]["value"] == 17
    assert [d["count"]["value"] for d in buses["detached"]] == ([6] if moment == MOMENTS[3] else [])


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
