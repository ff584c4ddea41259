"""Errors a caller can catch, each carrying where the problem was found.

One tree for the whole library, and every store raises the same error for the same
situation::

    SitrepError
    ├── ValidationError (also a ValueError)      input that does not fit the model
    ├── PluginError                              a plugin that cannot be used
    └── StoreError                               a log that cannot do what was asked
        ├── ConflictError                        the log (or a stream) moved on
        │   └── DuplicateIdError                 an id stored with other content
        ├── CorruptLogError                      stored records that cannot be read
        │   └── BrokenChainError                 a record removed, repeated, moved or edited
        ├── StoreUnavailableError                a store that cannot be reached or written
        ├── ReadOnlyLogError                     a write to a log that can only be read
        └── LogPermissionError                   a log this user may not open

The facts of an error are attributes (``source``, ``line``, ``position``,
``event_id``, ``index``, ``committed``...), so a caller never parses a message.
"""

from __future__ import annotations


class SitrepError(Exception):
    """Base of every error this library raises on purpose."""


def _where(*parts: str | None) -> str:
    return ", ".join(p for p in parts if p)


class ValidationError(SitrepError, ValueError):
    """Input that does not fit the model: names the source, line and field.

    ``source`` is a file name (or ``"<stdin>"``), ``line`` is 1-based, ``field`` is a
    dotted path such as ``sources[0].credibility``. ``index`` is the place (from 0)
    in an appended batch of the event the error is about. Any of them may be unknown.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
        index: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        self.index = index
        super().__init__(str(self))

    def located(
        self,
        *,
        source: str | None = None,
        line: int | None = None,
        field_prefix: str | None = None,
        index: int | None = None,
    ) -> ValidationError:
        """Return a copy that also says where the bad input came from."""
        field = self.field
        if field_prefix:
            field = f"{field_prefix}.{field}" if field else field_prefix
        return type(self)(
            self.message,
            source=source if source is not None else self.source,
            line=line if line is not None else self.line,
            field=field,
            index=index if index is not None else self.index,
        )

    def __str__(self) -> str:
        where = _where(
            self.source,
            f"line {self.line}" if self.line is not None else None,
            f"field {self.field}" if self.field else None,
        )
        return f"{where}: {self.message}" if where else self.message


class PluginError(SitrepError):
    """A plugin could not be loaded or gave something unusable: names the plugin."""

    def __init__(self, message: str, *, plugin: str | None = None) -> None:
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r}: {message}" if plugin else message)


class StoreError(SitrepError):
    """A log could not do what was asked. ``source`` names the log (a path, or a URL
    without its password); ``committed`` says what became of an append: False when
    nothing of it was stored, True when all of it was, None when it cannot be known."""

    def __init__(
        self, message: str, *, source: str | None = None, committed: bool | None = False
    ) -> None:
        self.message = message
        self.source = source
        self.committed = committed
        super().__init__(message)


class ConflictError(StoreError):
    """An append was refused because the log moved on; nothing was written.

    Either the log's head is not ``expected`` (a stale ``expected_position``), or,
    when ``stream`` is set, that stream's version is not ``expected``. ``actual`` is
    what was found instead.
    """

    def __init__(
        self,
        message: str,
        *,
        expected: int | None = None,
        actual: int | None = None,
        stream: str | None = None,
        source: str | None = None,
    ) -> None:
        self.expected = expected
        self.actual = actual
        self.stream = stream
        super().__init__(message, source=source, committed=False)


class DuplicateIdError(ConflictError):
    """An event id already stored was appended again (with other content, or with
    ``on_duplicate="error"``); nothing of the batch was written.

    ``index`` is the event's place (from 0) in the batch, ``position`` where the id
    is stored (or, for an id twice in one batch, None).
    """

    def __init__(
        self,
        event_id: str,
        position: int | None,
        *,
        index: int | None = None,
        same_content: bool = False,
        source: str | None = None,
    ) -> None:
        self.event_id = event_id
        self.position = position
        self.index = index
        self.same_content = same_content
        where = f"at position {position}" if position is not None else "earlier in the batch"
        content = "" if same_content else " with other content"
        super().__init__(f"event id {event_id!r} is already {where}{content}", source=source)


class CorruptLogError(StoreError):
    """Stored records cannot be read back as written, or what was named is not a log:
    names the log, line, position and event id where they are known.

    ``line`` is the file's line (JSON Lines), ``position`` the record's position,
    ``event_id`` the id the damaged record holds.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        position: int | None = None,
        event_id: str | None = None,
        committed: bool | None = False,
    ) -> None:
        self.line = line
        self.position = position
        self.event_id = event_id
        super().__init__(message, source=source, committed=committed)
        self.args = (self._text(),)

    def _text(self) -> str:
        where = _where(
            self.source,
            f"line {self.line}" if self.line is not None else None,
            f"position {self.position}"
            if self.position is not None and self.line is None
            else None,
            f"event {self.event_id!r}" if self.event_id is not None else None,
        )
        return f"{where}: {self.message}" if where else self.message

    def __str__(self) -> str:
        return self._text()


class BrokenChainError(CorruptLogError):
    """The hash chain does not check out at a record: one was removed, repeated, moved
    or edited after it was written (or the log was cut back below a head published
    before). Every read stops there; the command line exits 1, as for a failed verify."""


class StoreUnavailableError(StoreError):
    """The store could not be reached or could not take a write: names the host or file.

    A PostgreSQL server that does not answer, a SQLite file another writer holds too
    long, a full disk. ``host`` is the server (or the file); ``committed`` says what
    became of an append (None: the connection failed during the commit, and
    appending the same events again is safe because stored ids are skipped).
    """

    def __init__(
        self,
        message: str,
        *,
        host: str | None = None,
        committed: bool | None = False,
        source: str | None = None,
    ) -> None:
        self.host = host
        super().__init__(
            message, source=source if source is not None else host, committed=committed
        )


class ReadOnlyLogError(StoreError):
    """An append to a log that can only be read (a read-only file, directory or
    file system, or a log opened with ``readonly=True``); nothing was written."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message, source=source, committed=False)


class LogPermissionError(StoreError):
    """The log exists but this user may not open it (not even to read): names it."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message, source=source, committed=False)


class TornTailWarning(UserWarning):
    """An unfinished write was found at the end of a log file and set aside."""
