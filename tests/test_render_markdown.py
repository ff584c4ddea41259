"""The Markdown renderer: reads like a published sitrep; no log text can change its shape."""

from __future__ import annotations

import re
from typing import Any

import attrs
import pytest
from _hostile import HOSTILE, Tally, poison
from _seed_log import CONVOY, seed_log
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from sitrep_core import Count, Plugins, Report, build_report
from sitrep_core.renderers._markdown import escape, render_markdown, safe_url
from sitrep_core.views import LogInfo

# CommonMark plus the GFM extensions markdown-it has built in (tables, strikethrough)
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@pytest.fixture(scope="module")
def seed_report() -> Report:
    plugins = Plugins.load(autoload=False)
    report = plugins.report(seed_log(plugins.codec), title="ISIS convoy from western Qalamoun")
    return attrs.evolve(report, extra={"casualties": (Tally("Humayma", Count.at_least(3)),)})


# -- what it says ----------------------------------------------------------------


def test_reads_like_the_seed_report(seed_report: Report) -> None:
    text = render_markdown(seed_report)
    headings = [
        line for line in text.splitlines() if line.startswith("#") and not line.startswith("###")
    ]
    assert headings == [
        "# ISIS convoy from western Qalamoun",
        "## Highlights",
        "## Key figures",
        "## Convoys",
        "## Actor stances",
        "## Updates",
        "## Casualties",
        "## Timeline",
        "## Sources",
    ]
    assert "**As of:** the latest events in the log\\\n**Known at:** everything recorded" in text
    assert "**Period covered:** " in text


def test_key_figures_keep_qualifiers_and_show_each_claim_of_a_disputed_one(
    seed_report: Report,
) -> None:
    text = render_markdown(seed_report)
    assert "- **Fighters, qalamoun-convoy:** around 308 \u2014 Hezbollah officials, Ruptly" in text
    assert (
        "- **Wounded, qalamoun-convoy:** disputed, sources differ:\n"
        "  - at least 25 (\u201cat least 25 of them were wounded\u201d) \u2014 "
        "Hezbollah officials, Ruptly (D3, E4), 2017-08-28\n"
        "  - around 40 (\u201cabout 40 wounded\u201d) \u2014 SOHR (C3), 2017-08-29\n"
    ) in text


def test_a_convoy_shows_what_became_of_its_vehicles(seed_report: Report) -> None:
    text = render_markdown(seed_report)
    section = text.split(f"### Convoy {escape(CONVOY)}\n", 1)[1].split("\n### ", 1)[0]
    assert "- **Status:** stalled since 2017-09-05" in section
    assert "- **Position:** Syrian Desert east of As Sukhnah (since 2017-09-05)" in section
    assert (
        "- **Route:** 2017-08-28 Qara (forming) \u2192 2017-08-30T16:50 east of Humayma" in section
    )
    assert (
        "- **Vehicles:** 17 buses: 6 turned back toward Palmyra "
        "(2017-08-29/2017-09-05, as convoy qalamoun-convoy-west), 11 stalled; "
        "11 ambulances, all stalled"
    ) in section
    assert "  - **Fighters, qalamoun-convoy:** around 308" in section
    strikes = r"- \*\*Strikes near it:\*\*\n  - 2017-08-30: .* struck road, small bridge"
    assert re.search(strikes, section)
    assert "- **Aid:**\n  - 2017-09-01/2017-09-02: food and water delivered" in section
    assert "- **Split into:** convoy qalamoun-convoy-west" in section


def test_stances_show_the_current_one_since_when_in_whose_words(seed_report: Report) -> None:
    text = render_markdown(seed_report)
    assert (
        "### US-led Coalition on the evacuation deal\n\n"
        "**Condemns** since 2017-09-05, in the words of Lt. Gen. Stephen J. Townsend:\n\n"
        "> \u201cThe Syrian regime is letting women and children suffer in the desert."
    ) in text
    assert (
        "- 2017-08-31: threatens \u2014 US-led Coalition \u201cCoalition will take action"
    ) in text


