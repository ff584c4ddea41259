"""The render cache: a rendered report kept by what it was rendered from, so that a
script's next ``sitrep render`` of a log nothing was added to costs opening the log,
not replaying it.

An entry is data, never trusted: one file a log, format and set of options, holding a
header (what it was rendered from: the log's head position and hash, a JSON Lines
file's size, inode and modification time, the versions and source files of the code that
rendered it, a SHA-256 of the text) and the text. It is used only when every part of
the header still matches; an entry of another log, edited, truncated, or of a log
appended to since, is rebuilt, never shown. Entries are replaced atomically (written
to a temporary file, flushed to disk, renamed), so a reader sees a whole entry or
none, whatever other renders run at the same time.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import click
import orjson

from ..plugins._manager import Plugins
from ..stores import EventLog
from ..stores._chain import GENESIS
from ..stores._files import replace_whole
from ._inputs import Shape, local_path, shape_of

FORMAT = "sitrep-render-cache/1"
RACY_NS = 100_000_000
"""A log file changed this recently (or dated later) when a render looks at it is not
kept: file times are only as fine as the kernel's clock tick (10 ms at most), so an
edit in the same tick as the last write would leave them as they were. Any edit made
after this window changes them; one made within it came before the render read the
log, so the report holds it. A script's next command starts later than this."""


def default_directory() -> Path:
    """Where entries go when no directory is given: ``$XDG_CACHE_HOME/sitrep``, or
    ``~/.cache/sitrep`` (beside nothing of the log's, so read-only logs and databases
    have one too)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitrep"


class RenderCache:
    """Rendered reports in ``directory``, one file a log, format and options."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def entry(
        self,
        target: str,
        log: EventLog | None,
        plugins: Plugins,
        fmt: str,
        options: Mapping[str, Any],
    ) -> Entry | None:
        """The entry of this render: where it is kept and what it must match. Without
        ``log`` (a JSON Lines file not opened yet), the head is read from the file's
        last line, so that a render of a large log it finds does not load the log's
        index; None when that line does not end a whole batch (open the log)."""
        identity = _identity(target)
        slot = {"log": identity, "format": fmt, "options": dict(sorted(options.items()))}
        digest = hashlib.sha256(orjson.dumps(slot, option=orjson.OPT_SORT_KEYS)).hexdigest()
        state = _log_state(target, log)
        if state is None:
            return None
        expected = {"format": FORMAT, "slot": slot, "log": state, "code": _code(plugins)}
        return Entry(self.directory / f"{digest[:40]}.render", expected)


def is_file_log(target: str) -> bool:
    """Whether ``target`` is a JSON Lines log (whose head its last line tells)."""
    return local_path(target) is not None and shape_of(target) is Shape.LOG


class Entry:
    """One render's place in the cache, and the header an entry there must have."""

    def __init__(self, path: Path, expected: dict[str, Any]) -> None:
        self.path = path
        self.expected = expected
        looked = time.time_ns()
        self.racy = any(looked - changed < RACY_NS for *_, changed in expected["log"]["files"])
        """The log's file changed too recently for its times to vouch for its content."""

    def load(self) -> str | None:
        """The text kept for exactly this render, or None (a note on stderr when the
        entry was damaged rather than merely out of date)."""
        try:
            if not _private_directory(self.path.parent):
                return None
            data = self.path.read_bytes()
        except OSError:
            return None
        head, newline, body = data.partition(b"\n")
        try:
            header = orjson.loads(head)
        except orjson.JSONDecodeError:
            header = None
        if not newline or not isinstance(header, dict):
            return _damaged(self.path, "its header cannot be read")
        if header.get("format") != FORMAT or header.get("slot") != self.expected["slot"]:
            return _damaged(self.path, "it is not an entry of this log and format")
        if header.get("log") != self.expected["log"] or header.get("code") != self.expected["code"]:
            return None  # the log, or the code that renders it, changed since: rebuilt
        if header.get("bytes") != len(body) or header.get("sha256") != _sha256(body):
            return _damaged(self.path, "its text does not match its digest (edited or truncated)")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return _damaged(self.path, "its text is not UTF-8")

    def store(self, text: str, position: int, head_hash: str) -> None:
        """Keep ``text``, the report of the log up to ``position`` (whose record has
        ``head_hash``), for the next render; a cache that cannot be written is noted on
        stderr and the render goes on.

        Nothing is kept when the log's file changed a moment before (see
        ``RACY_NS``). The header keeps the head the report was built from
        (records appended after the entry was looked up make the next render
        rebuild, never show a report older than the log), with the file's state as
        it was before that read.
        """
        if self.racy:
            return
        body = text.encode("utf-8")
        log = {**self.expected["log"], "position": position, "hash": head_hash}
        header = {**self.expected, "log": log, "bytes": len(body), "sha256": _sha256(body)}
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not _private_directory(directory, quiet=True):
                return
            replace_whole(self.path, orjson.dumps(header) + b"\n" + body, prefix=".entry-")
        except OSError as exc:
            click.echo(
                f"note: render cache {directory}: not written ({exc.strerror or exc}); "
                "the next render replays the log",
                err=True,
            )


