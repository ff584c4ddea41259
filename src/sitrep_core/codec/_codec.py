"""The codec: attrs events <-> one JSON object per line (cattrs for shape, orjson for bytes).

A line is ``{"type": TAG, "v": VERSION, "id": ..., "occurred": ..., ...}``. Older
versions are lifted by upcasters before structuring; unknown types and fields are
refused with the line number and the field path.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import attrs
import cattrs
import orjson
from cattrs.errors import AttributeValidationNote, ForbiddenExtraKeysError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ..errors import ValidationError
from ..model import BUILTIN_EVENT_TYPES, Event
from ..model._time import FuzzyTime
from ..model._values import Count, Qualifier, Reliability
from ._shared import SharedValues, shared_string

MAX_LINE_BYTES = 1 << 20
"""A line longer than this (1 MiB) is refused before it is parsed."""


@attrs.frozen
class Upcaster:
    """Lifts a stored line of ``type`` from ``from_version`` to ``from_version + 1``."""

    type: str
    from_version: int
    upcast: Callable[[dict[str, Any]], dict[str, Any]]


def _strike_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Strike v1 named one ``target`` and said ``hit_convoy``; v2 lists ``targets``."""
    data = dict(data)
    if "target" in data:
        target = data.pop("target")
        data["targets"] = [target] if isinstance(target, str) else target
    if "hit_convoy" in data:
        data["convoy_hit"] = data.pop("hit_convoy")
    return data


def _location_of(data: dict[str, Any]) -> dict[str, Any]:
    """``position`` (words) and ``near`` (places) of a version-1 line as one ``location``;
    a position may also be missing (in some versions it was the only field)."""
    data = dict(data)
    text = data.pop("position", None)
    near = data.pop("near", None)
    places = [near] if isinstance(near, str) else list(near or [])
    if text is not None or places:
        location: dict[str, Any] = {"places": places}
        if text is not None:
            location["text"] = text
        elif places:
            location["relation"] = "near"
        data["location"] = location
    return data


def _renamed(old: str, new: str, listed: bool) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An upcaster that renames one field (making a single value a list when ``listed``)."""

    def upcast(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        if old in data:
            value = data.pop(old)
            data[new] = (
                [value] if listed and value is not None and not isinstance(value, list) else value
            )
            if data[new] is None:
                del data[new]
        return data

    return upcast


def _statement_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Statement v1 had one ``actor`` and one ``stance``; v2 lists ``actors`` and ``stances``."""
    return _renamed("stance", "stances", True)(_renamed("actor", "actors", True)(data))


BUILTIN_UPCASTERS: tuple[Upcaster, ...] = (
    Upcaster("strike", 1, _strike_v1_to_v2),
    Upcaster("strike", 2, _location_of),
    Upcaster("convoy-move", 1, _location_of),
    Upcaster("aid-delivery", 1, _location_of),
    Upcaster("evacuation", 1, _renamed("origin", "origins", True)),
    Upcaster("statement", 1, _statement_v1_to_v2),
)


def _strict(kind: type, name: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _type: Any) -> Any:
        # bool is an int in Python; JSON true must not pass for a count.
        if (type(value) is bool and kind is not bool) or not isinstance(value, kind):
            if kind is float and type(value) is int:
                return float(value)
            raise ValidationError(f"expected {name}, got {_json_type(value)} {_short(value)}")
        return value

    return structure


