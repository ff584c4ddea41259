"""What the two file stores (JSON Lines, SQLite) share: making and opening their file;
and the whole-or-nothing replacement of the files kept beside the data path
(checkpoints, rendered reports).

A log file is created without following a symlink and not world-writable; a path
that is not a regular file (a FIFO, a directory, a device) is refused with its name
before anything blocks on it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from ..errors import CorruptLogError, LogPermissionError


def create_file(path: Path) -> bool:
    """Create an empty log file, not world-writable; False when one appeared first.

    Refuses to follow a symlink: a dangling one raises :class:`FileExistsError`
    (creating through it would write where it points)."""
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644
        )
    except FileExistsError:
        if path.is_symlink() and not path.exists():
            raise FileExistsError(
                f"{path}: is a symbolic link to nothing; not creating a log through it"
            ) from None
        return False
    except PermissionError:
        raise LogPermissionError(
            f"{path}: cannot create the log here (permission denied)", source=str(path)
        ) from None
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)
    return True


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory or Path("."), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def not_a_file(path: Path, mode: int) -> CorruptLogError | None:
    """The error for a path whose ``st_mode`` is not a regular file's, or None."""
    if stat.S_ISREG(mode):
        return None
    kind = (
        "a FIFO"
        if stat.S_ISFIFO(mode)
        else "a directory"
        if stat.S_ISDIR(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
    )
    return CorruptLogError(f"is {kind}, not a log (a log is a regular file)", source=str(path))


def open_regular(path: Path, flags: int) -> int:
    """A descriptor on the regular file at ``path`` (a FIFO, device or directory is
    refused with the path, without blocking on it)."""
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC)
    except IsADirectoryError:
        raise CorruptLogError(
            "is a directory, not a log (a log is a regular file)", source=str(path)
        ) from None
    try:
        error = not_a_file(path, os.fstat(fd).st_mode)
        if error is not None:
            raise error
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_regular(path: Path) -> None:
    """Refuse a path that is there but not a regular file (following symlinks)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    error = not_a_file(path, mode)
    if error is not None:
        raise error


def replace_whole(path: Path, data: bytes, *, prefix: str) -> None:
    """Put ``data`` at ``path`` whole or not at all: written to a new file in the same
    directory (named from ``prefix``, readable by its owner only), flushed to disk,
    then renamed over ``path``, so a reader sees the old file or the new one, never
    part of either. The new file is removed when anything fails."""
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
