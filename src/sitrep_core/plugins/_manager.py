"""Plugins: a fresh pluggy manager per use, built-ins registered like any other plugin.

External plugins are found through the entry-point group ``sitrep``. Every hook
call goes through a typed wrapper that checks what each plugin returned and names
the plugin when it is not what the hook promises.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pluggy

from ..codec import Codec, Upcaster
from ..errors import PluginError
from ..imports import Importer
from ..model import Event
from ..projections import Projection
from ..renderers import Renderer, SectionRenderer
from ..stores import EventLog, open_log
from . import _hookspecs
from ._builtins import BUILTIN_PLUGINS
from ._hookspecs import PROJECT

if TYPE_CHECKING:
    from ..report import Report

ENTRY_POINT_GROUP = PROJECT
"""The entry-point group external plugins are found in: ``[project.entry-points.sitrep]``."""

DISABLE_AUTOLOAD_ENV = "SITREP_DISABLE_PLUGIN_AUTOLOAD"
"""Set (to anything but ``""``, ``0``, ``false``, ``no`` or ``off``) to load no entry points."""

PLUGINS_ENV = "SITREP_PLUGINS"
"""Comma-separated entry-point names: load only these (``SITREP_PLUGINS=geojson,acled``)."""

HOOK_NAMES: tuple[str, ...] = tuple(
    sorted(
        name
        for name, value in vars(_hookspecs).items()
        if name.startswith(f"{PROJECT}_") and hasattr(value, f"{PROJECT}_spec")
    )
)
"""Every hook a plugin can implement."""

T = TypeVar("T")


@attrs.frozen
class PluginInfo:
    """One loaded plugin: its name, its distribution's version, the hooks it implements."""

    name: str
    version: str | None
    hooks: tuple[str, ...]
    builtin: bool
    project: str | None = None
    """The distribution (package index name) it came from, where known."""


def _flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in ("", "0", "false", "no", "off")