def _json_type(value: Any) -> str:
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _structure_datetime(value: Any, _type: Any) -> datetime:
    if not isinstance(value, str):
        raise ValidationError(f"expected an ISO 8601 date-time string, got {_json_type(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{_short(value)} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:  # stored in UTC: a moment that has none (0001-01-01T00:00+05:00) cannot be kept
        moment.astimezone(UTC)
    except OverflowError:
        raise ValidationError(f"{_short(value)} is outside years 1-9999 in UTC") from None
    return moment


def unstructure_datetime(moment: datetime) -> str:
    """A date-time as a line holds it: ISO 8601 in UTC, ``Z`` for the zone."""
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _structure_fuzzy(value: Any, _type: Any) -> FuzzyTime:
    if not isinstance(value, str):
        raise ValidationError(f"expected an EDTF date string, got {_json_type(value)}")
    return FuzzyTime.parse(value)


def _is_str_tuple(type_: Any) -> bool:
    return typing.get_origin(type_) is tuple and typing.get_args(type_) == (str, ...)


def _structure_str_tuple(value: Any, _type: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValidationError(f"expected an array of strings, got {_json_type(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise ValidationError(
                f"expected a string, got {_json_type(item)} {_short(item)}", field=f"[{index}]"
            )
    return tuple(map(shared_string, value))


def _is_array(type_: Any) -> bool:
    args = typing.get_args(type_)
    return typing.get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_object(type_: Any) -> bool:
    return typing.get_origin(type_) is dict and typing.get_args(type_)[:1] == (str,)


def _item_error(exc: BaseException, step: str) -> ValidationError:
    field, message = _locate(exc)
    return ValidationError(message, field=_join(step, field))


def _passthrough(value: Any, _type: Any) -> Any:
    # the class validators give the better message (they list the accepted values)
    return value


K = TypeVar("K")
V = TypeVar("V")


class _MadeOnFirstUse(dict[K, V]):
    """A function for each event type, made the first time that type is decoded or
    encoded: building them all costs a new process about 0.1 s, and a command such
    as ``sitrep add`` uses one or two. A key that is not one of ``keys`` is missing."""

    def __init__(self, keys: Iterable[K], make: Callable[[K], V]) -> None:
        super().__init__()
        self._keys = frozenset(keys)
        self._make = make

    def __missing__(self, key: K) -> V:
        if key not in self._keys:
            raise KeyError(key)
        made = self[key] = self._make(key)
        return made


class Codec:
    """Turns events of the registered types into lines and back.

    Build one after every plugin has registered its event types; it is immutable.
    """

    def __init__(
        self,
        event_types: Iterable[type[Event]] = BUILTIN_EVENT_TYPES,
        upcasters: Iterable[Upcaster] = BUILTIN_UPCASTERS,
    ) -> None:
        self.types: dict[str, type[Event]] = {}
        for cls in event_types:
            if not cls.TYPE:
                raise ValidationError(f"{cls.__qualname__} has no TYPE tag", field="type")
            other = self.types.get(cls.TYPE)
            if other is not None and other is not cls:
                raise ValidationError(
                    f"type tag {cls.TYPE!r} is claimed by both {other.__qualname__} "
                    f"and {cls.__qualname__}",
                    field="type",
                )
            self.types[cls.TYPE] = cls
        self.upcasters: dict[tuple[str, int], Upcaster] = {}
        for upcaster in upcasters:
            self.upcasters[(upcaster.type, upcaster.from_version)] = upcaster
        self.shared = SharedValues()
        self.converter = self._make_converter()
        self._structure = _MadeOnFirstUse(
            self.types, lambda tag: self._structure_fn(self.types[tag])
        )
        self._unstructure = _MadeOnFirstUse(self.types.values(), self._unstructure_fn)

    def _make_converter(self) -> cattrs.Converter:
        conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
        shared = self.shared
        for kind, name in ((int, "a whole number"), (bool, "true or false")):
            conv.register_structure_hook(kind, _strict(kind, name))
        strict_str = _strict(str, "a string")
        conv.register_structure_hook(str, lambda v, t: shared_string(strict_str(v, t)))
        conv.register_structure_hook(float, _strict(float, "a number"))
        conv.register_structure_hook(
            datetime,
            lambda v, t: (
                shared.get(datetime, v, lambda d: _structure_datetime(d, t))
                if isinstance(v, str)
                else _structure_datetime(v, t)
            ),
        )
        conv.register_unstructure_hook(datetime, unstructure_datetime)
        conv.register_structure_hook(FuzzyTime, _structure_fuzzy)
        conv.register_unstructure_hook(FuzzyTime, lambda value: value.text)

        # arrays, objects and value classes check their JSON type first, so that a
        # string where an array belongs is named as such, not as a Python error
        def structure_array(value: Any, type_: Any) -> tuple[Any, ...]:
            if not isinstance(value, list):
                raise ValidationError(f"expected an array, got {_json_type(value)}")
            item_type = typing.get_args(type_)[0]
            items = []
            for index, item in enumerate(value):
                try:
                    items.append(conv.structure(item, item_type))
                except Exception as exc:
                    raise _item_error(exc, f"[{index}]") from None
            return tuple(items)

        def structure_object(value: Any, type_: Any) -> dict[str, Any]:
            if not isinstance(value, dict):
                raise ValidationError(f"expected an object, got {_json_type(value)}")
            value_type = typing.get_args(type_)[1]
            items = {}
            for key, item in value.items():
                try:
                    items[key] = conv.structure(item, value_type)
                except Exception as exc:
                    raise _item_error(exc, key) from None
            return items

        def value_class_hook(cls: type) -> Callable[[Any, Any], Any]:
            from_dict: Callable[[Any, Any], Any] = make_dict_structure_fn(
                cls, conv, _cattrs_forbid_extra_keys=True
            )

            def structure(value: Any, type_: Any) -> Any:
                if not isinstance(value, dict):
                    raise ValidationError(f"expected an object, got {_json_type(value)}")
                return shared.get(cls, value, lambda data: from_dict(data, type_))

            return structure

        conv.register_structure_hook_func(_is_array, structure_array)

        def structure_names(value: Any, type_: Any) -> tuple[str, ...]:
            # the same names recur (a convoy's, an actor's): one tuple for all events
            if type(value) is list and value:
                return shared.get(tuple, value, lambda data: _structure_str_tuple(data, type_))
            return _structure_str_tuple(value, type_)

        conv.register_structure_hook_func(_is_str_tuple, structure_names)
        conv.register_structure_hook_func(_is_object, structure_object)
        conv.register_structure_hook_factory(attrs.has, value_class_hook)
        conv.register_structure_hook_func(lambda t: t in (Qualifier, Reliability), _passthrough)

        count_from_dict = make_dict_structure_fn(Count, conv, _cattrs_forbid_extra_keys=True)

        def structure_count(value: Any, _type: Any) -> Count:
            if type(value) is int:
                return shared.get(Count, value, Count)
            if not isinstance(value, dict):
                raise ValidationError(
                    f"a count is a whole number or an object, got {_json_type(value)}"
                )
            return shared.get(Count, value, lambda data: count_from_dict(data, Count))

        conv.register_structure_hook(Count, structure_count)
        # value classes (ours and plugins') leave out fields equal to their defaults
        conv.register_unstructure_hook_factory(
            attrs.has, lambda cls: make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        )
        return conv

    def _structure_fn(self, cls: type[Event]) -> Callable[[dict[str, Any]], Event]:
        # an event's own id is one of a kind: interning it would only grow the table
        # of interned strings by an entry an event
        fn = make_dict_structure_fn(
            cls,
            self.converter,
            _cattrs_forbid_extra_keys=True,
            id=override(struct_hook=_strict(str, "a string")),
        )

        def structure(data: dict[str, Any]) -> Event:
            return fn(data, cls)

        return structure

    def _unstructure_fn(self, cls: type[Event]) -> Callable[[Event], dict[str, Any]]:
        # a field equal to its default is left out, which keeps lines short and stable
        overrides: dict[str, Any] = {
            a.name: override(omit_if_default=a.name != "id") for a in attrs.fields(cls)
        }
        fn = make_dict_unstructure_fn(cls, self.converter, **overrides)
        tag, version = cls.TYPE, cls.VERSION

        def unstructure(event: Event) -> dict[str, Any]:
            data: dict[str, Any] = {"type": tag, "v": version}
            data.update(fn(event))
            return data

        return unstructure

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of a line of any registered type."""
        from ._schema import line_schema

        return line_schema(self)

    # -- events <-> dicts ---------------------------------------------------------

    def to_dict(self, event: Event) -> dict[str, Any]:
        """The plain dict of a line, ``type`` and ``v`` first."""
        try:
            return self._unstructure[type(event)](event)
        except KeyError:
            raise ValidationError(
                f"{type(event).__qualname__} is not a registered event type", field="type"
            ) from None

    def from_dict(self, data: Any) -> Event:
        """Build an event from a parsed line; raise :class:`ValidationError` with a field path."""
        if not isinstance(data, dict):
            raise ValidationError(f"a line must be a JSON object, not {_json_type(data)}")
        tag = data.get("type")
        if tag is None:
            raise ValidationError("every line needs a type", field="type")
        cls = self.types.get(tag) if isinstance(tag, str) else None
        if cls is None:
            raise ValidationError(
                f"unknown event type {_short(tag)}; known types: {', '.join(sorted(self.types))}",
                field="type",
            )
        version = data.get("v", cls.VERSION)
        if type(version) is not int or version < 1:
            raise ValidationError(
                f"a version is a whole number from 1, not {_short(version)}", field="v"
            )
        if version > cls.VERSION:
            raise ValidationError(
                f"version {version} of {tag!r} is newer than this library knows ({cls.VERSION})",
                field="v",
            )
        body = {k: v for k, v in data.items() if k not in ("type", "v")}
        while version < cls.VERSION:
            upcaster = self.upcasters.get((tag, version))
            if upcaster is None:
                raise ValidationError(f"no upcaster from version {version} of {tag!r}", field="v")
            body = upcaster.upcast(body)
            version += 1
        try:
            return self._structure[tag](body)
        except Exception as exc:
            field, message = _locate(exc)
            raise ValidationError(message, field=field) from None

    # -- events <-> bytes ---------------------------------------------------------

    def encode(self, event: Event) -> bytes:
        """One line of JSON, without the newline.

        Copied out of what ``orjson.dumps`` returns: its bytes keep the writer's whole
        buffer (4 KiB at least), and a batch holds its encoded events until it is
        written (a million events appended at once held 4 GB that way)."""
        return bytes(memoryview(orjson.dumps(self.to_dict(event))))

    def decode(
        self, line: bytes | str, *, source: str | None = None, line_number: int | None = None
    ) -> Event:
        """Read one line; errors name ``source``, ``line_number`` and the field."""
        try:
            return self.from_dict(parse_json(line))
        except ValidationError as exc:
            raise exc.located(source=source, line=line_number) from None

    def decode_lines(
        self, lines: Iterable[bytes | str], *, source: str | None = None
    ) -> Iterator[Event]:
        """Events from JSON Lines input (blank lines skipped); stops at the first bad line."""
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield self.decode(line, source=source, line_number=number)

    def read_input(self, data: bytes | str, *, source: str | None = None) -> list[Event]:
        """Every event of an input text (JSON Lines, or one JSON object or array).

        All lines are checked; the error raised lists every bad line, not only the first.
        """
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")  # a lone surrogate: refused as JSON
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        stripped = data.strip()
        if stripped.startswith(b"[") or (
            stripped.startswith(b"{") and b"\n" in stripped and _is_one_document(stripped)
        ):
            try:
                parsed = parse_json(stripped)
            except ValidationError as exc:
                raise exc.located(source=source) from None
            items = parsed if isinstance(parsed, list) else [parsed]
            return self._collect(((None, item) for item in items), source, whole=True)
        return self._collect(
            (
                (number, line)
                for number, line in enumerate(data.split(b"\n"), start=1)
                if line.strip()
            ),
            source,
            whole=False,
        )

    def _collect(
        self, items: Iterable[tuple[int | None, Any]], source: str | None, whole: bool
    ) -> list[Event]:
        events: list[Event] = []
        errors: list[ValidationError] = []
        for index, (number, item) in enumerate(items):
            try:
                data = item if whole else parse_json(item)
                events.append(self.from_dict(data))
            except ValidationError as exc:
                errors.append(
                    exc.located(
                        source=source, line=number, field_prefix=f"[{index}]" if whole else None
                    )
                )
        if errors:
            raise InputErrors(errors)
        return events


class InputErrors(ValidationError):
    """Several bad lines at once: ``errors`` holds one located error per line."""

    def __init__(self, errors: list[ValidationError]) -> None:
        first = errors[0]
        self.errors = errors
        super().__init__(first.message, source=first.source, line=first.line, field=first.field)

    def __str__(self) -> str:
        if not hasattr(self, "errors"):
            return super().__str__()
        return "\n".join(ValidationError.__str__(e) for e in self.errors)

    def located(self, **_: Any) -> ValidationError:
        return self


def _is_one_document(data: bytes) -> bool:
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return True


def parse_json(line: bytes | str) -> Any:
    """orjson.loads with the line-length limit and a plain message on failure."""
    size = len(line)
    if isinstance(line, str) and size * 4 > MAX_LINE_BYTES:  # a character is 1-4 bytes
        size = len(line.encode("utf-8", "surrogatepass"))
    if size > MAX_LINE_BYTES:
        raise ValidationError(f"line is longer than {MAX_LINE_BYTES} bytes")
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise ValidationError(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ValidationError("JSON nested too deeply") from None


def _locate(exc: BaseException, path: str = "") -> tuple[str | None, str]:
    """The dotted field path and message of the first error inside a cattrs error group."""
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            path = f"{path}.{note.name}" if path else note.name
        elif isinstance(note, IterableValidationNote):
            step = f".{note.index}" if isinstance(note.index, str) else f"[{note.index}]"
            path = f"{path}{step}" if path or step.startswith("[") else str(note.index)
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return _locate(exc.exceptions[0], path)
    if isinstance(exc, ValidationError):
        return _join(path, exc.field) or None, exc.message
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = sorted(exc.extra_fields)
        field = _join(path, extra[0])
        return field, f"unknown field{'s' if len(extra) > 1 else ''}: {', '.join(extra)}"
    if isinstance(exc, KeyError):
        return path or None, "required field is missing"
    return path or None, str(exc) or type(exc).__name__


def _join(path: str, field: str | None) -> str:
    """``path`` and ``field`` as one dotted path; array steps (``[0]``) take no dot."""
    if not field:
        return path
    if not path or field.startswith("["):
        return f"{path}{field}"
    return f"{path}.{field}"
