"""The codec under bad input: every case ends in a ValidationError or a valid event.

Random bytes and text, the seed example's lines with bytes flipped, cut and inserted,
a wrong value in every field of every event type, huge numbers, long lines, deep
nesting, invalid UTF-8, byte order marks, CRLF and NUL bytes. No other exception, no
hang (each example has a time limit), and an event that decodes also encodes and
appends. The command line turns each refusal into one line per bad input line and
exit code 2.
"""

from __future__ import annotations

import copy
import re
import typing
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import orjson
import pytest
from _hardening import (
    SEED,
    example_lines,
    fuzz_settings,
    mutated,
    seed_by_type,
    seed_lines,
    time_limit,
)
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from sitrep_core import Codec, Count, Event, Source, ValidationError
from sitrep_core.codec._codec import MAX_LINE_BYTES, InputErrors
from sitrep_core.stores import MemoryLog

CODEC = Codec()
LINES = seed_lines()
BASES = seed_by_type()
EXAMPLES_BY_TYPE: dict[str, list[dict[str, Any]]] = {}
for _line in map(orjson.loads, example_lines()):
    EXAMPLES_BY_TYPE.setdefault(_line["type"], []).append(_line)
for _tag, _line in BASES.items():  # a type no example has (a retraction): the made-up one
    EXAMPLES_BY_TYPE.setdefault(_tag, [_line])


def check_event(event: Event) -> None:
    """What decodes is a whole event: it encodes, decodes to itself, and appends."""
    line = CODEC.encode(event)
    assert CODEC.decode(line) == event
    log = MemoryLog(CODEC)
    try:
        log.append([event])
    except ValidationError as exc:  # a revision of an event this empty log lacks
        assert exc.field in ("corrects", "retracts"), exc
    else:
        assert log.verify().ok


def check_refusal(exc: ValidationError) -> None:
    """A refusal says what is wrong on one line (several bad lines: one line each)."""
    errors = exc.errors if isinstance(exc, InputErrors) else [exc]
    for error in errors:
        text = ValidationError.__str__(error)
        assert text and "\n" not in text and "\r" not in text, repr(text)
        assert "Traceback" not in text


def decode_outcome(line: bytes | str) -> Event | ValidationError:
    """Decode one line: the event, or the library's refusal; anything else fails."""
    with time_limit():
        try:
            event = CODEC.decode(line, source="fuzz.jsonl", line_number=1)
        except ValidationError as exc:
            check_refusal(exc)
            assert exc.source == "fuzz.jsonl" and exc.line == 1
            return exc
        check_event(event)
        return event


def read_outcome(data: bytes | str) -> list[Event] | ValidationError:
    """Read a whole input: every event, or the refusal listing the bad lines."""
    with time_limit():
        try:
            events = CODEC.read_input(data, source="fuzz.jsonl")
        except ValidationError as exc:
            check_refusal(exc)
            return exc
        for event in events:
            check_event(event)
        return events


# -- random input --------------------------------------------------------------------------


@fuzz_settings
@given(st.binary(max_size=4096))
@example(b"\x00" * 64)
@example(b"\xef\xbb\xbf")
@example(b"\xff\xfe{\x00}\x00")
@example(b"[" * 100_000)
@example(b'{"a":' * 100_000)
def test_random_bytes(data: bytes) -> None:
    decode_outcome(data)
    read_outcome(data)


@fuzz_settings
@given(st.text(max_size=2048))  # lone surrogates included: a str need not be valid UTF-8
@example("\ud800")
@example('{"type": "strike", "id": "\udfff"}')
@example("\ufeff" + '{"type": "strike"}')
def test_random_text(text: str) -> None:
    decode_outcome(text)
    read_outcome(text)


@fuzz_settings
@given(st.data())
def test_mutated_seed_lines(data: st.DataObject) -> None:
    line = data.draw(st.sampled_from(LINES), label="line")
    changed = data.draw(mutated(line), label="mutated")
    outcome = decode_outcome(changed)
    if isinstance(outcome, Event) and changed == line:
        assert outcome.id == orjson.loads(line)["id"]


