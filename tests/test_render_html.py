"""The HTML renderer: a self-contained, accessible page in which no text from a log is
live, that reads on a phone and a desk, passes the W3C Nu checker, and whose pictures
claim no more than the sources do."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from itertools import count as counter
from itertools import cycle, pairwise
from pathlib import Path

import pluggy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitrep_core
import sitrep_core.plugins._hookspecs
from sitrep_core import (
    ActorDefined,
    Agreement,
    AidDelivery,
    ConvoyMove,
    Count,
    Evacuation,
    Event,
    Location,
    PlaceDefined,
    Report,
    Source,
    Statement,
    Strike,
    build_report,
    open_log,
)
from sitrep_core.plugins._builtins import BUILTIN_PLUGINS
from sitrep_core.renderers import event_phrase, human_date, plain, render_html, safe_url
from sitrep_core.renderers._geodata import load_basemap
from sitrep_core.renderers._geometry import clip_line, clip_polygon, hull
from sitrep_core.renderers._html import CONTENT_SECURITY_POLICY
from sitrep_core.renderers._labels import wrap
from sitrep_core.renderers._positions import Plane, positions

ROOT = Path(__file__).parents[1]
SEED = ROOT / "examples" / "qalamoun-2017" / "events.jsonl"
SEED_MOMENTS = ("2017-08-30T16:50", "2017-08-31T12:00", "2017-09-02T12:00", "2017-09-05T12:00")


def seed_log() -> sitrep_core.EventLog:
    log = open_log("memory:")
    log.append(log.codec.read_input(SEED.read_bytes(), source=str(SEED)))
    return log


def report_of(events: list[Event], **options: object) -> Report:
    log = open_log("memory:")
    log.append(events)
    return build_report(log, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def qalamoun() -> Report:
    """The seed's report as it could be written on 5 September 2017."""
    moment = SEED_MOMENTS[-1]
    return build_report(seed_log(), title="Qalamoun", as_of=moment, known_at=moment)


@pytest.fixture(scope="module")
def page(qalamoun: Report) -> Page:
    return Page.parse(render_html(qalamoun))


