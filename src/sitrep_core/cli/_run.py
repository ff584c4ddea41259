"""What every command runs with: the plugins of this run, its logs, its option types."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import click

from ..codec._codec import Codec
from ..errors import ValidationError
from ..model._time import FuzzyTime
from ..plugins._manager import Plugins
from ..projections import Projection
from ..stores._log import EventLog
from ._failures import Failure


def loaded_plugins() -> Plugins:
    """The plugins of this run (installed ones, and those named by ``-p``), loaded once."""
    ctx = click.get_current_context()
    found = ctx.meta.get("sitrep.plugins")
    if found is None:
        named: tuple[str, ...] = ctx.meta.get("sitrep.plugin_options", ())
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
    """The log ``target`` names, opened with this run's plugins and closed afterwards."""
    log = loaded_plugins().open_log(target, create=create)
    try:
        yield log
    finally:
        log.close()


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