def test_updates_are_dated_and_newest_first(seed_report: Report) -> None:
    text = render_markdown(seed_report)
    titles = re.findall(r"^### (UPDATE .*)$", text, re.M)
    assert titles == [
        "UPDATE 5 September 2017, 12:00 UTC",
        "UPDATE 2 September 2017, 12:00 UTC",
        "UPDATE 31 August 2017, 10:00 UTC",
        "UPDATE 30 August 2017, 16:50 UTC",
    ]
    latest = text.split("### UPDATE 5 September 2017, 12:00 UTC\n\n", 1)[1]
    assert latest.startswith("- Convoy qalamoun-convoy: turned back -> stalled\n")


def test_a_report_as_it_was_known_then() -> None:
    log = seed_log()
    text = render_markdown(build_report(log, known_at="2017-09-02T12:00:00Z"))
    assert "**Known at:** 2 September 2017, 12:00 UTC" in text
    assert "- **Status:** turned back since 2017-09-01" in text
    assert "Palmyra" not in text.split("## Convoys", 1)[1].split("## Actor stances", 1)[0]
    assert "UPDATE 5 September" not in text


def test_a_capped_timeline_says_so() -> None:
    report = build_report(seed_log(), timeline_limit=3)
    total = report.timeline_total
    assert total > 3
    capped = render_markdown(report)
    assert (
        f"Capped: the latest 3 of {total} events; the earlier {total - 3} are not shown." in capped
    )
    timeline = capped.split("## Timeline\n", 1)[1].split("## Sources", 1)[0]
    assert timeline.count("\n- ") == 3
    assert "Capped" not in render_markdown(build_report(seed_log()))


def test_sources_are_graded_and_the_scale_explained(seed_report: Report) -> None:
    text = render_markdown(seed_report)
    assert (
        "- **SOHR**, C3: fairly reliable, possibly true; <https://www.syriahr.com/en/>; "
        "cited by 1 event."
    ) in text
    assert "- **Ruptly**, E4: unreliable, doubtful; cited by 1 event." in text
    assert "- F: reliability cannot be judged" in text
    assert "- 1: confirmed by other sources" in text


def test_the_footer_cites_the_log_head(seed_report: Report) -> None:
    text = render_markdown(seed_report)
    assert text.endswith(
        f"\n\n---\n\nBuilt from the log memory at position {seed_report.log.position}, "
        f"head hash `{seed_report.log.head_hash}` (each record's hash covers the one before it).\n"
    )


def test_plugin_views_are_listed(seed_report: Report) -> None:
    text = render_markdown(seed_report)
    assert "## Casualties\n\n- place: Humayma\n  - killed: at least 3\n  - note: none\n" in text


def test_an_empty_log() -> None:
    text = render_markdown(build_report(Plugins.load(autoload=False).open_log("memory:")))
    assert text.startswith("# Situation report\n")
    assert "## Timeline\n\nNo events.\n" in text
    assert [t.type for t in MD.parse(text)].count("heading_open") == 2  # title, timeline


# -- nothing from a log can change the document's shape -----------------------------


def shape(text: str) -> list[tuple[Any, ...]]:
    """Every block token, and every inline token but plain text (runs of text are one)."""
    found: list[tuple[Any, ...]] = []
    for token in MD.parse(text):
        if token.type != "inline":
            found.append((token.type, token.tag, token.markup, token.level))
            continue
        inline: list[tuple[str, ...]] = []
        for child in token.children or []:
            kind = ("text",) if child.type == "text" else (child.type, child.markup)
            if child.type == "link_open":
                kind = ("link_open", str(child.attrGet("href")))
            if child.type == "code_inline":
                kind = ("code_inline", child.content)
            if not (inline and kind == ("text",) == inline[-1]):
                inline.append(kind)
        found.append(("inline", tuple(inline)))
    return found


def texts(text: str) -> list[str]:
    found: list[str] = []

    def walk(tokens: list[Token]) -> None:
        for token in tokens:
            if token.type == "text":
                found.append(token.content)
            walk(token.children or [])

    walk(MD.parse(text))
    return found


