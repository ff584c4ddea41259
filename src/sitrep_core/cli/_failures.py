"""How a command ends when something is wrong: one line per problem, and an exit code.

Exit codes: 0 ok, 1 a verification or conflict failure, 2 bad usage or bad input.
``SITREP_DEBUG=1`` shows the traceback of a library error instead of its line.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Sequence
from typing import Any

import click

from ..errors import BrokenChainError, ConflictError, SitrepError, ValidationError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DEBUG_ENV = "SITREP_DEBUG"


class Failure(click.ClickException):
    """Ends the command: ``lines`` on stderr, then exit with ``exit_code``."""

    def __init__(self, lines: str | Sequence[str], exit_code: int = EXIT_USAGE) -> None:
        self.lines = [one_line(x) for x in ([lines] if isinstance(lines, str) else lines)]
        super().__init__("; ".join(self.lines))
        self.exit_code = exit_code  # type: ignore[misc]  # click reads it per instance

    def show(self, file: typing.IO[Any] | None = None) -> None:
        for line in self.lines:
            click.echo(line, file=file if file is not None else sys.stderr)


def one_line(text: str) -> str:
    """Text for one line of a terminal: line breaks folded, control characters escaped
    (a log's text must not move the cursor or recolour the screen)."""
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def failure_for(exc: BaseException) -> Failure | None:
    """The one-line report and exit code of an error the user can fix, or None for a bug."""
    from ..codec._codec import InputErrors

    if isinstance(exc, InputErrors):
        return Failure([ValidationError.__str__(e) for e in exc.errors])
    if isinstance(exc, ConflictError):  # also DuplicateIdError
        return Failure(f"conflict: {exc}; nothing was appended", EXIT_FAILED)
    if isinstance(exc, BrokenChainError):  # a read stopped at damage: as a failed verify
        return Failure(str(exc), EXIT_FAILED)
    if isinstance(exc, SitrepError | ValueError):  # ValidationError, CorruptLogError, ...
        return Failure(str(exc) or type(exc).__name__)
    if isinstance(exc, OSError):
        if exc.filename is not None and exc.strerror:
            return Failure(f"{exc.filename}: {exc.strerror.lower()}")
        return Failure(str(exc))
    if isinstance(exc, ModuleNotFoundError | ImportError):
        return Failure(str(exc))
    return None


def usage_failure(exc: click.UsageError) -> Failure:
    """A usage error as one line that says where to find help."""
    path = exc.ctx.command_path if exc.ctx is not None else "sitrep"
    return Failure(f"{path}: {exc.format_message()} (see '{path} --help')", exc.exit_code)


def show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: typing.TextIO | None = None,
    line: str | None = None,
) -> None:
    """A warning as one ``warning:`` line on stderr (``warnings.showwarning``'s signature)."""
    click.echo(f"warning: {one_line(str(message))}", err=True)