@fuzz_settings
@given(st.data())
def test_mutated_seed_inputs(data: st.DataObject) -> None:
    """Several seed lines, some mutated, joined with odd line ends: all or nothing."""
    picked = data.draw(st.lists(st.sampled_from(LINES), min_size=1, max_size=6), label="lines")
    changed = [data.draw(mutated(line, 2)) if data.draw(st.booleans()) else line for line in picked]
    ends = data.draw(st.lists(st.sampled_from((b"\n", b"\r\n", b"\n\n", b"\n\x00")), min_size=1))
    text = b"".join(line + ends[i % len(ends)] for i, line in enumerate(changed))
    outcome = read_outcome(text)
    if isinstance(outcome, ValidationError):
        return
    assert [e.id for e in outcome] == [e.id for e in outcome]  # every line was read


# -- a wrong value in every field ----------------------------------------------------------

RAW = {
    "2**64": b"18446744073709551616",
    "-2**63-1": b"-9223372036854775809",
    "30 digits": b"123456789012345678901234567890",
    "1e400": b"1e400",
    "-1e400": b"-1e400",
    "1e-400": b"1e-400",
    "-0": b"-0",
    "-0.0": b"-0.0",
    "100k brackets": b"[" * 100_000 + b"]" * 100_000,
    "100k objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
}
"""JSON texts that a Python value cannot be dumped as, spliced into a line."""

WRONG: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    2**63 - 1,
    -(2**63),
    "",
    " ",
    "x",
    "\u0000",
    "\u202e\u200b",
    "2017-02-30",
    "<script>",
    "x" * 10_000,
    [],
    [None],
    [1, "a"],
    [[[]]],
    {},
    {"a": 1},
    {"value": 1},
    {"name": None},
    *(("raw", name) for name in RAW),
)

Path = tuple[str | int, ...]


def _field_type(cls: type, name: str) -> Any:
    return typing.get_type_hints(cls)[name]


def _mentions(type_: Any, kind: type) -> bool:
    if type_ is kind:
        return True
    return any(_mentions(arg, kind) for arg in typing.get_args(type_))


def _nested(value: Any, path: Path) -> Iterator[Path]:
    """The paths inside a JSON value: each key of an object, the first item of an array."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*path, key)
            yield from _nested(inner, (*path, key))
    elif isinstance(value, list) and value:
        yield (*path, 0)
        yield from _nested(value[0], (*path, 0))


def _made_up(cls: type, name: str, base: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Nested paths of a field no example line fills: sources and counts, made up."""
    type_ = _field_type(cls, name)
    if _mentions(type_, Source):
        line = {**base, name: [{"name": "AP", "reliability": "B", "credibility": 2}]}
        yield from (((name, 0, sub.name), line) for sub in attrs.fields(Source))
    elif _mentions(type_, Count) and typing.get_origin(type_) is not dict:
        line = {**base, name: {"value": 3, "qualifier": "approx", "text": "about 3"}}
        yield from (((name, sub.name), line) for sub in attrs.fields(Count))
    elif _mentions(type_, Count):
        line = {**base, name: {"buses": {"value": 17, "qualifier": "approx"}}}
        yield (name, "buses"), line
        yield from (((name, "buses", sub.name), line) for sub in attrs.fields(Count))


