"""Errors a caller can catch, each carrying where the problem was found."""

from __future__ import annotations


class SitrepError(Exception):
    """Base of every error this library raises on purpose."""


class ValidationError(SitrepError, ValueError):
    """Input that does not fit the model: names the source, line and field.

    ``source`` is a file name (or ``"<stdin>"``), ``line`` is 1-based, ``field`` is a
    dotted path such as ``sources[0].credibility``. Any of them may be unknown.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        super().__init__(str(self))

    def located(
        self, *, source: str | None = None, line: int | None = None, field_prefix: str | None = None
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
        )

    def __str__(self) -> str:
        where = []
        if self.source is not None:
            where.append(self.source)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ConflictError(SitrepError):
    """An append was refused because the log moved on (stale ``expected_position``)."""

    def __init__(self, message: str, *, expected: int | None = None, actual: int | None = None):
        self.expected = expected
        self.actual = actual
        super().__init__(message)


class DuplicateIdError(ConflictError):
    """An event id already in the log was appended again with other content."""

    def __init__(self, event_id: str, position: int) -> None:
        self.event_id = event_id
        self.position = position
        super().__init__(
            f"event id {event_id!r} is already at position {position} with other content"
        )


class CorruptLogError(SitrepError):
    """Stored records cannot be read back as written: names the file and line."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.message = message
        self.source = source
        self.line = line
        where = ", ".join(
            p for p in (source, f"line {line}" if line is not None else None) if p is not None
        )
        super().__init__(f"{where}: {message}" if where else message)


class TornTailWarning(UserWarning):
    """An unfinished write was found at the end of a log file and set aside."""


class PluginError(SitrepError):
    """A plugin could not be loaded or gave something unusable: names the plugin."""

    def __init__(self, message: str, *, plugin: str | None = None) -> None:
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r}: {message}" if plugin else message)