def normalised(payload: str) -> str:
    return re.sub(
        r"[\s\u0085\u2028\u2029]+",
        " ",
        re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]", "", payload),
    ).strip()


def assert_inert(report: Report, payload: str) -> None:
    benign = render_markdown(poison(report, "x"))
    hostile = render_markdown(poison(report, payload))
    assert shape(hostile) == shape(benign), hostile
    want = normalised(payload)
    assert sum(want in found for found in texts(hostile)) >= texts(benign).count("x")


@pytest.mark.parametrize("payload", HOSTILE)
def test_no_markdown_can_be_injected_through_any_text(seed_report: Report, payload: str) -> None:
    if safe_url(payload) is not None:
        pytest.skip("a real URL becomes a link, by design")
    assert_inert(seed_report, payload)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=st.lists(
        st.sampled_from(HOSTILE)
        | st.text(alphabet=st.sampled_from(list("#*_`[]()<>!&|~-+=.:\\/\"' \n\t1a")), max_size=6)
        | st.text(max_size=4),
        min_size=1,
        max_size=5,
    ).map("".join)
)
def test_no_generated_string_can_change_the_document(seed_report: Report, payload: str) -> None:
    assume(normalised(payload) and safe_url(payload) is None)
    assert_inert(seed_report, payload)


def test_empty_and_blank_texts_do_not_break_the_document(seed_report: Report) -> None:
    for payload in ("", "   ", "\n\n", "\x00"):
        tokens = MD.parse(render_markdown(poison(seed_report, payload)))
        kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
        assert not kinds & {"html_block", "html_inline", "image", "table_open", "code_block"}
        assert sum(t.type == "hr" for t in tokens) == 1  # the footer's


# -- URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["https://www.syriahr.com/en/", "http://example.org/a?b=c&d=e#f", "HTTPS://EXAMPLE.ORG/"],
)
def test_http_urls_become_links(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "ftp://example.org/",
        "https://",
        "https:///path",
        "//example.org/",
        "https://example.org/a b",
        "https://example.org/<b>",
        "https://example.org/>x",
        'https://example.org/"',
        "https://example.org/\\",
        "https://example.org/`",
        "https://example.org/\nx",
        "https://example.org/\x00",
        "https://example.org/\u2028",
        "https://[::1",
        "",
    ],
)
def test_other_urls_are_shown_as_text(url: str, seed_report: Report) -> None:
    assert safe_url(url) is None
    source = attrs.evolve(seed_report.sources[0], urls=(url,))
    text = render_markdown(attrs.evolve(seed_report, sources=(source,)))
    section = text.split("## Sources", 1)[1]
    assert not [t for t in MD.parse(section) for c in (t.children or []) if c.type == "link_open"]


def test_a_good_url_is_the_only_link(seed_report: Report) -> None:
    links = [
        c.attrGet("href")
        for t in MD.parse(render_markdown(seed_report))
        for c in (t.children or [])
        if c.type == "link_open"
    ]
    assert links == [
        "https://apnews.com/",
        "https://www.inherentresolve.mil/Releases/",
        "https://www.syriahr.com/en/",
    ]


def test_a_hash_that_is_not_one_is_not_a_code_span(seed_report: Report) -> None:
    odd = attrs.evolve(seed_report, log=LogInfo("x`y", 3, "`</code><b>x</b>"))
    text = render_markdown(odd)
    assert "code_inline" not in {c.type for t in MD.parse(text) for c in (t.children or [])}


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Deir ez-Zor", "Deir ez-Zor"),
        ("-5", "\\-5"),
        ("2017. Then", "2017\\. Then"),
        ("a*b_c", "a\\*b\\_c"),
        ("a\nb\r\nc", "a b c"),
        ("<b>&amp;</b>", "\\<b>\\&amp;\\</b>"),
        ("> quoted", "\\> quoted"),
        ("U.S.-led", "U.S.-led"),
    ],
)
def test_escape(text: str, escaped: str) -> None:
    assert escape(text) == escaped
