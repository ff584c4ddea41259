"""The JSON renderer: the report as stable, versioned JSON, and its JSON Schema.

Stable: keys sorted, two-space indent, one final newline, so the same report is
the same bytes. Versioned: ``"schema": "sitrep-report/1"``; a change that could
break a reader bumps it. The schema is generated from the report's attrs classes
(with the walker that describes the line format); regenerate the committed copy
with::

    python -m sitrep_core.renderers._json > docs/report-schema.json
"""

from __future__ import annotations

import sys
from typing import Any

import cattrs
import orjson
from cattrs.preconf.orjson import make_converter

from ..codec._schema import DRAFT, _Builder, dumps
from ..errors import SitrepError, ValidationError
from ..model._values import Count
from ..report._report import REPORT_SCHEMA, Report
from ._renderer import Renderer

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS

_converter = make_converter()


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain JSON data, with its ``schema`` version."""
    data: dict[str, Any] = _converter.unstructure(report)
    data["extra"] = {k: v for k, v in data["extra"].items() if k not in report.hidden}
    data["schema"] = REPORT_SCHEMA
    return data


def render_json(report: Report) -> str:
    """The report as JSON text: sorted keys, two-space indent, a final newline."""
    data = report_data(report)
    try:
        return orjson.dumps(data, option=_OPTIONS).decode() + "\n"
    except TypeError:
        for name, view in data.get("extra", {}).items():
            try:
                orjson.dumps(view, option=_OPTIONS)
            except TypeError as exc:
                raise SitrepError(
                    f"the view of projection {name!r} has no JSON form: {exc}"
                ) from None
        raise


def report_from_json(text: str | bytes) -> Report:
    """A report back from :func:`render_json`'s output (plugin views stay plain data)."""
    data = orjson.loads(text)
    if not isinstance(data, dict):
        raise ValidationError("a report is a JSON object")
    schema = data.pop("schema", None)
    if schema != REPORT_SCHEMA:
        raise ValidationError(
            f"this library reads reports of schema {REPORT_SCHEMA!r}, not {schema!r}",
            field="schema",
        )
    try:
        return _converter.structure(data, Report)
    except cattrs.BaseValidationError as exc:
        raise ValidationError(f"not a report: {exc}") from None


class _ReportSchema(_Builder):
    """The line-format walker, told what a report holds besides events."""

    def _type(self, hint: Any, where: str) -> dict[str, Any]:
        if hint is Any:  # a plugin projection's view: any JSON
            return {}
        if hint is Count:  # always written out in full in a report
            return {"$ref": self._define("Count", Count, lambda: self._object(Count))}
        return super()._type(hint, where)


def _require_all(schema: Any) -> None:
    """Every field of every object is written, defaults too: all are required."""
    if isinstance(schema, dict):
        if "title" in schema and "properties" in schema:
            schema["required"] = list(schema["properties"])
            for prop in schema["properties"].values():
                prop.pop("default", None)
        for value in schema.values():
            _require_all(value)
    elif isinstance(schema, list):
        for value in schema:
            _require_all(value)


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`render_json`'s output."""
    builder = _ReportSchema()
    root = builder._object(Report)
    _require_all(root)
    _require_all(builder.defs)
    root["properties"] = {
        "schema": {
            "const": REPORT_SCHEMA,
            "description": "The version of this format; readers check it first.",
        },
        **root["properties"],
    }
    root["required"] = ["schema", *root["required"]]
    root.pop("title", None)
    return {
        "$schema": DRAFT,
        "title": "sitrep-core report",
        **root,
        "$defs": builder.defs,
    }


RENDERER = Renderer(
    format="json",
    render=render_json,
    media_type="application/json",
    extension=".json",
    description=f"The report as stable JSON ({REPORT_SCHEMA}, see docs/report-schema.json)",
)


def main() -> None:
    """Print the report schema, as committed in docs/."""
    sys.stdout.write(dumps(report_schema()))


if __name__ == "__main__":
    main()
