"""The JSON Schema of the line format, generated from a codec's event types.

Nothing here is kept by hand per type: every registered attrs class is walked, field
by field, from its type hints, defaults and validators. A plugin's event types are
described the same way, and a field whose type has no JSON form is an error, not a
silent gap. Regenerate the committed copy with::

    python -m sitrep_core.codec._schema > docs/line-format.schema.json
"""

from __future__ import annotations

import collections.abc
import inspect
import json
import re
import sys
import types
import typing
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from ..model._envelope import MAX_ID_LENGTH, _check_id
from ..model._reference import _latitude, _longitude
from ..model._time import _POINT, FuzzyTime
from ..model._values import MAX_COUNT, Count, EachOneOf, OneOf, non_empty

if TYPE_CHECKING:
    from ._codec import Codec

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _edtf_pattern() -> str:
    # the date grammar FuzzyTime parses, without Python-only syntax (named groups,
    # Unicode digits), so any JSON Schema validator reads it the same way
    point = re.sub(r"\(\?P<\w+>", "(?:", _POINT.pattern).replace(r"\d", "[0-9]")
    return rf"^(?:{point}(?:/(?:{point}|\.\.))?|\.\./{point})$"


EDTF_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": _edtf_pattern(),
    "description": (
        "A date at the precision known (a subset of EDTF, ISO 8601-2 level 1): "
        "YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, a time "
        "optionally followed by Z or +HH:MM/-HH:MM (no zone: UTC); any of them "
        "optionally ending in ~ (approximate), ? (uncertain) or % (both); or an "
        "interval A/B whose either end may be open (..). The date must exist."
    ),
    "examples": ["2017-08", "2017-08-28~", "2017-08-30T16:50", "2017-08-28/2017-08-30", "../2017"],
}

DATETIME_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date-time",
    "description": "An ISO 8601 date-time such as 2017-08-30T16:50:00Z (no zone: UTC).",
}

_COUNT_DESCRIPTION = (
    "A number as a source gave it: a whole number (exact), or an object with a "
    "qualifier (exact, approx, at-least, at-most, range, unknown), the best value, "
    "low/high bounds where known and the source's own words (text). A range needs "
    "low and high; unknown has no value; every other qualifier needs a value."
)

_STRING_TYPES: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}

# the validators this module knows, and what each one means in JSON Schema; the
# others are checks a schema cannot state, so the codec stays the final judge
_VALIDATOR_KEYWORDS: dict[Any, dict[str, Any]] = {
    non_empty: {"minLength": 1, "pattern": r"\S"},
    _check_id: {"minLength": 1, "maxLength": MAX_ID_LENGTH, "pattern": r"^\S(?:.*\S)?$"},
    _latitude: {"minimum": -90, "maximum": 90},
    _longitude: {"minimum": -180, "maximum": 180},
}