def _names(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def _plugin_entry_points() -> list[importlib.metadata.EntryPoint]:
    return sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


class Plugins:
    """The plugins of one use: their event types, projections and renderers.

    Build it with :meth:`load`. Each call makes a new :class:`pluggy.PluginManager`;
    nothing is kept between calls.
    """

    def __init__(self, manager: pluggy.PluginManager, builtin: Sequence[str] = ()) -> None:
        self.manager = manager
        self._builtin = frozenset(builtin)

    @classmethod
    def load(
        cls,
        *,
        autoload: bool | None = None,
        only: Sequence[str] | None = None,
        extra: Sequence[object] = (),
        block: Sequence[str] = (),
    ) -> Plugins:
        """A new set of plugins: the built-ins, installed plugins, then ``extra``.

        ``autoload``: load the entry points of group ``sitrep`` (None: unless
        ``SITREP_DISABLE_PLUGIN_AUTOLOAD`` is set); while autoloading,
        ``SITREP_PLUGINS`` (``name1,name2``) narrows it to those names. ``only``:
        load just these entry points, whatever ``autoload`` and the environment say.
        ``extra``: plugin objects (modules, classes, instances) to register too.
        ``block``: plugin names (entry-point names or built-in module names) to
        leave out, like pytest's ``-p no:NAME``.
        """
        manager = pluggy.PluginManager(PROJECT)
        manager.add_hookspecs(_hookspecs)
        for name in block:
            manager.set_blocked(name)
        builtin: list[str] = []
        for name, plugin in BUILTIN_PLUGINS:
            if manager.is_blocked(name):
                continue
            _register(manager, plugin, name)
            builtin.append(name)

        if autoload is None:
            autoload = not _flag(os.environ.get(DISABLE_AUTOLOAD_ENV))
        if only is not None:  # asked for by name: loaded even when autoloading is off
            _load_entry_points(manager, only)
        elif autoload:  # the environment may narrow what is autoloaded
            _load_entry_points(manager, _names(os.environ.get(PLUGINS_ENV)) or None)

        for plugin in extra:
            if manager.is_registered(plugin):
                continue  # already loaded through its entry point
            _register(manager, plugin, None)
        try:  # a misspelt hook (``sitrep_renderer``) would otherwise be ignored
            manager.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(str(exc), plugin=manager.get_name(exc.plugin)) from exc
        return cls(manager, builtin)

    # -- typed wrappers around the hooks ----------------------------------------

    def _answers(self, hook: str) -> Iterator[tuple[str, object]]:
        """(plugin name, answer) of every plugin implementing ``hook``, built-ins first.

        Each plugin is called through pluggy's hook caller (a subset caller of that one
        plugin), so tracing and call monitoring see every call, and each answer, or
        error, is known to come from its plugin.
        """
        caller: pluggy.HookCaller = getattr(self.manager.hook, hook)
        impls = caller.get_hookimpls()
        for impl in impls:
            others = [other.plugin for other in impls if other is not impl]
            try:
                answers = self.manager.subset_hook_caller(hook, remove_plugins=others)()
            except PluginError:
                raise
            except Exception as exc:
                raise PluginError(
                    f"{hook}() raised {type(exc).__name__}: {exc}", plugin=impl.plugin_name
                ) from exc
            for answer in answers:
                yield impl.plugin_name, answer

    def _collect(
        self, hook: str, check: Callable[[object], T | None], what: str
    ) -> list[tuple[str, T]]:
        found: list[tuple[str, T]] = []
        for plugin, answer in self._answers(hook):
            if isinstance(answer, str | bytes | Mapping) or not isinstance(answer, Sequence):
                raise PluginError(
                    f"{hook}() must return a list of {what}, not {type(answer).__name__}",
                    plugin=plugin,
                )
            for index, item in enumerate(answer):
                checked = check(item)
                if checked is None:
                    raise PluginError(
                        f"{hook}() item {index} is {_describe(item)}, not {what}", plugin=plugin
                    )
                found.append((plugin, checked))
        return found

    def event_types(self) -> dict[str, type[Event]]:
        """Every event class by type tag; two plugins claiming one tag is an error."""
        types: dict[str, tuple[str, type[Event]]] = {}
        for plugin, cls in self._collect("sitrep_event_types", _event_type, "Event subclasses"):
            if not cls.TYPE:
                raise PluginError(f"event type {cls.__qualname__} has no TYPE tag", plugin=plugin)
            if not _is_attrs_class(cls):
                raise PluginError(
                    f"event type {cls.__qualname__} is not an attrs class "
                    "(decorate it with @attrs.frozen(kw_only=True))",
                    plugin=plugin,
                )
            claimed = types.get(cls.TYPE)
            if claimed is not None and claimed[1] is not cls:
                raise PluginError(
                    f"type tag {cls.TYPE!r} is claimed by both {claimed[0]} "
                    f"({claimed[1].__qualname__}) and {plugin} ({cls.__qualname__})",
                    plugin=plugin,
                )
            types.setdefault(cls.TYPE, (plugin, cls))
        return {tag: cls for tag, (_, cls) in types.items()}

    def upcasters(self) -> list[Upcaster]:
        """Every upcaster; two for one (type, version) is an error."""
        seen: dict[tuple[str, int], str] = {}
        found: list[Upcaster] = []
        for plugin, upcaster in self._collect(
            "sitrep_upcasters", _instance_of(Upcaster), "Upcaster objects"
        ):
            key = (upcaster.type, upcaster.from_version)
            if key in seen:
                raise PluginError(
                    f"two upcasters lift version {upcaster.from_version} of "
                    f"{upcaster.type!r}: {seen[key]} and {plugin}",
                    plugin=plugin,
                )
            seen[key] = plugin
            found.append(upcaster)
        return found

    @cached_property
    def codec(self) -> Codec:
        """The codec of every plugin's event types and upcasters (built on first use)."""
        types = self.event_types()
        upcasters = self.upcasters()
        for upcaster in upcasters:
            if upcaster.type not in types:
                raise PluginError(
                    f"an upcaster lifts {upcaster.type!r}, which no plugin registers; "
                    f"known types: {', '.join(sorted(types))}"
                )
        return Codec(types.values(), upcasters)

    def projections(self) -> list[Projection[Any, Any]]:
        """New instances of every plugin's projections, built-ins first."""
        owners: dict[str, str] = {}
        found: list[Projection[Any, Any]] = []
        for plugin, projection in self._collect(
            "sitrep_projections", _instance_of(Projection), "Projection instances"
        ):
            name = getattr(projection, "name", None)
            if not isinstance(name, str) or not name:
                raise PluginError(
                    f"projection {type(projection).__qualname__} has no name", plugin=plugin
                )
            if name in owners:
                raise PluginError(
                    f"projection name {name!r} is used by both {owners[name]} and {plugin}",
                    plugin=plugin,
                )
            owners[name] = plugin
            found.append(projection)
        return found

    def _by_key(
        self, hook: str, kind: type[T], key_of: Callable[[T, str], str], clash: str
    ) -> dict[str, tuple[str, T]]:
        """The ``kind`` objects ``hook`` answers, by the key ``key_of`` reads (and
        checks); a key two plugins answer is an error, ``clash`` worded with ``{key}``,
        ``{first}`` and ``{second}`` plugin names."""
        found: dict[str, tuple[str, T]] = {}
        for plugin, item in self._collect(hook, _instance_of(kind), f"{kind.__name__} objects"):
            key = key_of(item, plugin)
            if key in found:
                raise PluginError(
                    clash.format(key=repr(key), first=found[key][0], second=plugin), plugin=plugin
                )
            found[key] = (plugin, item)
        return found

    def _renderers(self) -> dict[str, tuple[str, Renderer]]:
        def format_of(renderer: Renderer, plugin: str) -> str:
            if not isinstance(renderer.format, str) or not renderer.format:
                raise PluginError("a renderer has no format name", plugin=plugin)
            if not callable(renderer.render):
                raise PluginError(
                    f"renderer {renderer.format!r}: render is not callable", plugin=plugin
                )
            return renderer.format

        return self._by_key(
            "sitrep_renderers",
            Renderer,
            format_of,
            "format {key} is claimed by both {first} and {second}",
        )

    def renderers(self) -> dict[str, Renderer]:
        """Every output format by name; two plugins claiming one format is an error."""
        return {name: renderer for name, (_, renderer) in self._renderers().items()}

    def renderer(self, format: str) -> Renderer:
        """The renderer of ``format``; an unknown one is an error listing the known ones."""
        found = self.renderers()
        if format not in found:
            known = ", ".join(sorted(found)) or "none"
            raise PluginError(f"no renderer for format {format!r}; known formats: {known}")
        return found[format]

    def renderer_for_path(self, path: str | Path) -> Renderer:
        """The renderer whose file extension ``path`` ends in (``report.md`` -> markdown)."""
        suffix = Path(path).suffix.lower()
        for renderer in self.renderers().values():
            if renderer.extension.lower() == suffix:
                return renderer
        known = ", ".join(sorted(r.extension for r in self.renderers().values()))
        raise PluginError(
            f"no renderer writes {suffix or 'files without an extension'}; "
            f"known extensions: {known}"
        )

    def listing(self) -> list[PluginInfo]:
        """Every loaded plugin: built-ins first, then by name."""
        dists = {id(plugin): dist for plugin, dist in self.manager.list_plugin_distinfo()}
        core = _version("sitrep-core")
        infos: list[PluginInfo] = []
        for name, plugin in self.manager.list_name_plugin():
            if plugin is None:  # blocked
                continue
            callers = self.manager.get_hookcallers(plugin) or []
            hooks = tuple(sorted(caller.name for caller in callers))
            builtin = name in self._builtin
            dist = dists.get(id(plugin))
            if dist is not None:
                project, version = dist.metadata["name"], dist.version
            elif builtin:
                project, version = "sitrep-core", core
            else:
                project, version = _owner(plugin)
            infos.append(PluginInfo(name, version, hooks, builtin, project))
        order = {name: index for index, (name, _) in enumerate(BUILTIN_PLUGINS)}
        infos.sort(key=lambda info: (not info.builtin, order.get(info.name, 0), info.name))
        return infos

    # -- importers (sitrep_importers) ------------------------------------------------

    def importers(self) -> dict[str, Importer]:
        """Every format an importer reads, by name; two plugins reading one is an error."""

        def format_of(importer: Importer, plugin: str) -> str:
            if not isinstance(importer.format, str) or not importer.format:
                raise PluginError("an importer has no format name", plugin=plugin)
            return importer.format

        found = self._by_key(
            "sitrep_importers",
            Importer,
            format_of,
            "import format {key} is read by both {first} and {second}",
        )
        return {name: importer for name, (_, importer) in found.items()}

    def importer(self, format: str) -> Importer:
        """The importer of ``format``; an unknown one is an error listing the known ones."""
        found = self.importers()
        if format not in found:
            known = ", ".join(sorted(found)) or "none (install sitrep-acled for ACLED files)"
            raise PluginError(f"no importer reads format {format!r}; known formats: {known}")
        return found[format]

    # -- the data path with these plugins ------------------------------------------

    def sections(self) -> dict[str, SectionRenderer]:
        """How plugins' projection views read as report sections, by projection name."""
        found = self._by_key(
            "sitrep_sections",
            SectionRenderer,
            lambda section, plugin: section.projection,
            "the section of projection {key} is laid out by both {first} and {second}",
        )
        return {name: section for name, (_, section) in found.items()}

    def open_log(self, target: str | Path, **options: Any) -> EventLog:
        """:func:`sitrep_core.open_log` with this codec, so plugin event types work."""
        return open_log(target, codec=self.codec, **options)

    def report(self, log: EventLog, **options: Any) -> Report:
        """:func:`sitrep_core.build_report` with every plugin's projections, and their
        views laid out as sections the way their plugins say."""
        from ..report import build_report

        report = build_report(log, projections=self.projections(), **options)
        return self.with_sections(report)

    def with_sections(self, report: Report) -> Report:
        """The report with each plugin section rendered by its plugin's section hook."""
        renderers = self.sections()
        laid_out = []
        for section in report.sections:
            renderer = renderers.get(section.name)
            if renderer is None:
                laid_out.append(section)
                continue
            laid_out.append(
                attrs.evolve(
                    section,
                    title=renderer.title or section.title,
                    markdown=_fragment(renderer.markdown, section.view, section.name, "markdown"),
                    html=_fragment(renderer.html, section.view, section.name, "html"),
                )
            )
        return attrs.evolve(report, sections=tuple(laid_out))

    def render(self, report: Report, format: str) -> str:
        """The report as text in ``format``."""
        found = self._renderers()
        if format not in found:
            self.renderer(format)  # raises, listing the known formats
        plugin, renderer = found[format]
        text = renderer.render(report)
        if not isinstance(text, str):
            raise PluginError(
                f"renderer {format!r} returned {type(text).__name__}, not str", plugin=plugin
            )
        return text


def _fragment(make: Callable[[Any], str] | None, view: Any, name: str, what: str) -> str | None:
    if make is None:
        return None
    text = make(view)
    if not isinstance(text, str):
        raise PluginError(f"the {what} of section {name!r} is {type(text).__name__}, not str")
    return text


def render(report: Report, format: str = "markdown") -> str:
    """The report as text in ``format``, with the plugins installed (loaded afresh)."""
    return Plugins.load().render(report, format)


def _register(manager: pluggy.PluginManager, plugin: object, name: str | None) -> None:
    shown = name or manager.get_canonical_name(plugin)
    try:
        manager.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc), plugin=shown) from exc
    except ValueError as exc:  # the same name or object twice
        raise PluginError(str(exc), plugin=shown) from exc
    _refuse_wrappers(manager, plugin, shown)


