"""Events typed by hand: ``--name value`` words turned into a checked event.

Generic over the attrs fields of an event class, so a plugin's types are typed the
same way as the built-in ones. Each word becomes the JSON value the line format
holds, and the codec checks the whole, naming the field that is wrong.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs
import orjson

from ..codec._codec import Codec
from ..errors import ValidationError
from ..model import Event
from ..model._time import FuzzyTime
from ..model._values import Count, Location, Source

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)"  # 308, 8000 or 8,000
_COUNT = re.compile(
    rf"(?P<qualifier>~|>=|<=)?\s*(?P<low>{_NUMBER})(?:\s*-\s*(?P<high>{_NUMBER}))?"
    r"(?:\s+(?P<text>.*\S))?\s*",
    re.ASCII,
)
_INTEGER = re.compile(rf"[+-]?{_NUMBER}", re.ASCII)
_QUALIFIERS = {"~": "approx", ">=": "at-least", "<=": "at-most", None: "exact"}


def parse_count(text: str) -> dict[str, Any]:
    """A count as typed: ``308``, ``~308``, ``>=25``, ``<=10``, ``200-999``, ``unknown``,
    each optionally followed by the source's own words (``~308 around 308 fighters``)."""
    stripped = text.strip()
    if stripped.startswith("{"):
        return _json_object(stripped, "a count")
    word, _, rest = stripped.partition(" ")
    if word.lower() in ("unknown", "?"):
        return {"qualifier": "unknown", **({"text": rest.strip()} if rest.strip() else {})}
    match = _COUNT.fullmatch(stripped)
    if match is None:
        raise ValidationError(
            f"{text!r} is not a count: write 308, ~308, >=25, <=10, 200-999 or unknown, "
            "optionally followed by the source's words"
        )
    low = int(match["low"].replace(",", ""))
    if match["high"] is not None:
        if match["qualifier"]:
            raise ValidationError(f"{text!r}: a range takes no ~, >= or <=")
        data = {"qualifier": "range", "low": low, "high": int(match["high"].replace(",", ""))}
    else:
        data = {"value": low, "qualifier": _QUALIFIERS[match["qualifier"]]}
    if match["text"]:
        data["text"] = match["text"]
    return data


def parse_source(text: str) -> dict[str, Any]:
    """A source as typed: ``NAME|RELIABILITY|CREDIBILITY|URL|QUOTE``, all but the name optional."""
    if text.strip().startswith("{"):
        return _json_object(text, "a source")
    parts = [part.strip() for part in text.split("|", 4)]
    keys = ("name", "reliability", "credibility", "url", "quote")
    data: dict[str, Any] = {k: v for k, v in zip(keys, parts, strict=False) if v}
    if "reliability" in data:
        data["reliability"] = data["reliability"].upper()
    if "credibility" in data and data["credibility"].isdigit():
        data["credibility"] = int(data["credibility"])
    return data


def _json_object(text: str, what: str) -> dict[str, Any]:
    data = _json_value(text)
    if not isinstance(data, dict):
        raise ValidationError(f"{what} given as JSON must be an object")
    return data


