"""The JSON renderer: stable bytes, a version, a schema generated from the report, and
ids and keys kept beside the names readers see."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sitrep_core as sr
from sitrep_core import Plugins, Report, SitrepError, build_report
from sitrep_core.renderers import render_json, report_data, report_schema
from sitrep_core.report import Section

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "report-schema.json"
EVENTS = ROOT / "examples" / "qalamoun-2017" / "events.jsonl"
MOMENTS = ["2017-08-30T16:50Z", "2017-08-31T12:00Z", "2017-09-02T12:00Z", "2017-09-05T12:00Z"]


@pytest.fixture(scope="module")
def log() -> sr.EventLog:
    log = sr.open_log("memory:")
    log.append(log.codec.read_input(EVENTS.read_bytes(), source=str(EVENTS)))
    return log


@pytest.fixture(scope="module")
def report(log: sr.EventLog) -> Report:
    return build_report(log, title="Qalamoun", as_of=MOMENTS[-1], known_at=MOMENTS[-1])


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_committed_schema_is_the_generated_one() -> None:
    from sitrep_core.codec._schema import dumps

    assert COMMITTED.read_text(encoding="utf-8") == dumps(report_schema()), (
        "regenerate it: python -m sitrep_core.renderers._json > docs/report-schema.json"
    )


@pytest.mark.parametrize("moment", MOMENTS)
def test_every_dated_report_is_versioned_and_valid(
    log: sr.EventLog, validator: jsonschema.Draft202012Validator, moment: str
) -> None:
    for options in ({"as_of": moment, "known_at": moment}, {"as_of": moment}, {"since": moment}):
        data = json.loads(render_json(build_report(log, **options)))  # type: ignore[arg-type]
        assert data["schema"] == "sitrep-report/2"
        validator.validate(data)


def test_the_output_is_stable(log: sr.EventLog, report: Report) -> None:
    text = render_json(report)
    assert text == render_json(report)
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    again = build_report(log, title="Qalamoun", as_of=MOMENTS[-1], known_at=MOMENTS[-1])
    assert render_json(again) == text


def test_ids_and_keys_stand_beside_the_names(report: Report) -> None:
    data = report_data(report)
    convoy = data["convoys"][0]
    assert convoy["convoy"] == {
        "key": "qalamoun-convoy",
        "kind": "convoy",
        "name": "Qalamoun convoy",
    }
    assert convoy["status"]["event_id"] == "qal-403-convoy-stalled"
    # events are written as their lines hold them, their type and version first
    entry = next(e for e in data["timeline"] if e["event"]["id"] == "qal-401-convoy-halted-aug-29")
    assert (entry["event"]["type"], entry["event"]["v"]) == ("convoy-move", 2)
    assert entry["replaces"]["id"] == "qal-102-convoy-halted"
    assert data["log"]["head_hash"] == report.log.head_hash


def test_the_renderer_is_registered_as_json(report: Report) -> None:
    plugins = Plugins.load(autoload=False)
    renderer = plugins.renderer("json")
    assert (renderer.extension, renderer.media_type) == (".json", "application/json")
    assert plugins.render(report, "json") == render_json(report)


def test_plugin_sections_are_plain_data_without_their_formats(
    report: Report, validator: jsonschema.Draft202012Validator
) -> None:
    section = Section("casualties", "Casualties", ({"place": "Humayma", "killed": 3},), "md", "<p>")
    data = json.loads(render_json(attrs.evolve(report, sections=(section,))))
    validator.validate(data)
    assert data["sections"] == [
        {"name": "casualties", "title": "Casualties", "view": [{"place": "Humayma", "killed": 3}]}
    ]
    assert "extra" not in data


def test_a_view_without_a_json_form_is_named(report: Report) -> None:
    section = Section("odd", "Odd", object())
    with pytest.raises(SitrepError, match="projection 'odd' has no JSON form"):
        render_json(attrs.evolve(report, sections=(section,)))


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and s == s.strip()))
def test_any_text_from_a_log_stays_valid_json(title: str) -> None:
    log = sr.open_log("memory:")
    log.append(
        [
            sr.ConvoyMove(
                id="m",
                occurred="2017-09-05",
                convoy=title,
                status="stalled",
                notes=title,
                sources=[sr.Source(title.strip() or "x", "B", 2, quote=title)],
            )
        ]
    )
    data = json.loads(render_json(build_report(log, title=title)))
    assert data["title"] == title
    assert data["timeline"][0]["event"]["notes"] == title


def test_the_json_format_names_the_schema_its_reports_carry() -> None:
    """The format is declared without loading the report (every command declares it);
    what it says of the schema is what the reports say."""
    renderer = Plugins.load(autoload=False).renderer("json")
    assert f"({Report.SCHEMA}," in renderer.description
    assert renderer.media_type == "application/json" and renderer.extension == ".json"
