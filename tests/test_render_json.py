"""The JSON renderer: stable bytes, a version, and a schema generated from the report."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import jsonschema
import pytest
from _hostile import HOSTILE, Tally, poison
from _seed_log import seed_log

from sitrep_core import Count, Plugins, Report, SitrepError, ValidationError, build_report
from sitrep_core.codec._schema import dumps
from sitrep_core.renderers._json import render_json, report_data, report_from_json, report_schema

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "report-schema.json"


@pytest.fixture(scope="module")
def report() -> Report:
    plugins = Plugins.load(autoload=False)
    return plugins.report(seed_log(plugins.codec), title="ISIS convoy from western Qalamoun")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_committed_schema_is_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == dumps(report_schema()), (
        "regenerate it: python -m sitrep_core.renderers._json > docs/report-schema.json"
    )


def test_the_output_is_versioned_and_valid(
    report: Report, validator: jsonschema.Draft202012Validator
) -> None:
    data = json.loads(render_json(report))
    assert data["schema"] == "sitrep-report/1"
    validator.validate(data)
    assert data["log"]["head_hash"] == report.log.head_hash
    wounded = next(f for f in data["figures"] if f["key"].endswith("/wounded"))
    assert wounded["disputed"] is True
    assert [c["value"] for c in wounded["claims"]] == [
        {
            "value": 25,
            "qualifier": "at-least",
            "low": None,
            "high": None,
            "text": "at least 25 of them were wounded",
        },
        {"value": 40, "qualifier": "approx", "low": None, "high": None, "text": "about 40 wounded"},
    ]


def test_the_output_is_stable(report: Report) -> None:
    text = render_json(report)
    assert text == render_json(report)
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    again = Plugins.load(autoload=False)
    assert render_json(again.report(seed_log(again.codec), title=report.title)) == text


def test_the_renderer_is_registered_as_json(report: Report) -> None:
    plugins = Plugins.load(autoload=False)
    renderer = plugins.renderer("json")
    assert (renderer.extension, renderer.media_type) == (".json", "application/json")
    assert plugins.render(report, "json") == render_json(report)


def test_a_report_reads_back_from_its_json(report: Report) -> None:
    assert report_from_json(render_json(report)) == report
    with pytest.raises(ValidationError, match="sitrep-report/1"):
        report_from_json('{"schema": "sitrep-report/99"}')
    with pytest.raises(ValidationError, match="a report is a JSON object"):
        report_from_json("[]")


def test_plugin_views_are_plain_data_in_extra(
    report: Report, validator: jsonschema.Draft202012Validator
) -> None:
    with_view = attrs.evolve(report, extra={"casualties": (Tally("Humayma", Count.at_least(3)),)})
    data = report_data(with_view)
    validator.validate(data)
    assert data["extra"] == {
        "casualties": [
            {
                "place": "Humayma",
                "killed": {
                    "value": 3,
                    "qualifier": "at-least",
                    "low": None,
                    "high": None,
                    "text": None,
                },
                "note": None,
            }
        ]
    }


def test_a_view_without_a_json_form_is_named(report: Report) -> None:
    with pytest.raises(SitrepError, match="projection 'odd' has no JSON form"):
        render_json(attrs.evolve(report, extra={"odd": object()}))


@pytest.mark.parametrize("payload", HOSTILE[:12])
def test_any_text_stays_valid(
    report: Report, validator: jsonschema.Draft202012Validator, payload: str
) -> None:
    text = render_json(poison(report, payload))
    validator.validate(json.loads(text))
    assert json.dumps(payload)[1:-1] in text


def test_reports_at_a_moment_are_valid(validator: jsonschema.Draft202012Validator) -> None:
    log = seed_log()
    for options in (
        {"known_at": "2017-09-02T12:00:00Z"},
        {"as_of": "2017-08-31", "since": "2017-08-30"},
        {"timeline_limit": 2},
    ):
        validator.validate(json.loads(render_json(build_report(log, **options))))
