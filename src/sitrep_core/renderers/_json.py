"""The JSON renderer: the report as stable, versioned JSON, and its JSON Schema.

Stable: keys sorted, two-space indent, one final newline, so the same report is
the same bytes. Versioned: ``"schema": "sitrep-report/2"``; a change that could
break a reader bumps it. The schema is generated from the report's attrs classes
(with the walker that describes the line format); regenerate the committed copy
with::

    python -m sitrep_core.renderers._json > docs/report-schema.json
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import attrs
import cattrs
import orjson
from cattrs.gen import make_dict_unstructure_fn
from cattrs.preconf.orjson import make_converter

from ..codec._codec import unstructure_datetime
from ..codec._schema import DRAFT, _Builder, dumps
from ..errors import SitrepError
from ..model import Count, Event, FuzzyTime
from ..report import REPORT_SCHEMA, Report

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def _converter() -> cattrs.Converter:
    converter = make_converter()
    converter.register_unstructure_hook(FuzzyTime, lambda value: value.text)
    converter.register_unstructure_hook(datetime, unstructure_datetime)

    made: dict[type[Event], Any] = {}

    def event(value: Event) -> dict[str, Any]:
        # an event as a line holds it, its tag and version first, whatever the type
        # the field that holds it declares (a field of type Event holds a subclass)
        cls = type(value)
        fields = made.get(cls)
        if fields is None:
            fields = made[cls] = make_dict_unstructure_fn(cls, converter)
        data: dict[str, Any] = {"type": value.TYPE, "v": value.VERSION}
        data.update(fields(value))
        return data

    converter.register_unstructure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, Event), event
    )
    return converter


_CONVERTER = _converter()


def unstructure(value: Any) -> Any:
    """Any view, change or report as plain JSON data (events as their lines hold them)."""
    return _CONVERTER.unstructure(value)


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain JSON data, with its ``schema`` version. Ids and keys stay
    beside the names (a machine reads this); plugin views are under ``sections``."""
    data: dict[str, Any] = _CONVERTER.unstructure(attrs.evolve(report, extra={}))
    data.pop("extra", None)
    for section in data["sections"]:
        section.pop("markdown", None)
        section.pop("html", None)
    data["schema"] = REPORT_SCHEMA
    return data


def render_json(report: Report) -> str:
    """The report as JSON text: sorted keys, two-space indent, a final newline."""
    data = report_data(report)
    try:
        return orjson.dumps(data, option=_OPTIONS).decode() + "\n"
    except TypeError:
        for section in data.get("sections", ()):
            try:
                orjson.dumps(section.get("view"), option=_OPTIONS)
            except TypeError as exc:
                raise SitrepError(
                    f"the view of projection {section.get('name')!r} has no JSON form: {exc}"
                ) from None
        raise


class _ReportSchema(_Builder):
    """The line-format walker, told what a report holds besides events."""

    def _type(self, hint: Any, where: str) -> dict[str, Any]:
        if hint is Any:  # a plugin projection's view, a change's values: any JSON
            return {}
        if isinstance(hint, type) and issubclass(hint, Event):
            return {
                "type": "object",
                "required": ["type", "id", "occurred"],
                "description": "An event as a line of the log holds it "
                "(see line-format.schema.json).",
            }
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
    # what report_data leaves out: every plugin view again (they are in sections), and
    # the Markdown and HTML a plugin wrote for its section
    del root["properties"]["extra"]
    root["required"].remove("extra")
    section = builder.defs["Section"]
    for name in ("markdown", "html"):
        del section["properties"][name]
        section["required"].remove(name)
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


def main() -> None:
    """Print the report schema, as committed in docs/."""
    sys.stdout.write(dumps(report_schema()))


if __name__ == "__main__":
    main()