def _identity(target: str) -> str:
    """Which log: a file's resolved path, or a server's address without its password."""
    path = local_path(target)
    if path is None or target.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(target)
        if parts.password is not None:
            host = parts.hostname or ""
            user = f"{parts.username}@" if parts.username else ""
            port = f":{parts.port}" if parts.port else ""
            parts = parts._replace(netloc=f"{user}{host}{port}")
        return urlunsplit(parts)
    return str(path.resolve())


def _log_state(target: str, log: EventLog | None) -> dict[str, Any] | None:
    """What the log is now: its head record, and for a JSON Lines file its size, inode
    and time of change (an edit in place changes them, though the head may read the
    same). A database's files change as it checkpoints, whether or not its rows did:
    its head record is what an entry of SQLite or PostgreSQL is checked against."""
    path = local_path(target)
    if path is not None and is_file_log(target):
        try:
            with path.open("rb") as handle:
                found = os.fstat(handle.fileno())
                head = _last_record(handle, found.st_size)
        except OSError:
            return None
        if head is None:
            return None
        files = [[path.name, found.st_size, found.st_ino, found.st_mtime_ns]]
        return {"position": head[0], "hash": head[1], "files": files}
    if log is None:
        return None
    position = log.head
    record = next(log.read(position), None) if position else None
    return {
        "position": position,
        "hash": record.hash if record is not None else GENESIS,
        "files": [],
    }


def _last_record(handle: IO[bytes], size: int) -> tuple[int, str] | None:
    """The position and hash of the record on a log file's last line, when that line
    ends a whole batch; None otherwise (empty, torn or not a record: the store knows)."""
    if size == 0:
        return 0, GENESIS
    chunk = 1 << 16
    data = b""
    end = size
    while end > 0:
        start = max(0, end - chunk)
        handle.seek(start)
        data = handle.read(end - start) + data
        end = start
        if data.count(b"\n") >= 2 or end == 0:
            break
        chunk *= 2
    if not data.endswith(b"\n"):
        return None
    line = data[:-1].rpartition(b"\n")[2]
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict) or record.get("more", 0) != 0:
        return None
    position, digest = record.get("position"), record.get("hash")
    if type(position) is not int or not isinstance(digest, str):
        return None
    return position, digest


def _code(plugins: Plugins) -> str:
    """The code that renders, as one digest: each loaded plugin's version and the size
    and time of its module's source file (an edited plugin that kept its version
    renders anew), and the same of every module of this package."""
    found: list[Any] = []
    for info in plugins.listing():
        found.append([info.name, info.version])
    modules = {type(p).__module__ for _, p in plugins.manager.list_name_plugin() if p is not None}
    modules |= {getattr(p, "__name__", "") for _, p in plugins.manager.list_name_plugin()}
    package = Path(__file__).resolve().parent.parent
    files = sorted(
        {str(f) for f in _module_files(modules)} | {str(p) for p in package.rglob("*.py")}
    )
    for name in files:
        try:
            found.append([name, *_size_and_time(name)])
        except OSError:
            continue
    return hashlib.sha256(orjson.dumps(found)).hexdigest()


def _module_files(names: set[str]) -> Iterator[Path]:
    for name in names:
        module = sys.modules.get(name)
        source = getattr(module, "__file__", None)
        if source:
            yield Path(source).resolve()


def _size_and_time(name: str) -> tuple[int, int]:
    found = os.stat(name)
    return found.st_size, found.st_mtime_ns


def _private_directory(directory: Path, *, quiet: bool = False) -> bool:
    """Whether entries in ``directory`` are this user's alone to write: one others may
    write to could hold a planted entry (with a matching digest), so it is not used."""
    try:
        found = directory.stat()
    except FileNotFoundError:
        return True
    mine = not hasattr(os, "getuid") or found.st_uid == os.getuid()
    if mine and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return True
    if not quiet:
        click.echo(
            f"note: render cache {directory}: not used (writable by other users, or not "
            "yours); give --cache-dir a directory of your own",
            err=True,
        )
    return False


def _damaged(path: Path, why: str) -> str | None:
    """No text (the entry is rebuilt), with a note saying why."""
    click.echo(f"note: render cache entry {path.name}: not used, {why}; rebuilt", err=True)
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