def _json_value(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ValidationError(f"not valid JSON: {exc}") from None


_TRUE = ("true", "yes", "y", "1", "on")
_FALSE = ("false", "no", "n", "0", "off")


def _scalar(kind: Any, text: str) -> Any:
    """The JSON value of one command-line word for a field of type ``kind``."""
    if kind is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValidationError(f"{text!r} is not true or false")
    if kind is int:
        if not _INTEGER.fullmatch(text.strip()):
            raise ValidationError(f"{text!r} is not a whole number")
        return int(text.replace(",", ""))
    if kind is float:
        try:
            return float(text)
        except ValueError:
            raise ValidationError(f"{text!r} is not a number") from None
    if kind is Count:
        return parse_count(text)
    if kind is Source:
        return parse_source(text)
    if kind is Location:
        # words as the source put them; an object for relation and places
        return _json_object(text, "a location") if text.strip().startswith("{") else {"text": text}
    if kind is FuzzyTime or kind is datetime or kind is str:
        return text  # the codec reads times as the line format writes them
    if isinstance(kind, type) and (attrs.has(kind) or issubclass(kind, dict | list)):
        return _json_value(text)  # a plugin's value class: its JSON form
    return text


def _optional_inner(kind: Any) -> Any:
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return kind


@attrs.frozen
class FieldSpec:
    """How one attrs field of an event class is given on the command line."""

    name: str
    kind: Any
    shape: str
    """``one``, ``list`` (repeatable) or ``map`` (repeatable ``key=value``)."""
    required: bool

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    def value(self, words: list[str]) -> Any:
        if self.shape == "list":
            return [self._item(i, word) for i, word in enumerate(words)]
        if self.shape == "map":
            mapping: dict[str, Any] = {}
            for word in words:
                key, sep, rest = word.partition("=")
                if not sep or not key.strip():
                    raise ValidationError(f"{word!r} is not KEY=VALUE (such as bus=17)")
                try:
                    mapping[key.strip()] = _scalar(self.kind, rest)
                except ValidationError as exc:
                    raise exc.located(field_prefix=key.strip()) from None
            return mapping
        if len(words) > 1:
            raise ValidationError(f"{self.option} was given {len(words)} times; it takes one value")
        return _scalar(self.kind, words[0])

    def _item(self, index: int, word: str) -> Any:
        try:
            return _scalar(self.kind, word)
        except ValidationError as exc:
            raise exc.located(field_prefix=f"[{index}]") from None


def field_specs(cls: type[Event]) -> dict[str, FieldSpec]:
    """The command-line form of every field of an event class, from its attrs fields."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # a plugin's annotations that do not resolve: take words as text
        hints = {}
    specs: dict[str, FieldSpec] = {}
    for field in attrs.fields(cls):
        if not field.init:
            continue
        kind = _optional_inner(hints.get(field.name, str))
        origin, args = typing.get_origin(kind), typing.get_args(kind)
        shape = "one"
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            shape, kind = "list", args[0]
        elif origin is dict and len(args) == 2:
            shape, kind = "map", args[1]
        required = field.default is attrs.NOTHING
        specs[field.name] = FieldSpec(field.name, kind, shape, required)
    return specs


def _field_for(specs: dict[str, FieldSpec], option: str) -> FieldSpec | None:
    name = option.replace("-", "_")
    if name in specs:
        return specs[name]
    # list fields also take the singular: --source, --tag, --party, --vehicle
    for plural in (name + "s", name + "es", name[:-1] + "ies" if name.endswith("y") else ""):
        spec = specs.get(plural)
        if spec is not None and spec.shape != "one":
            return spec
    return None


def event_from_words(codec: Codec, tag: str, words: Sequence[str]) -> Event:
    """Build an event of type ``tag`` from ``--name value`` words, checked by the codec."""
    cls = codec.types.get(tag)
    if cls is None:
        raise ValidationError(
            f"unknown event type {tag!r}; known types: {', '.join(sorted(codec.types))}",
            field="type",
        )
    specs = field_specs(cls)
    given: dict[str, list[str]] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if not word.startswith("--") or word == "--":
            raise ValidationError(f"expected --FIELD VALUE, got {word!r}")
        option, sep, inline = word[2:].partition("=")
        spec = _field_for(specs, option)
        if spec is None:
            raise ValidationError(
                f"unknown field --{option} for {tag}; its fields: "
                + ", ".join(s.option for s in specs.values())
            )
        if sep:
            value = inline
            index += 1
        elif spec.kind is bool and (index + 1 == len(words) or words[index + 1].startswith("--")):
            value, index = "true", index + 1  # a bare flag
        elif index + 1 < len(words):
            value, index = words[index + 1], index + 2
        else:
            raise ValidationError(f"--{option} needs a value")
        given.setdefault(spec.name, []).append(value)
    data: dict[str, Any] = {"type": tag}
    for name, values in given.items():
        try:
            data[name] = specs[name].value(values)
        except ValidationError as exc:
            raise exc.located(field_prefix=name) from None
    try:
        return codec.from_dict(data)
    except ValidationError as exc:
        root = (exc.field or "").split(".")[0].split("[")[0]
        if exc.message == "required field is missing" and root in specs:
            raise ValidationError(
                f"required field is missing (give {specs[root].option})", field=exc.field
            ) from None
        raise
