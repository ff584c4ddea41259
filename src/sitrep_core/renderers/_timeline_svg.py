"""The report's timeline as an inline SVG in which every event has its label.

Time runs down the page, one row per event, so no label can cover another and a
phone shows the same picture as a desk, only with labels wrapped into more lines.
Each day that has events gets the room its rows need; days with nothing reported
shrink to a sliver, and a gap of more than ``BREAK_DAYS`` days becomes a break in
the axis that says how long it was. So background weeks before the events in
focus take a band at the top instead of most of the width, and a busy week gets
all the room it needs. An event known only within a span (28 Aug - 2 Sept, "Aug
2017") has a bar beside the axis down to where the span ends, and its label starts
with the span in words; an open span ("before 31 Jul") is a bar with an arrow.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs
from babel.dates import format_skeleton

from ..model import FuzzyTime
from ..model._time import MAX_TIME, MIN_TIME
from ..projections import Directory, TimelineEntry
from ._dates import LOCALE, human_date
from ._geometry import number, path
from ._labels import ADVANCE, wrap
from ._phrasing import event_phrase
from ._words import capitalised, plain

BREAK_DAYS = 3
"""Longer runs of days with nothing reported become a break in the axis."""
BACKGROUND_DAYS = 7
"""A break at least this long ends the background: what comes after is in focus."""


@attrs.frozen
class TimelineFrame:
    """A timeline's width and text size in SVG units; at most ``lines`` lines a label
    and ``lanes`` bars side by side. The page shows the frame that fits the screen."""

    name: str
    width: int
    font: float
    lines: int
    lanes: int


WIDE = TimelineFrame("wide", 960, 13.0, 2, 12)
NARROW = TimelineFrame("narrow", 360, 12.0, 3, 5)


@attrs.frozen
class Line:
    y: str
    strong: str
    """The span in words, where the label starts with it."""
    rest: str


@attrs.frozen
class Row:
    dot_y: str
    lines: tuple[Line, ...]
    title: str
    background: bool


@attrs.frozen
class Bar:
    x: str
    y1: str
    y2: str
    join_y: str
    head: str
    """An arrowhead where the span is open."""


@attrs.frozen
class Tick:
    y: str
    label: str
    year: str | None
    year_y: str


@attrs.frozen
class Break:
    y: str
    zigzag: str
    label: str


@attrs.frozen
class TimelinePlot:
    frame: TimelineFrame
    height: int
    axis_x: str
    axis_top: str
    axis_bottom: str
    date_x: str
    label_x: str
    band: str | None
    """Where the background band ends, when the timeline has one."""
    rows: tuple[Row, ...]
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    breaks: tuple[Break, ...]
    description: str


@attrs.frozen
class _Event:
    entry: TimelineEntry
    start: datetime
    end: datetime
    open_start: bool
    open_end: bool
    slot: tuple[datetime, str]
    """The day (or month, or year) the event's row sits in, and its precision."""
    when: str | None
    headline: str


def _side(value: FuzzyTime, left: bool) -> FuzzyTime | None:
    """One end of an interval, as its own time (None when open)."""
    if value.precision != "interval":
        return value
    part = value.text.partition("/")[0 if left else 2]
    return None if part in ("", "..") else FuzzyTime.parse(part)


def _slot(moment: datetime, precision: str) -> tuple[datetime, str]:
    moment = moment.astimezone(UTC)
    if precision == "year":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0), "year"
    if precision == "month":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0), "month"
    return moment.replace(hour=0, minute=0, second=0, microsecond=0), "day"


def _events(entries: Sequence[TimelineEntry], names: Directory, until: datetime) -> list[_Event]:
    found = []
    for entry in entries:
        occurred = entry.event.occurred
        first, last = _side(occurred, True), _side(occurred, False)
        open_start, open_end = occurred.earliest == MIN_TIME, occurred.latest == MAX_TIME
        if open_start and open_end:
            continue
        start = last.earliest if open_start and last else occurred.earliest
        end = min(occurred.latest if not open_end else until, max(until, start))
        anchor = last if open_start else first
        slot = _slot(start, anchor.precision if anchor else "day")
        single = (
            not open_start and not open_end and occurred.precision in ("day", "minute", "second")
        )
        found.append(
            _Event(
                entry,
                start,
                end,
                open_start,
                open_end,
                slot,
                None if single else plain(human_date(occurred)),
                plain(capitalised(event_phrase(entry.event, names))),
            )
        )
    found.sort(key=lambda e: (e.slot[0], ("year", "month", "day").index(e.slot[1]), e.start,
                              e.entry.position))  # fmt: skip
    return found


def _tick_words(moment: datetime, precision: str) -> str:
    skeleton = {"year": "y", "month": "MMM", "day": "MMMd"}[precision]
    return format_skeleton(skeleton, moment, locale=LOCALE)


