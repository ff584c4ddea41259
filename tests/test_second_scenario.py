"""The Azovstal example: a corridor mediated by the UN and the ICRC, a figure corrected
by its source, a figure disputed between sources, statements with two stances, a
go-between; written with the fields the line format documents, and no notes needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sitrep_core as sr
from sitrep_core.renderers import render_markdown
from sitrep_core.views import Figure, Ref

EVENTS = Path(__file__).parents[1] / "examples" / "azovstal-2022" / "events.jsonl"


@pytest.fixture(scope="module")
def log() -> sr.EventLog:
    log = sr.open_log("memory:")
    log.append(log.codec.read_input(EVENTS.read_bytes(), source=str(EVENTS)))
    return log


def figure(report: sr.Report, key: str) -> Figure:
    return next(f for f in report.figures if f.key == key)


def test_the_un_count_replaces_its_first_figure_and_disputes_the_ministry(
    log: sr.EventLog,
) -> None:
    early = sr.build_report(log, as_of="2022-05-02T12:00Z", known_at="2022-05-02T12:00Z")
    evacuated = figure(early, "azovstal-civilians/evacuated")
    assert [c.value.text or c.value.value for c in evacuated.claims] == [80, "more than 100"]
    assert evacuated.disputed  # 80 and "more than 100" cannot both be true
    now = sr.build_report(log)
    evacuated = figure(now, "azovstal-civilians/evacuated")
    un = next(c for c in evacuated.claims if c.event_id == "azv-201-figure-un-count")
    assert un.value.value == 101 and un.value.including["children"].value == 17
    assert un.replaces is not None and un.replaces.text == "more than 100"
    assert [s.name for s in un.sources] == ["UN Humanitarian Coordinator"]
    assert evacuated.disputed
    text = render_markdown(now)
    assert "more than 100 \u2192 101, including 17 children" in text
    assert "corrected 15:00 UTC on 3 May 2022" in text


def test_the_total_is_credited_to_the_one_source_that_gave_it(log: sr.EventLog) -> None:
    report = sr.build_report(log)
    (convoy,) = report.convoys
    (people,) = convoy.people
    assert people.measure == "people"
    assert [s.name for c in people.claims for s in c.sources] == ["Ukrainian presidency"]
    assert [o.name for o in convoy.origins] == ["the Azovstal steel works", "Manhush"]


def test_statements_with_two_stances_a_target_and_a_go_between(log: sr.EventLog) -> None:
    stances = {(s.actor.key, s.subject.key): s for s in sr.build_report(log).stances}
    ukraine = stances[("ukraine", "azovstal-corridor")]
    assert ukraine.stances == ("welcomes", "demands")
    assert [t.key for t in ukraine.latest.target] == ["russia"]
    russia = stances[("russia", "local-ceasefire")]
    assert russia.stances == ("denies", "blames")
    icrc = stances[("icrc", "azovstal-civilians")].latest
    assert (icrc.via, icrc.audience) == (
        Ref("un", "actor", "the United Nations"),
        Ref("russia", "actor", "Russia"),
    )
    text = render_markdown(sr.build_report(log))
    assert "denies breaking the ceasefire around the plant and blames the Azov Regiment" in text
    assert "addressed to Russia, passed on through the United Nations" in text


def test_the_corridor_names_its_mediators(log: sr.EventLog) -> None:
    text = render_markdown(sr.build_report(log))
    assert "Corridor between Ukraine and Russia" in text
    assert "mediated by the United Nations and the ICRC" in text


def test_the_readme_commands_run_as_a_script_would(tmp_path: Path) -> None:
    target = tmp_path / "azovstal.jsonl"
    sitrep = [sys.executable, "-m", "sitrep_core"]
    for args in (
        ["init", str(target)],
        ["append", str(target), str(EVENTS)],
        [
            "render",
            str(target),
            "--as-of",
            "2022-05-02T12:00",
            "--known-at",
            "2022-05-02T12:00",
            "-o",
            str(tmp_path / "early.md"),
        ],
    ):
        done = subprocess.run([*sitrep, *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    assert "more than 100" in (tmp_path / "early.md").read_text()
