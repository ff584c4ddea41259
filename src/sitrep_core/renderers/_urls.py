"""Which URLs a report links: the same rule for Markdown and HTML."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL that is safe to link: printable, no
    spaces, quotes or angle brackets, no bidirectional controls (which can make a link
    read as another), a host. Otherwise None: the URL is shown as text, not linked."""
    if not url or len(url) > 2048:
        return None
    if any(c in url for c in "<>\"'\\`") or any(c in _BIDI for c in url):
        return None
    if any(unicodedata.category(c)[0] in "CZ" for c in url):  # controls, spaces, separators
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