class Page(HTMLParser):
    """What a browser would see of a page: its elements, attributes and text."""

    VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "area", "base", "wbr", "col"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.source = ""
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[tuple[str, int]] = []
        self.texts: list[tuple[tuple[tuple[str, int], ...], str]] = []
        self.declarations: list[str] = []

    @classmethod
    def parse(cls, source: str) -> Page:
        page = cls()
        page.source = source
        page.feed(source)
        page.close()
        return page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append((tag, len(self.starts)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if any(open_tag == tag for open_tag, _ in self.stack):
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.texts.append((tuple(self.stack), data))

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.starts if tag == name]

    def text_in(self, tag: str) -> list[str]:
        """The text of each element ``tag``, in document order."""
        found: dict[int, str] = {}
        for stack, data in self.texts:
            serials = [serial for open_tag, serial in stack if open_tag == tag]
            if serials:
                found[serials[-1]] = found.get(serials[-1], "") + data
        return list(found.values())

    @property
    def text(self) -> str:
        return " ".join(data for _, data in self.texts)


# -- what every page must be -----------------------------------------------------------

ALLOWED_LINK = re.compile(r"(https?://|data:|#)", re.IGNORECASE)
URL_LIKE = re.compile(r"(https?:|javascript:|vbscript:|data:|//)", re.IGNORECASE)


def assert_inert(page: Page) -> None:
    """No script, no event handler, no link or source but http(s) anchors, data: and #."""
    for tag, attrs in page.starts:
        assert tag not in {"script", "iframe", "object", "embed", "base", "form", "img"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert name not in {"srcdoc", "formaction", "action", "background"}, (tag, name)
            if name in {"href", "src", "xlink:href"}:
                assert value is not None and ALLOWED_LINK.match(value), (tag, name, value)
                if tag != "a":
                    assert not re.match(r"https?:", value, re.IGNORECASE), (tag, name, value)
            if name == "style":
                assert "url(" not in (value or "").lower(), (tag, value)
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            pytest.fail("a meta refresh")
    for attrs in page.tags("a"):
        href = attrs.get("href") or ""
        if not href.startswith("#"):
            assert re.match(r"https?://", href, re.IGNORECASE), href
            assert set((attrs.get("rel") or "").split()) == {"noopener", "noreferrer"}, attrs


def assert_accessible(page: Page) -> None:
    """One h1, no skipped heading level, tables with captions and scoped headers, and
    every picture an image named by its own title and described by its own desc."""
    assert page.declarations == ["DOCTYPE html"]
    assert page.tags("html") == [{"lang": "en"}]
    levels = [int(tag[1]) for tag, _ in page.starts if re.fullmatch(r"h[1-6]", tag)]
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in pairwise(levels):
        assert after <= before + 1, levels
    starts = [tag for tag, _ in page.starts]
    for index, tag in enumerate(starts):
        if tag == "table":
            assert starts[index + 1] == "caption"
    for attrs in page.tags("th"):
        assert attrs.get("scope") in {"col", "row"}, attrs
    ids = [attrs["id"] for _, attrs in page.starts if attrs.get("id")]
    assert len(ids) == len(set(ids)), "ids repeat"
    for index, tag in enumerate(starts):
        if tag != "svg":
            continue
        attrs = page.starts[index][1]
        assert attrs.get("role") == "img", attrs
        title, desc = page.starts[index + 1], page.starts[index + 2]
        assert (title[0], desc[0]) == ("title", "desc")
        assert attrs.get("aria-labelledby") == title[1].get("id")
        assert attrs.get("aria-describedby") == desc[1].get("id")


def assert_content_security_policy(page: Page) -> None:
    policies = [
        attrs.get("content")
        for attrs in page.tags("meta")
        if (attrs.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert policies == [CONTENT_SECURITY_POLICY]
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )


def svg_of(page: Page, kind: str, frame: str) -> str:
    """The source of the page's one picture of ``kind`` drawn for ``frame``."""
    found = re.findall(rf'<svg class="{kind} {frame}".*?</svg>', page.source, re.S)
    assert len(found) == 1, (kind, frame, len(found))
    return found[0]


# -- the renderer as a plugin ------------------------------------------------------------


def test_the_renderer_is_a_plugin_like_any_other(qalamoun: Report) -> None:
    manager = pluggy.PluginManager("sitrep")
    manager.add_hookspecs(sitrep_core.plugins._hookspecs)
    manager.register(dict(BUILTIN_PLUGINS)["sitrep_core.html"])
    renderers = [r for found in manager.hook.sitrep_renderers() for r in found]
    assert [(r.format, r.extension, r.media_type) for r in renderers] == [
        ("html", ".html", "text/html")
    ]
    assert renderers[0].render(qalamoun) == render_html(qalamoun)


# -- the page -------------------------------------------------------------------------------


def test_the_page_is_inert_accessible_and_self_contained(page: Page) -> None:
    assert_inert(page)
    assert_accessible(page)
    assert_content_security_policy(page)
    assert "@media print" in page.source
    assert not page.tags("link") or page.tags("link") == [{"rel": "icon", "href": "data:,"}]


def test_no_url_but_the_sources_links(page: Page) -> None:
    """Nothing on the page makes a request: every http(s) URL is a source's link."""
    given = set()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        for source in json.loads(line).get("sources", []):
            if source.get("url"):
                given.add(source["url"])
    linked = {attrs["href"] for attrs in page.tags("a") if not attrs["href"].startswith("#")}
    assert linked <= given
    for tag, attrs in page.starts:
        for name, value in attrs.items():
            if value and re.search(r"https?:", value, re.IGNORECASE):
                assert (tag, name) == ("a", "href")
    assert "@import" not in page.source and "url(" not in page.source
    assert "xmlns" not in page.source  # inline SVG in HTML needs no namespace URL


# what HTML accepts in a datetime attribute: a year, month, day, or a day with a time
VALID_DATETIME = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?Z)?)?)?")


