"""What every command runs with: the plugins of this run, its logs, its option types."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import click
from click.shell_completion import CompletionItem

from ..codec._codec import Codec
from ..errors import DuplicateIdError, ValidationError
from ..model._time import FuzzyTime
from ..plugins._manager import Plugins
from ..projections import Projection
from ..stores import EventLog, MemoryLog
from ._failures import Failure
from ._inputs import Shape, at_index, locate, neither, read_events, shape_of

F = TypeVar("F", bound=Callable[..., Any])


def loaded_plugins(ctx: click.Context | None = None) -> Plugins:
    """The plugins of this run (installed ones, and those named by ``-p``), loaded once."""
    ctx = ctx if ctx is not None else click.get_current_context()
    found = ctx.meta.get("sitrep.plugins")
    if found is None:
        named: tuple[str, ...] = ctx.find_root().params.get("plugin_options") or ()
        block = [name.removeprefix("no:") for name in named if name.startswith("no:")]
        extra = []
        for name in named:
            if not name.startswith("no:"):
                try:
                    extra.append(importlib.import_module(name))
                except ImportError as exc:
                    raise Failure(f"-p {name}: cannot import the plugin module: {exc}") from None
        found = ctx.meta["sitrep.plugins"] = Plugins.load(extra=extra, block=block)
    return cast(Plugins, found)


@contextmanager
def opened(target: str, *, create: bool = False) -> Iterator[EventLog]:
    """The log ``target`` names, opened with this run's plugins and closed afterwards.

    A file of events is refused with a hint (it is not a log to verify, copy or follow).
    """
    if not create and shape_of(target) is Shape.EVENTS:
        raise Failure(
            f"{target}: a file of events, not a log (to keep them in one: "
            f"sitrep init LOG, then sitrep append LOG {target})"
        )
    log = loaded_plugins().open_log(target, create=create)
    try:
        yield log
    finally:
        log.close()


class _EventsFile(MemoryLog):
    """A file of events read into memory: named after the file."""

    def __init__(self, codec: Codec, source: str) -> None:
        super().__init__(codec)
        self._source = source

    @property
    def name(self) -> str:
        return self._source


@contextmanager
def readable(target: str) -> Iterator[EventLog]:
    """The log ``target`` names, or a file of events read into a log in memory, with
    a note on stderr (nothing of such a file is verified or stored)."""
    shape = shape_of(target)
    if shape is Shape.NEITHER:
        raise neither(target)
    if shape is not Shape.EVENTS:
        with opened(target) as log:
            yield log
        return
    codec = loaded_plugins().codec
    read = read_events(codec, target)
    log = _EventsFile(codec, target)
    try:
        log.append(read.events)
    except DuplicateIdError as exc:
        twice = ValidationError(f"event id {exc.event_id!r} is there twice, with other content")
        raise Failure(
            str(at_index(twice, read, exc.index) if exc.index is not None else twice)
        ) from None
    except ValidationError as exc:
        raise Failure(str(locate(exc, read))) from None
    click.echo(
        f"note: {target} is a file of events, not a log: read into memory, "
        "nothing verified or stored",
        err=True,
    )
    yield log


def check_types(codec: Codec, wanted: Sequence[str]) -> None:
    """Refuse an event type the codec does not know, listing the ones it does."""
    unknown = [t for t in wanted if t not in codec.types]
    if unknown:
        raise Failure(
            f"unknown event type {unknown[0]!r}; known types: {', '.join(sorted(codec.types))}"
        )


def chosen_projections(names: Sequence[str]) -> list[Projection[Any, Any]]:
    """The projections named (all loaded ones when none is), refusing an unknown name."""
    available = list(loaded_plugins().projections())
    if not names:
        return available
    by_name = {p.name: p for p in available}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise Failure(
            f"unknown projection {unknown[0]!r}; known projections: {', '.join(sorted(by_name))}"
        )
    return [by_name[n] for n in dict.fromkeys(names)]


def complete_files(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of a path: the shell lists the files."""
    return [CompletionItem(incomplete, type="file")]


def log_argument(name: str = "target", metavar: str = "LOG") -> Callable[[F], F]:
    """An argument naming a log (a path or URL), completed as a file by the shell."""
    return click.argument(name, metavar=metavar, shell_complete=complete_files)


class MomentType(click.ParamType):  # type: ignore[type-arg]
    """A moment in EDTF (``2017-09-02``, ``2017-08-30T16:50``) or ISO 8601 with a zone."""

    name = "moment"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if isinstance(value, FuzzyTime):
            return value.text
        try:
            FuzzyTime.parse(str(value))
        except ValidationError as exc:
            self.fail(exc.message, param, ctx)
        return str(value)


MOMENT = MomentType()