def timeline_plot(
    entries: Sequence[TimelineEntry],
    names: Directory,
    until: datetime | None,
    frame: TimelineFrame,
) -> TimelinePlot | None:
    """Every event on a vertical time axis, each with its label, laid out in ``frame``;
    ``until`` is the report's moment (where open spans stop). None without events."""
    if until is None:  # no moment given: open spans stop at the last time any event names
        until = max(
            (
                moment
                for entry in entries
                for moment in (entry.event.occurred.earliest, entry.event.occurred.latest)
                if MIN_TIME < moment < MAX_TIME
            ),
            default=MIN_TIME,
        )
    events = _events(entries, names, until)
    if not events:
        return None
    font = frame.font
    line_height = font * 1.3
    date_x = font * 4.2
    axis_x = date_x + font * 0.8 + frame.lanes * 4 + 6
    label_x = axis_x + font * 0.9
    # bold dates run wider than the average advance: a tenth more room for them
    chars = max(int((frame.width - label_x - 4) // (font * ADVANCE * 1.1)), 12)

    rows: list[Row] = []
    ticks: list[Tick] = []
    breaks: list[Break] = []
    anchors: list[tuple[datetime, float]] = []  # time -> y, for the ends of the bars
    row_at: dict[int, float] = {}
    y = font * 1.2
    axis_top = y - font
    band_end: float | None = None
    last_year: int | None = None
    slots: list[tuple[tuple[datetime, str], list[_Event]]] = []
    for event in events:
        if slots and slots[-1][0] == event.slot:
            slots[-1][1].append(event)
        else:
            slots.append((event.slot, [event]))
    focus = 0
    for index in range(1, len(slots)):
        gap = (slots[index][0][0] - slots[index - 1][0][0]).days
        if gap > BACKGROUND_DAYS:
            focus = index
    if focus and sum(len(s[1]) for s in slots[focus:]) * 2 < len(events):
        focus = 0  # what follows the last long break is not most of the report

    for index, ((moment, precision), members) in enumerate(slots):
        if index:
            previous = slots[index - 1][0][0]
            empty = (moment - previous).days - 1
            if empty > BREAK_DAYS:
                middle = y + font * 0.9
                zig = [(axis_x - 5, middle - 6), (axis_x + 5, middle - 2), (axis_x - 5, middle + 2),
                       (axis_x + 5, middle + 6)]  # fmt: skip
                breaks.append(Break(number(middle + font * 0.35), path([zig]),
                                    f"{empty} days"))  # fmt: skip
                if index == focus:
                    band_end = middle
                y += font * 2.2
            elif empty > 0:
                y += empty * font * 0.5
        top = y
        anchors.append((moment, top))
        year = moment.year if moment.year != last_year else None
        last_year = moment.year
        first_baseline = y + font
        for event in members:
            text = (f"{event.when}: " if event.when else "") + event.headline
            lines = wrap(text, chars, frame.lines)
            prefix = len(event.when) + 1 if event.when else 0
            drawn = []
            for number_of_line, line in enumerate(lines):
                baseline = y + font + number_of_line * line_height
                strong = line[:prefix] if prefix > 0 else ""
                drawn.append(Line(number(baseline), strong, line[len(strong) :]))
                prefix -= len(line) + 1
            row_at[id(event)] = y + font * 0.62
            title = f"{plain(human_date(event.entry.event.occurred))}: {event.headline}"
            rows.append(Row(number(y + font * 0.62), tuple(drawn), title, index < focus))
            y += len(lines) * line_height + font * 0.45
        y = max(y, top + (font * 2.6 if year is not None else line_height + font * 0.45))
        end_of_slot = {"day": timedelta(days=1), "month": timedelta(0), "year": timedelta(0)}
        anchors.append((moment + end_of_slot[precision], y))
        ticks.append(
            Tick(number(first_baseline), _tick_words(moment, precision),
                 str(year) if year is not None and precision != "year" else None,
                 number(first_baseline + line_height))
        )  # fmt: skip
    axis_bottom = y

    def y_of(moment: datetime) -> float:
        if moment <= anchors[0][0]:
            return anchors[0][1]
        for (t0, y0), (t1, y1) in itertools.pairwise(anchors):
            if t0 <= moment <= t1:
                if t1 == t0:
                    return y1
                return y0 + (y1 - y0) * (moment - t0) / (t1 - t0)
        return anchors[-1][1]

    bars: list[Bar] = []
    lane_ends: list[float] = []
    for event in events:
        if event.when is None and not (event.open_start or event.open_end):
            continue
        y1 = row_at[id(event)]
        y2 = max(y_of(event.end), y1 + 4)
        free = [i for i, end in enumerate(lane_ends) if end < y1 - 3]
        if free:
            lane = free[0]
        elif len(lane_ends) < frame.lanes:
            lane_ends.append(0.0)
            lane = len(lane_ends) - 1
        else:
            lane = min(range(len(lane_ends)), key=lambda i: lane_ends[i])
        lane_ends[lane] = y2
        x = axis_x - 7 - lane * 4
        head = ""
        if event.open_start:
            head = path([[(x - 3, y1 - 2), (x, y1 - 8), (x + 3, y1 - 2)]], closed=True)
        elif event.open_end:
            head = path([[(x - 3, y2 - 2), (x, y2 + 4), (x + 3, y2 - 2)]], closed=True)
        top = y1 - 8 if event.open_start else y1
        bars.append(Bar(number(x), number(top), number(y2), number(y1), head))

    first, last = events[0], max(events, key=lambda e: e.end)
    description = (
        f"{len(events)} events, one labelled row each, in the order they happened, from "
        f"{plain(human_date(first.entry.event.occurred))} to "
        f"{plain(human_date(last.entry.event.occurred))}. Time runs down; days with "
        f"nothing reported are left out, and a break marks each gap of more than "
        f"{BREAK_DAYS} days. A bar beside the axis shows an event known only within a span."
    )
    return TimelinePlot(
        frame=frame,
        height=math.ceil(y + font * 0.6),
        axis_x=number(axis_x),
        axis_top=number(axis_top),
        axis_bottom=number(axis_bottom),
        date_x=number(date_x),
        label_x=number(label_x),
        band=None if band_end is None else number(band_end),
        rows=tuple(rows),
        bars=tuple(bars),
        ticks=tuple(ticks),
        breaks=tuple(breaks),
        description=description,
    )