@pytest.mark.parametrize("moment", SEED_MOMENTS)
def test_every_date_is_a_time_with_its_machine_form(moment: str) -> None:
    report = build_report(seed_log(), as_of=moment, known_at=moment)
    page = Page.parse(render_html(report))
    times = page.tags("time")
    assert len(times) > 20
    for attrs in times:
        assert VALID_DATETIME.fullmatch(attrs.get("datetime") or ""), attrs
    # a range is two times: no time's words hold a dash, or "between"
    for words in page.text_in("time"):
        assert "\u2013" not in words and "between" not in words, words
    assert re.search(
        r'<time datetime="2017-08-28">28</time>\u2013<time datetime="2017-08-30">30 Aug 2017',
        page.source,
    )


def test_sections_follow_the_report(page: Page, qalamoun: Report) -> None:
    assert page.text_in("h1") == ["Qalamoun"]
    assert page.text_in("title")[0] == "Qalamoun"
    headings = page.text_in("h2")
    assert headings[:3] == ["Highlights", "Key figures", "Convoys"]
    assert "Timeline" in headings and "Sources" in headings
    text = page.text
    for words in ("around 308", "at least 25", "stalled", "east of As Sukhnah", "Palmyra"):
        assert words in text, words
    footer = " ".join(page.text_in("footer"))
    assert qalamoun.log.head_hash[:16] in footer


# -- the timeline --------------------------------------------------------------------------


def rows_of(svg: str) -> list[tuple[float, list[float]]]:
    """Each event's row in a timeline: its dot's y, and the baselines of its lines."""
    rows = []
    for row in re.findall(r'<g class="row[^"]*">(.*?)</g>', svg, re.S):
        dot = float(re.search(r'<circle class="mark" cx="[\d.]+" cy="([\d.]+)"', row)[1])
        lines = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)"', row)]
        rows.append((dot, lines))
    return rows


@pytest.mark.parametrize("frame", ["wide", "narrow"])
def test_the_timeline_labels_every_event_in_order_without_overlap(
    page: Page, qalamoun: Report, frame: str
) -> None:
    svg = svg_of(page, "timeline", frame)
    rows = rows_of(svg)
    assert len(rows) == len(qalamoun.timeline) == 52
    assert all(lines for _, lines in rows)  # every event has its label
    for (_, before), (_, after) in pairwise(rows):
        assert after[0] > before[-1]  # the next label starts below the last one's last line
    dots = [dot for dot, _ in rows]
    assert dots == sorted(dots)
    # the week in focus (29 Aug - 5 Sept) has every one of its events, each in a row
    week = [
        entry
        for entry in qalamoun.timeline
        if entry.event.occurred.earliest >= datetime(2017, 8, 29, tzinfo=UTC)
    ]
    assert len(week) >= 20
    titles = re.findall(r'<g class="row[^"]*">\s*<title>([^<]*)</title>', svg)
    assert len(titles) == len(rows)
    for entry in week:
        when = plain(human_date(entry.event.occurred))
        headline = plain(event_phrase(entry.event, qalamoun.names))
        assert any(
            title.startswith(f"{when}: ") and title.lower().endswith(headline.lower())
            for title in titles
        ), (when, headline)


def test_the_timeline_squeezes_the_weeks_with_nothing_reported(page: Page) -> None:
    svg = svg_of(page, "timeline", "wide")
    rows = rows_of(svg)
    assert re.search(r'<text class="gap"[^>]*>\d+ days</text>', svg)  # July to late August
    assert '<rect class="band"' in svg  # the background before the break
    # no gap between two rows is more than a few lines high: empty weeks take no room
    gaps = [after[0] - before[-1] for (_, before), (_, after) in pairwise(rows)]
    assert max(gaps) < 13 * 5


def test_a_span_is_a_bar_and_its_words(page: Page) -> None:
    svg = svg_of(page, "timeline", "wide")
    assert '<tspan class="when">28 Aug \u2013 2 Sept 2017:</tspan>' in svg
    bars = re.findall(r'<line class="span" x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)"',
                      svg)  # fmt: skip
    assert bars and all(float(end) > float(start) for start, end in bars)
    assert '<path class="span-head"' in svg  # "before 31 Jul 2017" is open to the past


# -- the map --------------------------------------------------------------------------------