def field_paths(tag: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every field of an event type (absent ones too), nested value fields as well,
    each with a valid line whose value there is to be replaced: the nested fields of
    the example lines of that type, and made-up sources and counts where none has one."""
    cls = CODEC.types[tag]
    lines = EXAMPLES_BY_TYPE[tag]
    base = copy.deepcopy(lines[0])
    yield ("type",), base
    yield ("v",), base
    for field in attrs.fields(cls):
        name = field.name
        yield (name,), base
        seen: set[Path] = set()
        for line in lines:
            for path in _nested(line.get(name), (name,)):
                if path not in seen:
                    seen.add(path)
                    yield path, line
        if not seen:
            for path, line in _made_up(cls, name, base):
                if _decodes(line):
                    yield path, line


def _decodes(line: dict[str, Any]) -> bool:
    try:
        CODEC.decode(orjson.dumps(line))
    except ValidationError:
        return False
    return True


def with_value(line: dict[str, Any], path: Path, value: Any) -> bytes:
    """The line with ``value`` at ``path``, as JSON text (raw texts spliced in)."""
    data = copy.deepcopy(line)
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    raw = None
    if isinstance(value, tuple) and value[0] == "raw":
        raw = RAW[value[1]]
        value = "\u0001raw\u0001"
    target[path[-1]] = value
    text = orjson.dumps(data)
    if raw is not None:
        text = text.replace(b'"\\u0001raw\\u0001"', raw)
    return text


def _path_text(path: Path) -> str:
    return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path).lstrip(".")


FIELD_CASES = [
    pytest.param(tag, path, line, id=f"{tag}:{_path_text(path)}")
    for tag in sorted(CODEC.types)
    for path, line in field_paths(tag)
]


@pytest.mark.parametrize(("tag", "path", "line"), FIELD_CASES)
def test_a_wrong_value_in_every_field(tag: str, path: Path, line: dict[str, Any]) -> None:
    assert isinstance(CODEC.decode(orjson.dumps(line)), CODEC.types[tag])
    for value in WRONG:
        text = with_value(line, path, value)
        outcome = decode_outcome(text)
        if isinstance(outcome, ValidationError):
            # the refusal names a field, and for a value that is not even JSON-shaped
            # right at the top level, it is the field that was changed
            assert (
                outcome.field or "JSON" in outcome.message or "line is longer" in outcome.message
            ), f"{_path_text(path)}={value!r}: {outcome}"


# -- limits, encodings, line ends ----------------------------------------------------------


def test_a_line_at_the_limit_is_read_and_one_byte_more_is_refused() -> None:
    base = {**BASES["statement"], "notes": ""}
    empty = len(orjson.dumps(base))
    at_limit = orjson.dumps({**base, "notes": "x" * (MAX_LINE_BYTES - empty)})
    assert len(at_limit) == MAX_LINE_BYTES
    with time_limit():
        event = CODEC.decode(at_limit)
        assert len(event.notes or "") == MAX_LINE_BYTES - empty
        over = orjson.dumps({**base, "notes": "x" * (MAX_LINE_BYTES - empty + 1)})
        for text in (over, over.decode()):
            with pytest.raises(ValidationError, match=f"longer than {MAX_LINE_BYTES} bytes"):
                CODEC.decode(text)
        # the limit counts UTF-8 bytes: fewer characters than bytes are refused too
        wide = orjson.dumps({**base, "notes": "\u00e9" * ((MAX_LINE_BYTES - empty) // 2 + 1)})
        assert len(wide.decode()) < MAX_LINE_BYTES < len(wide)
        with pytest.raises(ValidationError, match="longer than"):
            CODEC.decode(wide.decode())
        with pytest.raises(ValidationError, match=r"line 2: line is longer"):
            CODEC.read_input(LINES[0] + b"\n" + over + b"\n", source="big.jsonl")


@pytest.mark.parametrize(
    "text",
    [
        b"[" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"0" + b"}" * 100_000,
        b'{"type":"strike","notes":' + b"[" * 1025 + b"]" * 1025 + b"}",
    ],
    ids=["open", "closed", "objects", "in-a-field"],
)
def test_deep_nesting_is_refused_quickly(text: bytes) -> None:
    with time_limit(2):
        with pytest.raises(ValidationError, match="JSON"):
            CODEC.decode(text)
        with pytest.raises(ValidationError):
            CODEC.read_input(text)
        with pytest.raises(ValidationError):
            CODEC.read_input(b" \n" + text.decode().encode())


def test_nesting_up_to_the_parser_limit_is_a_field_error() -> None:
    deep = b"[" * 1000 + b"]" * 1000
    text = b'{"type":"strike","id":"s","occurred":"2017","actor":"a","notes":' + deep + b"}"
    with pytest.raises(ValidationError) as caught:
        CODEC.decode(text)
    assert caught.value.field == "notes"


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        (("fighters", "value"), b"18446744073709551616"),
        (("fighters", "value"), b"1e400"),
        (("fighters", "value"), b"-0"),
        (("fighters", "value"), b"1e15"),
        (("sources", 0, "credibility"), b"-0"),
        (("sources", 0, "credibility"), b"2.0"),
        (("v",), b"1.0"),
        (("v",), b"18446744073709551615"),
    ],
)
def test_huge_and_odd_numbers(field: Path, raw: bytes) -> None:
    line = BASES["evacuation"]
    text = with_value(line, field, "\u0001raw\u0001").replace(b'"\\u0001raw\\u0001"', raw)
    outcome = decode_outcome(text)
    if raw == b"-0":  # JSON -0 is the integer 0: a count of 0, credibility 0 refused
        if field[0] == "fighters":
            assert isinstance(outcome, Event)
        else:
            assert isinstance(outcome, ValidationError)
    else:
        assert isinstance(outcome, ValidationError), outcome


@pytest.mark.parametrize("raw", [b"1e400", b"-1e400", b"-0.0", b"90.0000000000000001", b"1e-400"])
def test_coordinates_at_and_past_the_edges(raw: bytes) -> None:
    line = BASES["place"]
    text = with_value(line, ("lat",), "\u0001raw\u0001").replace(b'"\\u0001raw\\u0001"', raw)
    outcome = decode_outcome(text)
    assert isinstance(outcome, ValidationError) == raw.endswith(b"e400")


@pytest.mark.parametrize(
    ("recorded", "fits"),
    [
        ("0001-01-01T00:00:00+05:00", False),
        ("9999-12-31T23:59:59-05:00", False),
        ("0001-01-01T00:00:00", True),
        ("9999-12-31T23:59:59.999999Z", True),
        ("2017-08-30T16:50:00+23:59", True),
    ],
)
def test_recorded_times_at_the_ends_of_the_calendar(recorded: str, fits: bool) -> None:
    """A recorded time whose UTC moment falls outside years 1-9999 is refused."""
    outcome = decode_outcome(orjson.dumps({**BASES["strike"], "recorded": recorded}))
    if fits:
        assert isinstance(outcome, Event), outcome
    else:
        assert isinstance(outcome, ValidationError) and outcome.field == "recorded", outcome


def test_invalid_utf8_and_surrogates() -> None:
    line = LINES[0]
    for bad in (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"):
        spliced = line.replace(b"ISIS", b"IS" + bad + b"IS", 1)
        assert isinstance(decode_outcome(spliced), ValidationError)
        assert isinstance(read_outcome(spliced), ValidationError)
    text = line.decode().replace("ISIS", "IS\ud800IS", 1)
    assert isinstance(decode_outcome(text), ValidationError)
    assert isinstance(read_outcome(text), ValidationError)
    # an escaped lone surrogate is valid JSON, but not a string the log can hold
    escaped = line.replace(b"ISIS", b"IS\\ud800IS", 1)
    outcome = decode_outcome(escaped)
    assert isinstance(outcome, ValidationError | Event)


def test_byte_order_mark_line_ends_and_nul_bytes() -> None:
    whole = SEED.read_bytes()
    expected = [e.id for e in CODEC.read_input(whole)]
    assert len(expected) == len(LINES)
    # a BOM at the start of an input is dropped; CRLF line ends are read as LF
    for variant in (b"\xef\xbb\xbf" + whole, whole.replace(b"\n", b"\r\n")):
        assert [e.id for e in CODEC.read_input(variant)] == expected
    assert [e.id for e in CODEC.read_input(whole.decode().replace("\n", "\r\n"))] == expected
    assert CODEC.decode(LINES[0] + b"\r").id == expected[0]
    # a BOM inside an input, or before a single line given to decode, is refused
    inner = LINES[0] + b"\n\xef\xbb\xbf" + LINES[1] + b"\n"
    with pytest.raises(ValidationError, match="line 2"):
        CODEC.read_input(inner, source="in.jsonl")
    assert isinstance(decode_outcome(b"\xef\xbb\xbf" + LINES[0]), ValidationError)
    # NUL bytes: inside a line, as a line, after the last line
    for text in (
        LINES[0][:20] + b"\x00" + LINES[0][20:],
        LINES[0] + b"\n\x00\x00\x00\n",
        LINES[0] + b"\n" + b"\x00" * 4096,
        b"\x00",
    ):
        outcome = read_outcome(text)
        assert isinstance(outcome, ValidationError), outcome
    assert isinstance(decode_outcome(LINES[0] + b"\x00"), ValidationError)


# -- the command line: one line a refusal, exit 2 --------------------------------------------


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    from sitrep_core.cli._main import cli

    result = CliRunner().invoke(cli, list(args), input=input, prog_name="sitrep")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _huge_count() -> bytes:
    """The first seed line with a count, its value made 2**64."""
    line = next(line for line in LINES if re.search(rb'"value": ?\d', line))
    return re.sub(rb'"value": ?\d+', b'"value": 18446744073709551616', line, count=1)


BAD_INPUTS: dict[str, Callable[[], bytes]] = {
    "random bytes": lambda: bytes(range(256)) * 4,
    "a cut line": lambda: LINES[5][:-40] + b"\n",
    "a flipped byte": lambda: LINES[5].replace(b'"id"', b'"i\xe4"', 1) + b"\n",
    "a wrong type": lambda: LINES[5].replace(b'"name": "', b'"name": 5, "x": "', 1) + b"\n",
    "2**64": lambda: _huge_count() + b"\n",
    "1e400": lambda: with_value(BASES["place"], ("lat",), ("raw", "1e400")) + b"\n",
    "a long line": lambda: b'{"type":"strike","notes":"' + b"x" * MAX_LINE_BYTES + b'"}\n',
    "deep nesting": lambda: b"[" * 100_000 + b"\n",
    "invalid UTF-8": lambda: LINES[0].replace(b"ISIS", b"IS\xffIS", 1) + b"\n",
    "a BOM mid-input": lambda: LINES[0] + b"\n\xef\xbb\xbf" + LINES[1] + b"\n",
    "NUL bytes": lambda: LINES[0] + b"\n\x00\x00\n",
    "an edge-of-time recorded": lambda: (
        with_value(BASES["strike"], ("recorded",), "0001-01-01T00:00:00+05:00") + b"\n"
    ),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_sitrep_append_refuses_each_bad_input_with_one_line_and_exit_2(
    name: str, tmp_path: Any
) -> None:
    log = tmp_path / "log.jsonl"
    assert run("init", str(log))[0] == 0
    before = log.read_bytes()
    data = BAD_INPUTS[name]()
    source = tmp_path / "bad.jsonl"
    source.write_bytes(data)
    with time_limit(20):
        for args, stdin in (((str(log), str(source)), None), ((str(log), "-"), data)):
            code, out, err = run("append", *args, input=stdin)
            assert code == 2, (code, out, err)
            lines = err.splitlines()
            assert lines and all(line.strip() for line in lines), err
            assert "Traceback" not in err
            where = "<stdin>" if stdin is not None else str(source)
            assert all(line.startswith(where) for line in lines), err
    assert log.read_bytes() == before  # nothing appended


def test_the_sitrep_script_exits_2_on_bad_input(tmp_path: Any) -> None:
    import shutil
    import subprocess
    import sys
    from pathlib import Path as FsPath

    script = FsPath(sys.executable).with_name("sitrep")
    found = str(script) if script.exists() else shutil.which("sitrep")
    if found is None:
        pytest.skip("the sitrep script is not installed next to this Python")
    log = tmp_path / "log.jsonl"
    subprocess.run([found, "init", str(log)], check=True, capture_output=True, timeout=60)
    done = subprocess.run(
        [found, "append", str(log), "-"],
        input=LINES[0] + b"\n" + b"\xff\xfe garbage\n" + b"[" * 100_000 + b"\n",
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2
    err = done.stderr.decode()
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "<stdin>, line 2",
        "<stdin>, line 3",
    ]
    assert "Traceback" not in err