def line_schema(codec: Codec) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) a line of any of ``codec``'s types conforms to.

    One branch per type tag, chosen by ``"type": {"const": TAG}``. It describes lines
    at each type's current version; older versions are lifted by the codec's
    upcasters before they are read, and are not described here.
    """
    builder = _Builder()
    tags = sorted(codec.types)
    for tag in tags:
        builder.add_event(tag, codec.types[tag])
    known = ", ".join(f"{tag} (v{codec.types[tag].VERSION})" for tag in tags)
    return {
        "$schema": DRAFT,
        "title": "sitrep-core event line",
        "description": (
            "One event, one JSON object on one line of a JSON Lines file. "
            f"Types at their current versions: {known}."
        ),
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": tags}},
        "oneOf": [{"$ref": f"#/$defs/{tag}"} for tag in tags],
        "$defs": builder.defs,
    }


def dumps(schema: dict[str, Any]) -> str:
    """The schema as committed: sorted keys, two-space indent, a final newline."""
    return json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}
        self._owners: dict[str, Any] = {}

    def _define(self, name: str, owner: Any, make: typing.Callable[[], dict[str, Any]]) -> str:
        if self._owners.get(name, owner) is not owner:
            raise TypeError(
                f"two definitions are both named {name!r} in the line schema: "
                f"{self._owners[name]!r} and {owner!r}"
            )
        if name not in self._owners:
            self._owners[name] = owner
            self.defs[name] = {}  # reserved first, so a class may refer to itself
            self.defs[name] = make()
        return f"#/$defs/{name}"

    def add_event(self, tag: str, cls: type) -> None:
        def make() -> dict[str, Any]:
            schema = self._object(cls)
            version = cls.VERSION  # type: ignore[attr-defined]
            schema["properties"]["type"] = {"const": tag}
            schema["properties"]["v"] = {
                "type": "integer",
                "const": version,
                "description": f"The version of {tag!r} the line was written at.",
            }
            schema["required"] = ["type", *schema["required"]]
            return schema

        self._define(tag, cls, make)

    def _object(self, cls: type) -> dict[str, Any]:
        try:
            hints = typing.get_type_hints(cls)
        except NameError as exc:
            raise TypeError(f"cannot resolve the type hints of {cls.__qualname__}: {exc}") from None
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            where = f"{cls.__qualname__}.{field.name}"
            schema = self._field(field, hints[field.name], where)
            properties[field.name] = schema
            if field.default is attrs.NOTHING:
                required.append(field.name)
        schema = {
            "title": cls.__name__,
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
        doc = inspect.getdoc(cls)
        if doc:
            schema["description"] = " ".join(doc.split("\n\n")[0].replace("``", "").split())
        return schema

    def _field(self, field: attrs.Attribute[Any], hint: Any, where: str) -> dict[str, Any]:
        members = _union_members(hint)
        nullable = type(None) in members
        members = [m for m in members if m is not type(None)]
        if not members:
            raise TypeError(f"{where}: a field cannot only ever be null")
        parts = [self._type(m, where) for m in members]
        schema = parts[0] if len(parts) == 1 else {"anyOf": parts}
        keywords = _field_keywords(field)
        if keywords:
            if "$ref" in schema or "anyOf" in schema:
                schema = {"allOf": [schema, keywords]}
            else:
                schema = {**schema, **keywords}
        if nullable:
            schema = _or_null(schema)
        default = _default(field)
        if default is not attrs.NOTHING:
            schema = {**schema, "default": default}
        return schema

    def _type(self, hint: Any, where: str) -> dict[str, Any]:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if hint in _STRING_TYPES:
            return {"type": _STRING_TYPES[hint]}
        if hint is FuzzyTime:
            return {"$ref": self._define("FuzzyTime", FuzzyTime, lambda: dict(EDTF_SCHEMA))}
        if hint is datetime:
            return dict(DATETIME_SCHEMA)
        if hint is Count:
            return {"$ref": self._define("Count", Count, self._count)}
        if origin is typing.Literal:
            schema: dict[str, Any] = {"enum": list(args)}
            kinds = {_STRING_TYPES.get(type(arg)) for arg in args}
            if len(kinds) == 1 and None not in kinds:
                schema["type"] = kinds.pop()
            return schema
        if (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or (
            origin is list and len(args) == 1
        ):
            return {"type": "array", "items": self._type_or_union(args[0], where)}
        if origin is tuple and args and Ellipsis not in args:
            return {
                "type": "array",
                "prefixItems": [self._type_or_union(arg, where) for arg in args],
                "minItems": len(args),
                "maxItems": len(args),
            }
        if origin in (dict, collections.abc.Mapping) and args and args[0] is str:
            return {"type": "object", "additionalProperties": self._type_or_union(args[1], where)}
        if isinstance(hint, type) and attrs.has(hint):
            name = hint.__name__
            if self._owners.get(name, hint) is not hint:
                name = f"{hint.__module__}.{hint.__qualname__}"
            return {"$ref": self._define(name, hint, lambda: self._object(hint))}
        raise TypeError(f"{where}: no JSON Schema for the type {hint!r}")

    def _type_or_union(self, hint: Any, where: str) -> dict[str, Any]:
        members = _union_members(hint)
        if len(members) == 1:
            return self._type(members[0], where)
        parts = [self._type(m, where) for m in members if m is not type(None)]
        schema = parts[0] if len(parts) == 1 else {"anyOf": parts}
        return _or_null(schema) if type(None) in members else schema

    def _count(self) -> dict[str, Any]:
        shape = self._object(Count)
        for name, prop in shape["properties"].items():
            if prop.get("type") == ["integer", "null"]:
                shape["properties"][name] = {**prop, "minimum": 0, "maximum": MAX_COUNT}
        shape["allOf"] = [
            {  # a range needs both bounds
                "if": {"required": ["qualifier"], "properties": {"qualifier": {"const": "range"}}},
                "then": {
                    "required": ["low", "high"],
                    "properties": {"low": {"type": "integer"}, "high": {"type": "integer"}},
                },
            },
            {  # unknown has no value; every other qualifier (exact by default) needs one
                "if": {
                    "required": ["qualifier"],
                    "properties": {"qualifier": {"const": "unknown"}},
                },
                "then": {"properties": {"value": {"type": "null"}}},
            },
            {
                "if": {
                    "required": ["qualifier"],
                    "properties": {"qualifier": {"enum": ["range", "unknown"]}},
                },
                "else": {"required": ["value"], "properties": {"value": {"type": "integer"}}},
            },
        ]
        return {
            "description": _COUNT_DESCRIPTION,
            "anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_COUNT}, shape],
        }


def _union_members(hint: Any) -> list[Any]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return list(typing.get_args(hint))
    return [hint]


def _validators(field: attrs.Attribute[Any]) -> list[Any]:
    validator = field.validator
    if validator is None:
        return []
    inner = getattr(validator, "_validators", None)  # attrs.validators.and_
    return list(inner) if inner is not None else [validator]


def _field_keywords(field: attrs.Attribute[Any]) -> dict[str, Any]:
    keywords: dict[str, Any] = {}
    for validator in _validators(field):
        if isinstance(validator, OneOf):
            keywords["enum"] = list(validator.choices)
        elif isinstance(validator, EachOneOf):
            keywords["minItems"] = 1
            keywords["items"] = {"type": "string", "enum": list(validator.choices)}
        else:
            keywords.update(_VALIDATOR_KEYWORDS.get(validator, {}))
    choices = field.metadata.get("choices")
    if choices is not None:
        keywords["enum"] = list(choices)
    return keywords


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if "$ref" in schema or "anyOf" in schema or "allOf" in schema or kind is None:
        return {"anyOf": [schema, {"type": "null"}]}
    schema = {**schema, "type": [*([kind] if isinstance(kind, str) else kind), "null"]}
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def _default(field: attrs.Attribute[Any]) -> Any:
    default = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = typing.cast(Any, default).factory
        if factory is dict:
            return {}
        return [] if factory in (list, tuple) else attrs.NOTHING
    if isinstance(default, tuple):
        return list(default)
    if default is None or isinstance(default, str | int | float | bool):
        return default
    return attrs.NOTHING


def main() -> None:
    """Print the schema of the built-in event types, as committed in docs/."""
    from ._codec import Codec

    sys.stdout.write(dumps(Codec().json_schema()))


if __name__ == "__main__":
    main()