def test_positions_are_drawn_as_the_areas_the_words_allow(qalamoun: Report) -> None:
    convoy = next(c for c in qalamoun.convoys if c.key == "qalamoun-convoy")
    names = qalamoun.names
    plane = Plane(34.5, 38.5)
    places = {key: names.place(key) for key in ("as-sukhnah", "humayma", "abu-kamal", "qara")}
    at = {k: plane.km(p.lat, p.lon) for k, p in places.items() if p and p.lat and p.lon}
    found = {p.point.location.text: p for p in positions(convoy, names, plane)}

    east = found["the Syrian Desert east of As Sukhnah"]  # within 50 km, says the source
    assert east.centre[0] - at["as-sukhnah"][0] == pytest.approx(50 + 5, abs=1)
    assert east.radius_km == 50
    assert max(math.dist(p, east.centre) for p in east.outline) == pytest.approx(50, abs=1)

    between = found["the Syrian Desert between Humayma and As Sukhnah"]
    xs = [x for x, _ in between.outline]
    assert min(xs) < at["as-sukhnah"][0] < at["humayma"][0] < max(xs)

    near = found["the Abul Kamal area"]  # no distance given: "near" reaches 25 km
    assert near.centre == pytest.approx(at["abu-kamal"])
    assert near.radius_km == 25


def test_the_map_keeps_the_plan_apart_from_what_was_reported(page: Page) -> None:
    for frame in ("wide", "narrow"):
        svg = svg_of(page, "map", frame)
        assert len(re.findall(r'<path class="area', svg)) == 4
        assert len(re.findall(r'<path class="area latest"', svg)) == 1
        assert '<path class="planned"' in svg and '<path class="travelled"' in svg
        for kind in ("land", "border"):  # the basemap (the sea is out of the frame)
            assert re.search(rf'<path class="{kind}" d="M', svg), kind
        assert re.search(r'<text class="country"[^>]*>SYRIA</text>', svg)
        assert re.search(r'<text class="town"[^>]*>(Hims|Tadmur|Dayr az Zawr)</text>', svg)
        labels = re.findall(r'<text class="(?:place|goal)"[^>]*>([^<]*)</text>', svg)
        assert "Abu Kamal (destination)" in labels and "Qara" in labels
    legend = page.source[page.source.index('<ol class="legend">') :]
    legend = legend[: legend.index("</ol>")]
    assert legend.count("<li>") == 4
    assert "east of As Sukhnah (within about 50 km)" in legend
    assert '<time datetime="2017-09-05">5 Sept 2017</time>' in legend


def test_the_basemap_ships_with_its_licence() -> None:
    basemap = load_basemap()
    names = {country.name for country in basemap.countries}
    assert {"Syria", "Iraq", "Lebanon", "Jordan"} <= names
    towns = {town.name: town for town in basemap.towns}
    assert towns["Damascus"].lat == pytest.approx(33.5, abs=0.1)
    assert 1000 < len(towns) < 10000
    assert "Natural Earth" in basemap.source
    folder = Path(sitrep_core.__file__).parent / "renderers" / "geodata"
    assert "public domain" in (folder / "LICENSE-NaturalEarth.md").read_text(encoding="utf-8")
    assert (folder / "naturalearth.json").stat().st_size < 300_000


def test_a_route_without_coordinates_has_no_map() -> None:
    report = report_of(
        [
            ConvoyMove(
                occurred="2017-08-29", convoy="c1", status="halted", location=Location(text="km 40")
            ),
            ConvoyMove(
                occurred="2017-08-30",
                convoy="c1",
                location=Location(relation="near", places=("Nowhere",)),
            ),
        ]
    )
    page = Page.parse(render_html(report))
    assert '<svg class="map' not in page.source
    assert "km 40" in page.text and "Nowhere" in page.text
    assert_accessible(page)


def test_an_empty_log_renders() -> None:
    page = Page.parse(render_html(report_of([])))
    assert_inert(page)
    assert_accessible(page)
    assert "<svg" not in page.source


def test_a_report_on_both_clocks_says_which() -> None:
    report = build_report(seed_log(), as_of="2017-08-31", known_at="2017-08-31")
    page = Page.parse(render_html(report))
    assert "only what had been recorded by then" in page.text
    assert "stalled" not in page.text_in("dd")


# -- the W3C Nu HTML checker ------------------------------------------------------------------

