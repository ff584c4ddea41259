"""The HTML report in a real browser: headless Chromium, driven over the DevTools
protocol through a pipe (standard library only), with the network off.

Two pages: the seed example's report, and a report whose every text field holds
script payloads. In both, no script from the log runs (the title stays, no marker
element appears, no element carries an event handler or a ``javascript:`` link), no
request leaves the page, and nothing is logged as an error. The seed's report is also
laid out on a phone (390 px, with the phone's viewport rules) and on a desk (1280 px):
the page is exactly as wide as the screen, nothing sticks out of it (a box may scroll
inside itself), and the text of every picture shows at 10 px or more. Screenshots of
the seed report are kept in ``tests/artifacts/``; with ``SITREP_UPDATE_SCREENSHOT=1``
the desk one also replaces ``docs/images/seed-report.png``.

Skipped, with the reason, where Chromium is not installed (``apt-get install chromium``;
``.ci/run`` installs it).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import itertools
import os
import select
import shutil
import subprocess
import tempfile
import time
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from _hardening import ARTIFACTS, ROOT, SEED

from sitrep_core import (
    Codec,
    Count,
    Event,
    Location,
    Report,
    Retraction,
    Source,
    build_report,
)
from sitrep_core.model._values import OneOf
from sitrep_core.renderers import render_html
from sitrep_core.stores import MemoryLog

BROWSER = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="Chromium is not installed here (apt-get install chromium; .ci/run installs it)",
)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr",
    "--v=0",
    "--remote-debugging-pipe",
)
SCREEN = (1280, 4000)
TIMEOUT = 60.0
SEED_TITLE = "Qalamoun 2017: the ISIS evacuation convoy"


class ProtocolError(Exception):
    """The browser answered a command with an error, or not at all."""


class Browser:
    """One headless Chromium, spoken to over ``--remote-debugging-pipe`` (fds 3 and 4)."""

    def __init__(self, profile: Path, log: Path) -> None:
        assert BROWSER is not None
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # out of the way of 3 and 4, so that placing them there clobbers nothing
        child_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def place_pipes() -> None:
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        self.stderr = log.open("wb")
        self.process = subprocess.Popen(
            [BROWSER, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=self.stderr,
            stderr=self.stderr,
            preexec_fn=place_pipes,  # runs in the child before exec: no lock is taken there
            close_fds=False,  # the pipes are non-inheritable; fds 3 and 4 are made in the child
        )
        os.close(child_r)
        os.close(child_w)
        self._out, self._in = to_browser_w, from_browser_r
        self._buffer = b""
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(ProtocolError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._out)
        os.close(self._in)
        self.stderr.close()

    def _receive(self, deadline: float) -> dict[str, Any] | None:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._in], [], [], left)
            if not ready:
                return None
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise ProtocolError("the browser closed the pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return typing.cast(dict[str, Any], orjson.loads(message))

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = TIMEOUT,
    ) -> dict[str, Any]:
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._out, orjson.dumps(message) + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._receive(deadline)
            if answer is None:
                raise ProtocolError(f"no answer to {method} within {timeout} s")
            if answer.get("id") == number:
                if "error" in answer:
                    raise ProtocolError(f"{method}: {answer['error']}")
                return typing.cast(dict[str, Any], answer.get("result", {}))
            self.events.append(answer)

    def wait_for(self, method: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for seen in self.events:
            if seen.get("method") == method:
                return seen
        while True:
            event = self._receive(deadline)
            if event is None:
                raise ProtocolError(f"no {method} within {timeout} s")
            self.events.append(event)
            if event.get("method") == method:
                return event

    def settle(self, seconds: float) -> None:
        """Collect whatever the page still does for a while (late requests, errors)."""
        deadline = time.monotonic() + seconds
        while (event := self._receive(deadline)) is not None:
            self.events.append(event)


@attrs.frozen
class PageVisit:
    """What a page did in the browser."""

    url: str
    title: str
    checks: dict[str, Any]
    layout: dict[str, Any]
    requests: list[str]
    console: list[str]
    errors: list[str]
    screenshot: bytes


# Run in the page after it loaded: what a script from the log would have left behind.
PAGE_CHECKS = """
(() => {
  const all = [...document.querySelectorAll('*')];
  const handlers = all.flatMap(e => [...e.attributes]
      .filter(a => a.name.toLowerCase().startsWith('on'))
      .map(a => e.tagName + '[' + a.name + ']'));
  const scriptish = all.flatMap(e => [...e.attributes]
      .filter(a => /^\\s*(javascript|vbscript|data:text\\/html)/i.test(a.value)
                   && ['href', 'src', 'action', 'formaction', 'xlink:href', 'data']
                        .includes(a.name.toLowerCase()))
      .map(a => e.tagName + '[' + a.name + '=' + a.value.slice(0, 40) + ']'));
  const count = s => document.querySelectorAll(s).length;
  return JSON.stringify({
    markers: count('#xss-marker, .xss-marker, [data-xss]'),
    scripts: count('script'),
    frames: count('iframe, frame, object, embed, applet, form, base, portal'),
    refreshes: count('meta[http-equiv="refresh" i]'),
    stylesheets: count('link[rel~="stylesheet" i], style:not(head > style)'),
    images: count('img, image[href^="http"], video, audio, source'),
    handlers: handlers,
    scriptish: scriptish,
    ran: typeof window.__sitrep_xss !== 'undefined',
    text: document.body ? document.body.innerText.length : 0,
    h1: (document.querySelector('h1') || {}).textContent || null,
    bodyText: document.body ? document.body.innerText : '',
  });
})()
"""


# Run in the page after it loaded: how wide it is laid out, what sticks out of the
# screen (not counting what scrolls inside a box of its own), and how large the text of
# every picture is on screen (its font size times the scale the picture is drawn at).
LAYOUT_CHECKS = """
(() => {
  const viewport = document.documentElement.clientWidth;
  const scrolledInBox = element => {
    for (let p = element.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return true;
    }
    return false;
  };
  const wider = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    // content that spills out of its own box (a line too long to wrap) counts too
    const spills = getComputedStyle(element).overflowX === 'visible'
                   && box.left + element.scrollWidth > viewport + 0.5;
    if ((box.right > viewport + 0.5 || box.left < -0.5 || spills) && !scrolledInBox(element)) {
      const kind = element.getAttribute('class');
      wider.push(element.tagName + (kind ? '.' + kind : '') + ' ' + Math.round(box.left) + '..'
                 + Math.round(box.right));
    }
  }
  const svgText = [...document.querySelectorAll('svg text')]
    .filter(t => t.getClientRects().length > 0 && t.textContent.trim())
    .map(t => ({
      size: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
      text: t.textContent.trim().slice(0, 40),
    }));
  const smallest = svgText.reduce((a, b) => (b.size < a.size ? b : a),
                                  {size: Infinity, text: null});
  // labels of a picture that cover one another, or stick out of it, as the browser drew them
  const collisions = [];
  for (const svg of document.querySelectorAll('figure svg')) {
    if (svg.getClientRects().length === 0) continue;
    const frame = svg.getBoundingClientRect();
    const boxes = [...svg.querySelectorAll('text')]
      .filter(t => t.textContent.trim())
      .map(t => ({text: t.textContent.trim().slice(0, 30), box: t.getBoundingClientRect()}));
    boxes.forEach((one, i) => {
      const b = one.box;
      if (b.left < frame.left - 1 || b.right > frame.right + 1 || b.top < frame.top - 1
          || b.bottom > frame.bottom + 1) collisions.push(['outside', one.text]);
      for (const other of boxes.slice(i + 1)) {
        const c = other.box;
        if (b.left + 1 < c.right && c.left + 1 < b.right && b.top + 1 < c.bottom
            && c.top + 1 < b.bottom) collisions.push([one.text, other.text]);
      }
    });
  }
  const pictures = [...document.querySelectorAll('figure svg')]
    .filter(s => s.getClientRects().length > 0)
    .map(s => { const r = s.getBoundingClientRect();
                return {class: s.getAttribute('class'), top: r.top + scrollY, width: r.width,
                        height: r.height}; });
  return JSON.stringify({
    viewport: viewport,
    layoutWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    wider: wider.slice(0, 20),
    svgTexts: svgText.length,
    smallestSvgText: smallest,
    pictures: pictures,
    collisions: collisions.slice(0, 20),
  });
})()
"""


def visit(
    html: str,
    folder: Path,
    name: str,
    screen: tuple[int, int] = SCREEN,
    mobile: bool = False,
    whole: bool = False,
) -> PageVisit:
    """Open ``html`` from a file in a fresh browser on a screen ``screen`` wide and high
    (a phone's, with its viewport rules, when ``mobile``): what it did, how it was laid
    out, and a screenshot of the screen (of the whole page when ``whole``)."""
    page = folder / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    url = page.as_uri()
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=folder))
    browser = Browser(profile, folder / f"{name}.chromium.log")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        width, height = screen
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            session=session,
        )
        browser.events.clear()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired")
        browser.settle(1.0)

        def evaluate(expression: str) -> Any:
            return browser.send(
                "Runtime.evaluate",
                {"expression": expression, "returnByValue": True},
                session=session,
            )["result"]["value"]

        title = evaluate("document.title")
        checks = orjson.loads(evaluate(PAGE_CHECKS))
        layout = orjson.loads(evaluate(LAYOUT_CHECKS))
        shot = browser.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": layout["viewport"],
                    "height": min(layout["height"], 16000) if whole else screen[1],
                    "scale": 1,
                },
            },
            session=session,
        )["data"]
        browser.settle(0.3)
    finally:
        browser.close()
    requests = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    console = [
        " ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"])
        for e in browser.events
        if e.get("method") == "Runtime.consoleAPICalled"
    ]
    errors = [
        e["params"]["exceptionDetails"].get("text", "exception")
        for e in browser.events
        if e.get("method") == "Runtime.exceptionThrown"
    ] + [
        f"{e['params']['entry']['source']}: {e['params']['entry']['text']}"
        for e in browser.events
        if e.get("method") == "Log.entryAdded"
        and e["params"]["entry"]["level"] in ("error", "warning")
    ]
    return PageVisit(url, title, checks, layout, requests, console, errors, base64.b64decode(shot))


def assert_inert(page: PageVisit) -> None:
    """Nothing ran, nothing was fetched, nothing complained."""
    assert [u for u in page.requests if u != page.url and not u.startswith("data:")] == []
    assert page.console == []
    assert page.errors == []
    checks = page.checks
    assert checks["markers"] == 0
    assert checks["scripts"] == 0
    assert checks["frames"] == 0
    assert checks["refreshes"] == 0
    assert checks["images"] == 0
    assert checks["handlers"] == []
    assert checks["scriptish"] == []
    assert checks["ran"] is False
    assert page.screenshot.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sitrep-browser-") as name:
        yield Path(name)


# -- the seed example ------------------------------------------------------------------------


def seed_report(moment: str | None = None) -> Report:
    log = MemoryLog(Codec())
    log.append(log.codec.read_input(SEED.read_bytes(), source=str(SEED)))
    return build_report(log, title=SEED_TITLE, as_of=moment, known_at=moment)


def test_the_seed_report_in_a_browser(folder: Path) -> None:
    html = render_html(seed_report())
    page = visit(html, folder, "seed-report")
    assert_inert(page)
    assert page.title.startswith(SEED_TITLE)
    assert page.checks["h1"] and SEED_TITLE in page.checks["h1"]
    text = page.checks["bodyText"]
    for words in ("Abu Kamal", "Hezbollah", "convoy"):
        assert words in text, words
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "seed-report.png").write_bytes(page.screenshot)
    if os.environ.get("SITREP_UPDATE_SCREENSHOT", "") not in ("", "0"):
        docs = ROOT / "docs" / "images"
        docs.mkdir(parents=True, exist_ok=True)
        (docs / "seed-report.png").write_bytes(page.screenshot)


PHONE = (390, 844)
DESK = (1280, 900)
SMALLEST_TEXT_PX = 10.0


@pytest.mark.parametrize(
    ("screen", "mobile", "frame"),
    [(PHONE, True, "narrow"), (DESK, False, "wide")],
    ids=["phone-390", "desk-1280"],
)
def test_the_seed_report_fits_the_screen(
    folder: Path, screen: tuple[int, int], mobile: bool, frame: str
) -> None:
    page = visit(
        render_html(seed_report("2017-09-05T12:00")),
        folder,
        f"fit-{screen[0]}",
        screen,
        mobile,
        whole=True,
    )
    assert_inert(page)
    layout = page.layout
    # a desk browser's scroll bar takes its width from the screen: the layout fills the rest
    assert screen[0] - 20 <= layout["viewport"] <= screen[0]
    assert layout["layoutWidth"] == layout["viewport"], "the page scrolls sideways"
    assert layout["wider"] == []
    pictures = [picture["class"] for picture in layout["pictures"]]
    assert pictures == [f"map {frame}", f"timeline {frame}"]
    assert layout["svgTexts"] > 50
    assert layout["smallestSvgText"]["size"] >= SMALLEST_TEXT_PX, layout["smallestSvgText"]
    assert layout["collisions"] == []
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"seed-report-{screen[0]}.png").write_bytes(page.screenshot)


def test_the_layout_check_sees_a_page_that_scrolls_sideways(folder: Path) -> None:
    """The checks above can fail: a line too long to wrap and a picture drawn small."""
    wide = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>wide</title></head><body><pre>" + "x" * 120 + "</pre><figure>"
        '<svg viewBox="0 0 960 100" style="width:100%"><text x="900" y="50" '
        'style="font-size:12px">tiny, and too long to fit</text></svg></figure></body></html>'
    )
    page = visit(wide, folder, "wide-control", PHONE, True)
    assert page.layout["layoutWidth"] > page.layout["viewport"]
    assert page.layout["wider"] != []
    assert page.layout["smallestSvgText"]["size"] < SMALLEST_TEXT_PX
    assert page.layout["collisions"] != []  # the label sticks out of its picture


AXE = Path(
    os.environ.get("SITREP_AXE_JS")
    or Path.home() / ".cache/sitrep-ci/node_modules/axe-core/axe.min.js"
)
AXE_RUN = """
axe.run(document).then(result => JSON.stringify(result.violations.map(v => ({
  id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
}))))
"""


def axe_violations(html: str, folder: Path, name: str, screen: tuple[int, int]) -> Any:
    """What axe-core finds wrong with the page's accessibility, as a phone or a desk
    browser lays it out (axe is given to the page through the DevTools protocol: the
    page itself runs no script)."""
    page = folder / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    browser = Browser(Path(tempfile.mkdtemp(prefix="profile-", dir=folder)), folder / f"{name}.log")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        browser.send("Page.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": screen[0], "height": screen[1], "deviceScaleFactor": 1,
             "mobile": screen == PHONE},
            session=session,
        )  # fmt: skip
        browser.send("Page.navigate", {"url": page.as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired")
        browser.send(
            "Runtime.evaluate", {"expression": AXE.read_text(encoding="utf-8")}, session=session
        )
        found = browser.send(
            "Runtime.evaluate",
            {"expression": AXE_RUN, "awaitPromise": True, "returnByValue": True},
            session=session,
        )["result"]["value"]
    finally:
        browser.close()
    return orjson.loads(found)


@pytest.mark.skipif(
    not AXE.is_file(),
    reason=f"axe-core is not at {AXE} (npm install axe-core; set SITREP_AXE_JS to its "
    "axe.min.js; .ci/run installs it where npm is)",
)
@pytest.mark.parametrize("screen", [PHONE, DESK], ids=["phone-390", "desk-1280"])
def test_axe_finds_nothing_wrong_with_the_seed_report(
    folder: Path, screen: tuple[int, int]
) -> None:
    html = render_html(seed_report("2017-09-05T12:00"))
    assert axe_violations(html, folder, f"axe-{screen[0]}", screen) == []
    control = '<!DOCTYPE html><html><body><img src="data:,"><h3>x</h3></body></html>'
    assert axe_violations(control, folder, f"axe-control-{screen[0]}", screen) != []


# -- a log whose every text is a payload -------------------------------------------------------

PAYLOADS = (
    '<script>document.title="XSS script";window.__sitrep_xss=1</script>',
    '"><img src=x id="xss-marker" onerror="document.title=\'XSS img\'">',
    "'><svg onload=\"document.title='XSS svg'\" class=xss-marker>",
    '<svg><script>document.title="XSS svg script"</script></svg>',
    "javascript:document.title='XSS javascript'",
    '</style><script>document.title="XSS style"</script>',
    '</script><script>document.title="XSS script close"</script>',
    ']]><script>document.title="XSS cdata"</script><![CDATA[',
    '</title><script>document.title="XSS title"</script>',
    "</textarea><iframe srcdoc=\"<script>parent.document.title='XSS frame'</script>\">",
    "<a href=\"javascript:document.title='XSS a'\" id=xss-marker>click</a>",
    '<div data-xss style="background:url(http://127.0.0.1:9/x.png)">x</div>',
    '<link rel=stylesheet href="http://127.0.0.1:9/x.css">',
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
    '<base href="http://127.0.0.1:9/">',
    "<style>@import url(http://127.0.0.1:9/x.css);body{display:none}</style>",
    '<object data="http://127.0.0.1:9/x"></object><embed src="http://127.0.0.1:9/y">',
    "{{ 7*7 }}{% print 1 %}${7*7}",
    "<!-- <![CDATA[ --> &lt;script&gt; &amp;",
    '<svg><a xlink:href="javascript:document.title=1"><text>x</text></a></svg>',
    "<math><mtext><img src=x onerror=\"document.title='XSS math'\"></mtext></math>",
    "\u2028\u2029<script>document.title='XSS lines'</script>",
    "x\u0000y\u001b[31m\ufeff",
    '<form action="http://127.0.0.1:9/"><button>go</button></form>',
)
URLS = (
    "javascript:document.title='XSS url'",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'https://example.org/" onmouseover="document.title=1',
    "https://example.org/<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http://127.0.0.1:9/tracker.gif",
)
STATIC = {"status": "halted", "stance": "condemns", "kind": "deal", "qualifier": "approx"}


def _type_of(cls: type, name: str) -> Any:
    return typing.get_type_hints(cls)[name]


def _has(type_: Any, kind: Any) -> bool:
    return type_ is kind or any(_has(arg, kind) for arg in typing.get_args(type_))


def xss_events() -> list[Event]:
    """An event of every built-in type, every text field a payload, every URL hostile."""
    codec = Codec()
    texts = itertools.cycle(PAYLOADS)
    urls = itertools.cycle(URLS)
    events: list[Event] = []
    places = [f"place {n} {PAYLOADS[n]}"[:200] for n in range(3)]
    convoy = "convoy " + PAYLOADS[0]
    for number, (tag, cls) in enumerate(sorted(codec.types.items())):
        if cls is Retraction:
            continue
        for copy in range(2):
            values: dict[str, Any] = {}
            for field in attrs.fields(cls):
                name, type_ = field.name, _type_of(cls, field.name)
                if name in ("id", "occurred", "recorded", "corrects", "retracts", "attribution"):
                    continue
                if isinstance(field.validator, OneOf):
                    values[name] = field.validator.choices[copy % len(field.validator.choices)]
                elif name in ("lat", "lon"):
                    values[name] = 34.4 + number / 10 if name == "lat" else 37.0 + number / 5
                elif name == "key" and tag == "place":
                    values[name] = places[copy]
                elif name in ("convoy",):
                    values[name] = convoy
                elif name == "near":
                    values[name] = (places[0], places[1])
                elif name == "new_convoy":
                    values[name] = None
                elif name == "stances":
                    values[name] = ("condemns", "warns")
                elif name == "unclaimed":
                    values[name] = False
                elif _has(type_, Location):  # a place to draw on the map, in hostile words
                    values[name] = Location(
                        text=next(texts), relation="between", places=(places[0], places[1])
                    )
                elif _has(type_, Source):
                    values[name] = tuple(
                        Source(next(texts), "B", 2, url=next(urls), quote=next(texts))
                        for _ in range(2)
                    )
                elif typing.get_origin(type_) is dict:
                    values[name] = {next(texts): Count.approx(17, text=next(texts))}
                elif _has(type_, Count):
                    values[name] = Count.between(3, 9, text=next(texts))
                elif _has(type_, bool):
                    values[name] = True
                elif _has(type_, tuple):
                    values[name] = (next(texts), next(texts))
                elif _has(type_, str):
                    values[name] = next(texts)
            event_id = "".join(
                c for c in f"e{number}.{copy} {next(texts)}"[:200] if c.isprintable()
            ).strip()
            events.append(
                cls(
                    id=event_id,
                    occurred=f"2017-08-{1 + number:02d}",
                    recorded=f"2017-08-{1 + number:02d}T{10 + copy}:00:00Z",
                    **values,
                )
            )
    first = events[0]
    corrected = attrs.evolve(
        events[1], id="correction " + PAYLOADS[1], corrects=events[1].id, recorded=None
    )
    events.append(corrected)
    retraction: dict[str, Any] = {
        "id": "retraction " + PAYLOADS[2],
        "occurred": "2017-09-02",
        "retracts": first.id,
        "reason": PAYLOADS[3],
        "notes": PAYLOADS[4],
        "tags": (PAYLOADS[5],),
        "sources": (Source(PAYLOADS[6], "F", 6, url=URLS[0], quote=PAYLOADS[7]),),
    }
    events.append(Retraction(**retraction))
    return events


def test_a_log_full_of_script_payloads_in_a_browser(folder: Path) -> None:
    log = MemoryLog(Codec())
    log.append(xss_events())
    report = build_report(log, title=PAYLOADS[0] + " " + PAYLOADS[5])
    html = render_html(report)
    assert "__sitrep_xss" in html  # the payloads are there, as text
    page = visit(html, folder, "xss-report")
    assert_inert(page)
    assert not page.title.startswith("XSS"), page.title
    text = page.checks["bodyText"]
    # the payloads show as the text they are
    assert '<script>document.title="XSS script"' in text
    assert "javascript:document.title='XSS javascript'" in text
    (ARTIFACTS / "xss-report.png").parent.mkdir(exist_ok=True)
    (ARTIFACTS / "xss-report.png").write_bytes(page.screenshot)
