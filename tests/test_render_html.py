"""The HTML renderer: a self-contained, accessible page in which no text from a log is live."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from itertools import count as counter
from itertools import cycle, pairwise
from pathlib import Path

import pluggy
import pytest
from _hostile import HOSTILE, Tally, poison
from attrs import evolve
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
    PlaceDefined,
    Report,
    Source,
    Statement,
    Strike,
    build_report,
    open_log,
)
from sitrep_core.plugins._builtins import BUILTIN_PLUGINS
from sitrep_core.renderers import _html as html_renderer
from sitrep_core.renderers._html import CONTENT_SECURITY_POLICY, render_html, safe_url
from sitrep_core.views import Directory

COALITION = Source("Coalition press release", "B", 2, url="https://www.inherentresolve.mil/")
HEZBOLLAH = Source("Hezbollah media", "D", 4)
AP = Source("Associated Press", "B", 2, url="https://apnews.com/")


def qalamoun_events() -> list[Event]:
    """The seed report's story, with recorded times so its updates are dated."""
    ref = {"occurred": "2017", "recorded": "2017-08-01T00:00Z"}
    return [
        PlaceDefined(id="p-qara", key="qara", name="Qara", kind="town", lat=34.154, lon=36.744,
                     country="Syria", admin1="Rif Dimashq", **ref),
        PlaceDefined(id="p-abu-kamal", key="abu-kamal", name="Abu Kamal",
                     aliases=("Abul Kamal", "Albu Kamal"), kind="town", lat=34.45, lon=40.92,
                     country="Syria", admin1="Deir ez-Zor", **ref),
        PlaceDefined(id="p-humayma", key="humayma", name="Humayma", aliases=("Hamaymah",),
                     kind="village", lat=34.63, lon=39.05, country="Syria", **ref),
        PlaceDefined(id="p-sukhnah", key="sukhnah", name="As Sukhnah", aliases=("al-Sukhnah",),
                     kind="town", lat=34.886, lon=38.872, country="Syria", **ref),
        ActorDefined(id="a-isis", key="isis", name="Islamic State",
                     aliases=("ISIS", "ISIL", "Da'esh"), kind="jihadist group", **ref),
        ActorDefined(id="a-coalition", key="coalition", name="US-led coalition", kind="coalition",
                     **ref),
        Agreement(id="deal", occurred="2017-08-27", parties=("Hezbollah", "ISIS", "Syria"),
                  area="Western Qalamoun", sources=(HEZBOLLAH,), recorded="2017-08-28T09:00Z"),
        Evacuation(id="evac", occurred="2017-08-28", group="ISIS", origin="Qara",
                   destination="Abu Kamal", fighters=Count.approx(308, "around 308"),
                   civilians=Count.approx(331), wounded=Count.at_least(25),
                   vehicles={"bus": Count.exact(17), "ambulance": Count.exact(11)},
                   convoy="qalamoun-convoy", sources=(HEZBOLLAH,), recorded="2017-08-28T10:00Z"),
        Evacuation(id="evac-ap", occurred="2017-08-28", group="ISIS", origin="Qara",
                   fighters=Count.approx(670), convoy="qalamoun-convoy", sources=(AP,),
                   recorded="2017-08-29T10:00Z"),
        Statement(id="mcgurk", occurred="2017-08-29", speaker="Brett McGurk", actor="coalition",
                  subject="the Qalamoun deal", stance="condemns",
                  quote="ISIS fighters should be killed on the battlefield", sources=(AP,),
                  recorded="2017-08-30T09:00Z"),
        Strike(id="strike", occurred="2017-08-30T16:50", actor="US-led coalition",
               targets=("road", "bridge"), means="air strike",
               position="road between Humayma and Abu Kamal", near=("Humayma", "Abu Kamal"),
               effect="cratered", convoy="qalamoun-convoy", convoy_hit=False, sources=(AP,),
               recorded="2017-08-30T17:00Z"),
        ConvoyMove(id="halt", occurred="2017-08-29", convoy="qalamoun-convoy", status="halted",
                   position="east of As Sukhnah", near=("As Sukhnah",), sources=(COALITION,),
                   recorded="2017-08-31T10:00Z"),
        ConvoyMove(id="stall", occurred="2017-09-02", convoy="qalamoun-convoy", status="stalled",
                   position="between Humayma and As Sukhnah", near=("Humayma", "As Sukhnah"),
                   sources=(COALITION,), recorded="2017-09-02T10:00Z"),
        AidDelivery(id="aid", occurred="2017-09-02", items=("food", "water"),
                    convoy="qalamoun-convoy", sources=(COALITION,), recorded="2017-09-02T10:00Z"),
        ConvoyMove(id="split", occurred="2017-08-29/2017-09-05", convoy="qalamoun-convoy",
                   new_convoy="returning-buses", vehicles={"bus": Count.exact(6)},
                   status="turned-back", toward="Palmyra", sources=(COALITION,),
                   recorded="2017-09-05T10:00Z"),
    ]  # fmt: skip