VNU_JAR = Path(
    os.environ.get("SITREP_VNU_JAR")
    or Path.home() / ".cache/sitrep-ci/node_modules/vnu-jar/build/dist/vnu.jar"
)
JAVA = shutil.which("java")
needs_nu = pytest.mark.skipif(
    JAVA is None or not VNU_JAR.is_file(),
    reason=f"the Nu HTML checker needs java and {VNU_JAR} (npm install vnu-jar; "
    "set SITREP_VNU_JAR to its build/dist/vnu.jar; .ci/run installs it where npm is)",
)


def nu_errors(pages: list[Path]) -> dict[str, list[str]]:
    """What the Nu checker calls an error, per page."""
    assert JAVA is not None
    done = subprocess.run(
        [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    found: dict[str, list[str]] = {page.name: [] for page in pages}
    for message in json.loads(done.stderr or done.stdout)["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            found[Path(message["url"].removeprefix("file:")).name].append(
                f"{message.get('lastLine')}: {message['message']}"
            )
    return found


@needs_nu
def test_the_nu_checker_finds_no_error_in_the_dated_reports(tmp_path: Path) -> None:
    log = seed_log()
    pages = []
    for moment in SEED_MOMENTS:
        report = build_report(log, title="Qalamoun", as_of=moment, known_at=moment)
        page = tmp_path / f"report-{moment.replace(':', '')}.html"
        page.write_text(render_html(report), encoding="utf-8")
        pages.append(page)
    control = tmp_path / "control.html"
    control.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><p><time datetime="28-30 Aug">28-30 Aug</time></p></body></html>',
        encoding="utf-8",
    )
    found = nu_errors([*pages, control])
    assert found.pop("control.html") != []  # the checker does report a bad datetime
    assert found == {page.name: [] for page in pages}


# -- hostile text ---------------------------------------------------------------------------

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "</style><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "]]><script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% raw %}{{ config }}",
    "<!-- --><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src=https://evil.example/></iframe>",
    "<meta http-equiv=refresh content=0;url=https://evil.example/>",
    "<base href=https://evil.example/>",
    "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
    "<style>@import url(https://evil.example/x.css)</style>",
    'x" style="background:url(https://evil.example/)',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
)
HOSTILE_URLS = (
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'https://ok.example/"><script>alert(1)</script>',
    "//evil.example/x.js",
    "vbscript:msgbox(1)",
)


def hostile_events(texts: list[str], ids: list[str]) -> list[Event]:
    """Every text field of every built-in event type holds hostile text, and the places
    named have coordinates, so that the pictures draw the hostile words too."""
    text = cycle(texts)
    names = counter()
    sources = tuple(Source(next(text), "C", 3, url=url, quote=next(text)) for url in HOSTILE_URLS)
    place = [next(text) for _ in range(3)]
    convoy = next(text)
    common = {"sources": sources, "notes": next(text), "tags": (next(text),)}

    def id_() -> str:
        return f"{ids[next(names) % len(ids)]}#{len(ids)}-{next(names)}"

    return [
        PlaceDefined(id=id_(), occurred="2017", key=place[0], name=place[0], aliases=(place[1],),
                     kind=next(text), lat=34.15, lon=36.74, country=next(text),
                     admin1=next(text), admin2=next(text)),
        PlaceDefined(id=id_(), occurred="2017", key=place[2], name=place[2], lat=34.45, lon=40.9,
                     precision_km=30),
        ActorDefined(id=id_(), occurred="2017", key=next(text), name=next(text),
                     aliases=(next(text),), kind=next(text), role=next(text),
                     speaks_for=next(text), affiliated_with=(next(text),), country=next(text)),
        Agreement(id=id_(), occurred="2017-08-27", parties=(next(text), next(text)),
                  terms=next(text), area=next(text), near=(place[0],), **common),
        Evacuation(id=id_(), occurred="2017-08-28", group=next(text), origins=(place[0],),
                   destination=place[2], agreement=next(text), parties=(next(text),),
                   fighters=Count.approx(308, next(text)), civilians=Count.exact(3, next(text)),
                   wounded=Count.between(2, 9, next(text)),
                   vehicles={next(text): Count.exact(17, next(text))}, convoy=convoy,
                   recorded="2017-08-28T10:00Z", **common),
        ConvoyMove(id=id_(), occurred="2017-08-29", convoy=convoy, status="halted",
                   location=Location(text=next(text), relation="east-of", places=(place[0],),
                                     precision_km=40),
                   heading=next(text), toward=next(text), cause=next(text),
                   recorded="2017-08-30T10:00Z", **common),
        ConvoyMove(id=id_(), occurred="2017-08-30/2017-09-02", convoy=convoy,
                   location=Location(relation="between", places=(place[0], place[2])),
                   new_convoy=f"{convoy} / {next(text)}",
                   vehicles={next(text): Count.at_least(6, next(text))}, status="turned-back",
                   toward=next(text), recorded="2017-08-31T10:00Z", **common),
        Strike(id=id_(), occurred="2017-08-30T16:50", actor=next(text), targets=(next(text),),
               means=next(text), location=Location(text=next(text), relation="near",
                                                   places=(place[2],)),
               effect=next(text), convoy=convoy, killed=Count.at_most(4, next(text)), **common),
        Statement(id=id_(), occurred="2017-08-29", speaker=next(text), actors=(next(text),),
                  subject=next(text), stances=("threatens",), quote=next(text),
                  audience=next(text), recorded="2017-08-30T11:00Z", **common),
        AidDelivery(id=id_(), occurred="2017-09", items=(next(text), next(text)),
                    recipient=next(text), convoy=convoy, provider=next(text),
                    location=Location(text=next(text)), **common),
        sitrep_core.Operation(id=id_(), occurred="2017-08", kind=next(text),
                              actors=(next(text),), against=(next(text),), area=next(text),
                              outcome=next(text), **common),
    ]  # fmt: skip


