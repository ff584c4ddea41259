"""The codec: events to one JSON object a line and back, with upcasters for old lines."""

from ._codec import MAX_LINE_BYTES, Codec, InputErrors, Upcaster, parse_json

__all__ = ["MAX_LINE_BYTES", "Codec", "InputErrors", "Upcaster", "parse_json"]