def report_of(events: list[Event], **options: object) -> Report:
    log = open_log("memory:")
    log.append(events)
    return build_report(log, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def qalamoun() -> Report:
    return report_of(qalamoun_events(), title="ISIS convoy from Qalamoun")


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
            assert attrs.get("rel") == "noopener noreferrer", attrs


def assert_accessible(page: Page) -> None:
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
    svgs = [i for i, tag in enumerate(starts) if tag == "svg"]
    for index in svgs:
        attrs = page.starts[index][1]
        assert attrs.get("role") == "img" and attrs.get("aria-label"), attrs
        assert starts[index + 1 : index + 3] == ["title", "desc"]


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


# -- the renderer as a plugin ------------------------------------------------------------


def test_the_renderer_is_a_plugin_like_any_other() -> None:
    manager = pluggy.PluginManager("sitrep")
    manager.add_hookspecs(sitrep_core.plugins._hookspecs)
    manager.register(dict(BUILTIN_PLUGINS)["sitrep_core.html"])
    renderers = [r for found in manager.hook.sitrep_renderers() for r in found]
    assert [(r.format, r.extension, r.media_type) for r in renderers] == [
        ("html", ".html", "text/html")
    ]
    assert renderers[0].render is render_html


# -- the page -------------------------------------------------------------------------------


def test_the_page_is_inert_accessible_and_self_contained(page: Page) -> None:
    assert_inert(page)
    assert_accessible(page)
    assert_content_security_policy(page)
    assert "@media print" in page.source
    assert not page.tags("link") or page.tags("link") == [{"rel": "icon", "href": "data:,"}]


def test_no_url_but_the_sources_links(page: Page) -> None:
    """Nothing on the page makes a request: every http(s) URL is a source's link."""
    linked = {attrs["href"] for attrs in page.tags("a") if not attrs["href"].startswith("#")}
    assert linked == {"https://apnews.com/", "https://www.inherentresolve.mil/"}
    for tag, attrs in page.starts:
        for name, value in attrs.items():
            if value and re.search(r"https?:", value, re.IGNORECASE):
                assert (tag, name) == ("a", "href")
    for stack, data in page.texts:
        if re.search(r"https?:", data, re.IGNORECASE):
            assert stack[-1][0] == "a", (stack, data)
    assert "@import" not in page.source and "url(" not in page.source
    assert "xmlns" not in page.source  # inline SVG in HTML needs no namespace URL


def test_sections_follow_the_report(page: Page, qalamoun: Report) -> None:
    assert page.text_in("h1") == ["ISIS convoy from Qalamoun"]
    assert page.text_in("title")[0] == "ISIS convoy from Qalamoun"
    headings = page.text_in("h2")
    assert headings == [
        "Highlights",
        "Key figures",
        "Convoys",
        "Stances",
        "Updates",
        "Timeline",
        "Sources",
        "Places and actors",
    ]
    text = page.text
    for line in qalamoun.highlights:
        assert line in text
    # a disputed figure, with each source's claim as the source wrote it
    assert "disputed" in text
    assert "around 308" in text and "Hezbollah media" in text and "around 670" in text
    assert "at least 25" in text
    # the convoy: status, position, vehicles and what became of them, strikes, aid
    assert "stalled" in text and "between Humayma and As Sukhnah" in text
    assert "6 left as convoy returning-buses" in text and "toward Palmyra" in text
    assert "US-led coalition struck road, bridge" in text
    assert "food and water delivered to qalamoun-convoy" in text
    # stances: current, since, quote, history
    assert "ISIS fighters should be killed on the battlefield" in page.text_in("q")
    assert "condemns" in text
    # sources with their Admiralty grading in words
    assert "B2" in text and "usually reliable, probably true" in text
    assert "D4" in text and "not usually reliable, doubtful" in text
    # the footer cites the log's head
    footer = " ".join(page.text_in("footer"))
    assert qalamoun.log.head_hash in footer
    assert f"position {qalamoun.log.position}" in footer


def test_updates_come_newest_first(page: Page, qalamoun: Report) -> None:
    titles = [t for t in page.text_in("h3") if t.startswith("UPDATE")]
    assert titles == [u.title for u in qalamoun.updates]
    assert titles[0] == "UPDATE 5 September 2017, 10:00 UTC"
    assert titles[-1] == "UPDATE 28 August 2017, 10:00 UTC"


def test_the_timeline_picture_labels_events_by_when_they_happened(page: Page) -> None:
    source = page.source
    svg = source[source.index('aria-label="Timeline') :]
    svg = svg[: svg.index("</svg>")]
    assert "Brett McGurk condemns the Qalamoun deal" in svg
    marks = [float(x) for x in re.findall(r'<circle class="mark" cx="([\d.]+)"', svg)]
    assert len(marks) == 9  # the events; reference data (places, actors) stays off the axis
    assert marks == sorted(marks)
    assert "27 Aug 2017" in svg


def test_the_route_picture_follows_the_convoy(qalamoun: Report) -> None:
    convoy = qalamoun.convoys[0]
    names = Directory(qalamoun.actors, qalamoun.places)
    plot = html_renderer.route_plot(convoy, names)
    assert plot is not None
    points = [tuple(map(float, p.split(","))) for p in plot.points.split()]
    assert len(points) == 3  # Qara, east of As Sukhnah, between Humayma and As Sukhnah
    xs = [x for x, _ in points]
    assert xs[0] < xs[1]  # east is to the right: Qara lies west of As Sukhnah
    assert points[0][1] > points[1][1]  # north is up: Qara lies south of As Sukhnah
    assert plot.destination is not None and plot.destination.label == "Abu Kamal (destination)"
    assert float(plot.destination.x) > max(xs)
    assert "Qara (2017-08-28, forming)" in plot.description
    assert plot.label == "Map of the route of convoy qalamoun-convoy"


def test_a_route_without_coordinates_is_a_table_only() -> None:
    report = report_of(
        [
            ConvoyMove(occurred="2017-08-29", convoy="c1", status="halted", position="km 40"),
            ConvoyMove(occurred="2017-08-30", convoy="c1", near=("Nowhere",)),
        ]
    )
    page = Page.parse(render_html(report))
    assert not [a for a in page.tags("svg") if "route" in (a.get("aria-label") or "")]
    assert "km 40" in page.text and "Nowhere" in page.text
    assert_accessible(page)


def test_a_capped_timeline_says_so() -> None:
    report = report_of(qalamoun_events(), timeline_limit=4)
    assert report.timeline_total > len(report.timeline)
    page = Page.parse(render_html(report))
    assert f"the latest 4 of {report.timeline_total} entries" in page.text
    uncapped = Page.parse(render_html(report_of(qalamoun_events())))
    assert "Capped" not in uncapped.text


def test_an_empty_log_renders() -> None:
    page = Page.parse(render_html(report_of([])))
    assert_inert(page)
    assert_accessible(page)
    assert "No convoys in this report." in page.text


def test_a_report_on_both_clocks_says_which(qalamoun: Report) -> None:
    report = report_of(qalamoun_events(), as_of="2017-08-31", known_at="2017-08-31")
    page = Page.parse(render_html(report))
    assert report.as_of is not None and report.as_of in page.text
    assert "only what had been recorded by then" in page.text
    assert "stalled" not in page.text_in("dd")


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
    """Every text field of every built-in event type holds hostile text."""
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
        PlaceDefined(id=id_(), occurred="2017", key=place[2], name=place[2], lat=34.45, lon=40.9),
        ActorDefined(id=id_(), occurred="2017", key=next(text), name=next(text),
                     aliases=(next(text),), kind=next(text), role=next(text),
                     speaks_for=next(text), affiliated_with=(next(text),), country=next(text)),
        Agreement(id=id_(), occurred="2017-08-27", parties=(next(text), next(text)),
                  terms=next(text), area=next(text), near=(place[0],), **common),
        Evacuation(id=id_(), occurred="2017-08-28", group=next(text), origin=place[0],
                   destination=place[2], agreement=next(text), parties=(next(text),),
                   fighters=Count.approx(308, next(text)), civilians=Count.exact(3, next(text)),
                   wounded=Count.between(2, 9, next(text)),
                   vehicles={next(text): Count.exact(17, next(text))}, convoy=convoy,
                   recorded="2017-08-28T10:00Z", **common),
        Evacuation(id=id_(), occurred="2017-08-28", group=next(text), origin=place[0],
                   fighters=Count.approx(670, next(text)), convoy=convoy,
                   sources=(Source(next(text), "A", 1),), recorded="2017-08-29T10:00Z"),
        ConvoyMove(id=id_(), occurred="2017-08-29", convoy=convoy, status="halted",
                   position=next(text), near=(place[1], next(text)), heading=next(text),
                   toward=next(text), cause=next(text), recorded="2017-08-30T10:00Z", **common),
        ConvoyMove(id=id_(), occurred="2017-08-30", convoy=convoy,
                   new_convoy=f"{convoy} / {next(text)}",
                   vehicles={next(text): Count.at_least(6, next(text))}, status="turned-back",
                   toward=next(text), recorded="2017-08-31T10:00Z", **common),
        Strike(id=id_(), occurred="2017-08-30T16:50", actor=next(text), targets=(next(text),),
               means=next(text), position=next(text), near=(place[2],), effect=next(text),
               convoy=convoy, killed=Count.at_most(4, next(text)), **common),
        Statement(id=id_(), occurred="2017-08-29", speaker=next(text), actor=next(text),
                  subject=next(text), stance="threatens", quote=next(text),
                  audience=next(text), recorded="2017-08-30T11:00Z", **common),
        Statement(id=id_(), occurred="2017-08-31", speaker=next(text), actor=next(text),
                  subject=next(text), stance="denies", quote=next(text), **common),
        AidDelivery(id=id_(), occurred="2017-09", items=(next(text), next(text)),
                    recipient=next(text), convoy=convoy, provider=next(text),
                    position=next(text), **common),
        sitrep_core.Operation(id=id_(), occurred="2017-08", kind=next(text),
                              actors=(next(text),), against=(next(text),), area=next(text),
                              outcome=next(text), **common),
        sitrep_core.Control(id=id_(), occurred="2017-08-20/2017-08-31", actor=next(text),
                            area=next(text), via=(next(text),), **common),
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
    assert len(page.tags("title")) >= 1 and page.text_in("title")[0] == PAYLOADS[6]
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in source
    assert "<script" not in source.lower()
    assert "{{ 7*7 }}" in page.text  # printed, never evaluated
    # hostile URLs are shown as text, never linked
    assert [a["href"] for a in page.tags("a") if not a["href"].startswith("#")] == []
    assert "javascript:alert(1) (not a web link)" in page.text
    # the pictures were drawn, with the hostile labels inside them as text
    assert len(page.tags("svg")) == 2
    assert len(page.tags("style")) == 1 and len(page.tags("title")) >= 1


@pytest.mark.parametrize("payload", PAYLOADS + tuple(HOSTILE))
def test_hostile_text_in_every_field_of_the_report_stays_text(
    qalamoun: Report, payload: str
) -> None:
    """Every text of the view model, even those no event can set, holds the payload."""
    extra = {"tally": (Tally("Qara", Count.exact(3), "note"),)}
    report = poison(evolve(qalamoun, extra=extra), payload)
    assert report.title == payload and report.log.head_hash == payload
    page = Page.parse(render_html(report))
    assert_inert(page)
    assert_accessible(page)
    assert_content_security_policy(page)
    assert page.text_in("h1") == [html_renderer._clean(payload)]
    links = [a["href"] for a in page.tags("a") if not a["href"].startswith("#")]
    assert set(links) == ({payload} if safe_url(payload) else set())
    maps = [a for a in page.tags("svg") if (a["aria-label"] or "").startswith("Map of the route")]
    located = [c for c in report.convoys if any(p.lat is not None for p in c.route)]
    assert len(maps) == len(located) == 1  # a map of each route, though both ids are the same


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
    max_examples=40,
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
    assert page.text_in("h1") == [html_renderer._clean(title)]  # controls dropped, else as given


# -- in a real browser --------------------------------------------------------------------

BROWSER = next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "chrome"))),
    None,
)
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-extensions",
    "--disable-sync",
)