def test_hostile_text_in_every_field_stays_text() -> None:
    ids = [p.strip() for p in PAYLOADS if p.strip().isprintable()]
    report = report_of(hostile_events(list(PAYLOADS), ids), title=PAYLOADS[6])
    source = render_html(report)
    page = Page.parse(source)
    assert_inert(page)
    assert_accessible(page)
    assert_content_security_policy(page)
    assert page.text_in("h1") == [PAYLOADS[6]]
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in source
    assert "<script" not in source.lower()
    assert "{{ 7*7 }}" in page.text  # printed, never evaluated
    assert [a["href"] for a in page.tags("a") if not a["href"].startswith("#")] == []
    # the pictures were drawn, in both frames, with the hostile words inside them as text
    classes = [attrs.get("class") for attrs in page.tags("svg")]
    assert classes[-2:] == ["timeline wide", "timeline narrow"]
    assert classes[:-2] and classes[:-2] == ["map wide", "map narrow"] * (len(classes[:-2]) // 2)


hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(
        alphabet=st.one_of(
            st.sampled_from("<>\"'&/=`]{}%!-: "),
            st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        ),
        min_size=1,
        max_size=40,
    ),
    st.tuples(st.sampled_from(PAYLOADS), st.text(max_size=10)).map("".join),
).filter(lambda s: s.strip() != "")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    texts=st.lists(hostile_text, min_size=1, max_size=12),
    title=hostile_text,
    ids=st.lists(
        hostile_text.map(str.strip).filter(lambda s: s.isprintable() and len(s) < 150),
        min_size=1,
        max_size=4,
    ),
)
def test_no_hostile_text_becomes_live(texts: list[str], title: str, ids: list[str]) -> None:
    report = report_of(hostile_events(texts, ids), title=title)
    page = Page.parse(render_html(report))
    assert_inert(page)
    assert_accessible(page)
    assert_content_security_policy(page)
    assert len(page.text_in("h1")) == 1


# -- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://apnews.com/", True),
        ("HTTP://example.org/a?b=c&d=e#f", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" https://example.org/", False),
        ("java\nscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/", False),
        ('https://example.org/" onmouseover="alert(1)', False),
        ("https://example.org/<script>", False),
        ("https://example.org/a b", False),
        ("https://example.org/\u2028", False),
        ("ftp://example.org/", False),
        ("https://", False),
    ],
)
def test_only_plain_http_urls_become_links(url: str, linked: bool) -> None:
    assert safe_url(url) == (url if linked else None)