def _load_entry_points(manager: pluggy.PluginManager, only: Sequence[str] | None) -> None:
    available = _plugin_entry_points()
    names = list(dict.fromkeys(ep.name for ep in available))
    if only is not None:
        missing = [name for name in only if name not in names]
        if missing:
            raise PluginError(
                f"no installed plugin named {', '.join(map(repr, missing))} in entry-point "
                f"group {ENTRY_POINT_GROUP!r}; installed: {', '.join(names) or 'none'}"
            )
        names = list(dict.fromkeys(only))
    for name in names:
        try:
            manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
        except PluginError:
            raise
        except pluggy.PluginValidationError as exc:
            raise PluginError(str(exc), plugin=name) from exc
        except Exception as exc:
            raise PluginError(
                f"its entry point failed to load: {type(exc).__name__}: {exc}", plugin=name
            ) from exc
        plugin = manager.get_plugin(name)
        if plugin is not None:
            _refuse_wrappers(manager, plugin, name)


def _refuse_wrappers(manager: pluggy.PluginManager, plugin: object, name: str) -> None:
    # the hooks gather every plugin's answer; a wrapper would have nothing to wrap
    for caller in manager.get_hookcallers(plugin) or []:
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and (impl.wrapper or impl.hookwrapper):
                manager.unregister(plugin)
                raise PluginError(
                    f"{caller.name} is a wrapper; sitrep hooks collect answers and "
                    "take no wrappers",
                    plugin=name,
                )


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _owner(plugin: object) -> tuple[str | None, str | None]:
    """The distribution a plugin object's top-level package comes from, if installed."""
    module = (
        plugin
        if isinstance(plugin, ModuleType)
        else sys.modules.get(getattr(plugin, "__module__", "") or "")
    )
    if module is None:
        return None, None
    top = module.__name__.split(".")[0]
    for dist in importlib.metadata.packages_distributions().get(top, []):
        return dist, _version(dist)
    return None, None


def _describe(value: object) -> str:
    if isinstance(value, type):
        return f"the class {value.__qualname__}"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def _is_attrs_class(cls: type) -> bool:
    return attrs.has(cls)


def _event_type(item: object) -> type[Event] | None:
    return item if isinstance(item, type) and issubclass(item, Event) else None


def _instance_of(kind: type[T]) -> Callable[[object], T | None]:
    def check(item: object) -> T | None:
        return item if isinstance(item, kind) else None

    return check
