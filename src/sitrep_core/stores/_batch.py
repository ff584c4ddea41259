"""What an append checks of each event of a batch before it is stored: its bytes fit
the line format, its stream is one a store can hold, a stored duplicate is the same."""

from __future__ import annotations

import orjson

from ..codec._codec import MAX_LINE_BYTES, Codec
from ..errors import ValidationError
from ..model import Event

MAX_EVENT_BYTES = MAX_LINE_BYTES - 512
"""The largest encoded event a store takes: its record line (event, position, links and
stream) must stay within the line format's limit, or it could not be read back."""


def same_content(codec: Codec, event: Event, stored: bytes) -> bool:
    new = codec.to_dict(event)
    old = orjson.loads(stored)
    if event.recorded is None:  # the store chose the recorded time; don't compare it
        old.pop("recorded", None)
    new.pop("v", None)
    old.pop("v", None)
    return bool(new == old)


def encode_event(codec: Codec, event: Event, index: int) -> bytes:
    """The event's bytes, or a ValidationError naming its place in the batch."""
    try:
        data = codec.encode(event)
    except ValidationError as exc:
        raise exc.located(index=index) from None
    except TypeError as exc:  # orjson refuses what JSON cannot hold, e.g. a lone surrogate
        raise ValidationError(f"cannot be written as JSON: {exc}", index=index) from None
    if len(data) > MAX_EVENT_BYTES:
        raise ValidationError(
            f"the event is {len(data)} bytes encoded; a log takes at most {MAX_EVENT_BYTES}",
            index=index,
        )
    return data


def stream_of(event: Event, index: int) -> str:
    stream = event.stream
    problem = None
    if not isinstance(stream, str) or not stream:
        problem = "a stream is a non-empty string"
    else:
        try:
            stream.encode("utf-8")
        except UnicodeEncodeError:
            problem = "a stream is text that UTF-8 can hold (no lone surrogates)"
    if problem is not None:
        raise ValidationError(f"the stream of a {event.TYPE} is {stream!r}: {problem}", index=index)
    return stream