def test_no_url_is_no_link() -> None:
    assert safe_url(None) is None


# -- the drawing's building blocks --------------------------------------------------------------

coordinate = st.floats(-500, 1500, allow_nan=False)


@given(st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=12))
def test_a_clipped_outline_stays_in_its_frame(points: list[tuple[float, float]]) -> None:
    frame = (0.0, 0.0, 960.0, 540.0)
    for x, y in clip_polygon(points, frame):
        assert -1e-6 <= x <= 960 + 1e-6 and -1e-6 <= y <= 540 + 1e-6
    for piece in clip_line(points, frame):
        for x, y in piece:
            assert -1e-6 <= x <= 960 + 1e-6 and -1e-6 <= y <= 540 + 1e-6


@given(st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=30, unique=True))
def test_a_hull_holds_every_point(points: list[tuple[float, float]]) -> None:
    outline = hull(points)
    assert set(outline) <= set(points)
    if len(outline) < 3:
        return
    for (ax, ay), (bx, by) in zip(outline, [*outline[1:], outline[0]], strict=True):
        for x, y in points:  # every point lies left of each edge (counter-clockwise) or on it
            assert (bx - ax) * (y - ay) - (by - ay) * (x - ax) >= -1e-6 * (1 + abs(ax) + abs(bx))


@given(st.text(alphabet="ab ", max_size=80), st.integers(4, 30), st.integers(1, 4))
def test_wrapped_text_keeps_its_words_in_its_lines(text: str, chars: int, lines: int) -> None:
    wrapped = wrap(text, chars, lines)
    assert len(wrapped) <= lines
    assert all(len(line) <= chars for line in wrapped)
    if "\u2026" not in "".join(wrapped):
        assert " ".join(wrapped).split() == text.split()


# -- any place, any time ----------------------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    places=st.lists(
        st.tuples(st.floats(-75, 75), st.floats(-180, 180), st.sampled_from([None, 1.0, 60.0])),
        min_size=2,
        max_size=3,
    ),
    relation=st.sampled_from(["near", "between", "north-west-of", "at", None]),
    within=st.sampled_from([None, 5.0, 120.0]),
)
def test_a_route_anywhere_on_earth_is_drawn(
    places: list[tuple[float, float, float | None]], relation: str | None, within: float | None
) -> None:
    defined = [
        PlaceDefined(occurred="2017", key=f"p{n}", name=f"Place {n}", lat=lat, lon=lon,
                     precision_km=precision)
        for n, (lat, lon, precision) in enumerate(places)
    ]  # fmt: skip
    keys = tuple(f"p{n}" for n in range(len(places)))
    moves = [
        Evacuation(occurred="2017-08-28", group="g", origins=("p0",), destination="p1",
                   convoy="c"),
        ConvoyMove(occurred="2017-08-29", convoy="c", status="halted",
                   location=Location(relation=relation, places=keys[1:] if relation != "between"
                                     else keys, precision_km=within)),
    ]  # fmt: skip
    page = Page.parse(render_html(report_of([*defined, *moves])))
    assert_accessible(page)
    for frame in ("wide", "narrow"):
        svg = svg_of(page, "map", frame)
        assert len(re.findall(r'<path class="area', svg)) == 2


occurred = st.sampled_from(
    ["2017", "2017-08", "2017-08-28", "2017-08-28T16:50Z", "2017-08~", "../2017-07-31",
     "2017-08-28/..", "2016-12/2017-02", "2017-08-25/2017-08-28", "2017-09-05T12:00Z"]
)  # fmt: skip


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(occurred, min_size=1, max_size=15))
def test_any_mix_of_times_gives_every_event_a_row(times: list[str]) -> None:
    events = [
        Statement(occurred=when, speaker=f"Speaker {n}", subject="the deal", stances=("warns",))
        for n, when in enumerate(times)
    ]
    report = report_of(events)
    page = Page.parse(render_html(report))
    for frame in ("wide", "narrow"):
        rows = rows_of(svg_of(page, "timeline", frame))
        assert len(rows) == len(report.timeline) == len(times)
        for (_, before), (_, after) in pairwise(rows):
            assert after[0] > before[-1]