def open_in_browser(page: Path, profile: Path) -> tuple[str, list[str]]:
    """The DOM a browser builds from ``page``, and the URLs the page made it request.

    The browser's network log tells the page's requests from its own (updates,
    accounts): those have no initiator.
    """
    assert BROWSER is not None
    netlog = profile / "netlog.json"
    done = subprocess.run(
        [
            BROWSER,
            *BROWSER_FLAGS,
            f"--user-data-dir={profile}",
            f"--log-net-log={netlog}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requested = [
        params["url"]
        for event in log["events"]
        if event["type"] == start
        and "url" in (params := event.get("params", {}))
        and params.get("initiator") != "not an origin"
    ]
    return done.stdout, requested


@pytest.mark.skipif(
    BROWSER is None, reason="Chromium is not installed: no browser to open the page"
)
def test_a_browser_runs_nothing_and_requests_nothing(tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/x.png" alt="">')
    (tmp_path / "one").mkdir()
    _, requested = open_in_browser(control, tmp_path / "one")
    assert requested == ["http://127.0.0.1:9/x.png"]  # the log does show a page's requests

    ids = [p.strip() for p in PAYLOADS if p.strip().isprintable()]
    report = report_of(hostile_events(list(PAYLOADS), ids), title=PAYLOADS[1])
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    (tmp_path / "two").mkdir()
    dom, requested = open_in_browser(page, tmp_path / "two")
    assert requested == []
    built = Page.parse(dom)
    assert_inert(built)
    assert_accessible(built)
    assert built.text_in("h1") == [PAYLOADS[1]]
    assert len(built.tags("svg")) == 2
