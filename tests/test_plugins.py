"""Plugins: built-ins registered like any plugin, entry points, typed and checked hooks."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import attrs
import pytest

import sitrep_core
from sitrep_core import (
    Event,
    PluginError,
    PluginInfo,
    Plugins,
    Renderer,
    Report,
    Source,
    ValidationError,
    hookimpl,
    open_log,
)
from sitrep_core.imports import Importer
from sitrep_core.plugins._manager import BUILTIN_PLUGINS, HOOK_NAMES
from sitrep_core.projections import Projection
from sitrep_core.views import Fact, ViewContext

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "sitrep-casualty"
CORE_VERSION = sitrep_core.__version__


@pytest.fixture(autouse=True)
def _no_plugin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their plugins; whatever the shell says does not count."""
    monkeypatch.delenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("SITREP_PLUGINS", raising=False)


@attrs.frozen(kw_only=True)
class Sighting(Event):
    TYPE: ClassVar[str] = "test-sighting"
    what: str


@attrs.frozen(kw_only=True)
class OtherSighting(Event):
    TYPE: ClassVar[str] = "test-sighting"
    what: str


class SightingsProjection(Projection[list[Fact], tuple[str, ...]]):
    name = "sightings"
    types = frozenset({"test-sighting"})

    def initial(self) -> list[Fact]:
        return []

    def apply(self, state: list[Fact], fact: Fact) -> None:
        state.append(fact)

    def view(self, state: list[Fact], context: ViewContext) -> tuple[str, ...]:
        return tuple(sorted(fact.event.what for fact in context.visible(state)))


def plugin(name: str, **hooks: Any) -> ModuleType:
    """A plugin module named ``name`` whose hooks return the given values.

    A callable value is called for each answer; an exception is raised.
    """
    module = ModuleType(name)
    for hook, value in hooks.items():
        setattr(module, hook, hookimpl(_implementation(hook, value)))
    return module


def _implementation(hook: str, value: Any) -> Any:
    def implementation() -> Any:  # pluggy reads the hook's arguments here: none
        if isinstance(value, BaseException):
            raise value
        return value() if callable(value) and not isinstance(value, type) else value

    implementation.__name__ = hook
    return implementation


def sightings_plugin() -> ModuleType:
    return plugin(
        "sightings",
        sitrep_event_types=[Sighting],
        sitrep_projections=lambda: [SightingsProjection()],
        sitrep_renderers=[
            Renderer("sightings-txt", lambda r: "\n".join(r.extra["sightings"]) + "\n")
        ],
    )


def no_autoload(**kwargs: Any) -> Plugins:
    return Plugins.load(autoload=False, **kwargs)


# -- the built-ins ---------------------------------------------------------------


def test_built_ins_are_registered_like_any_plugin() -> None:
    plugins = no_autoload()
    listing = plugins.listing()
    assert [info.name for info in listing] == [name for name, _ in BUILTIN_PLUGINS]
    for info in listing:
        assert info.builtin
        assert info.version == CORE_VERSION
        assert info.project == "sitrep-core"
        assert list(info.hooks) == sorted(info.hooks)
        assert set(info.hooks) <= set(HOOK_NAMES)
        assert plugins.manager.get_plugin(info.name) is dict(BUILTIN_PLUGINS)[info.name]
    builtins = next(info for info in listing if info.name == "sitrep_core.core")
    assert builtins.hooks == ("sitrep_event_types", "sitrep_projections", "sitrep_upcasters")


def test_each_load_has_its_own_manager() -> None:
    first, second = no_autoload(), no_autoload()
    assert first.manager is not second.manager
    first.manager.unregister(name="sitrep_core.json")
    assert "json" not in first.renderers()
    assert "json" in second.renderers()


def test_built_in_types_projections_and_formats() -> None:
    plugins = no_autoload()
    assert set(plugins.codec.types) >= {"evacuation", "convoy-move", "strike", "statement"}
    assert ("strike", 1) in plugins.codec.upcasters
    names = [p.name for p in plugins.projections()]
    assert names == ["directory", "convoys", "stances", "timeline", "figures", "sources"]
    assert {"markdown", "json"} <= set(plugins.renderers())
    markdown = plugins.renderer("markdown")
    assert (markdown.extension, markdown.media_type) == (".md", "text/markdown; charset=utf-8")
    assert plugins.renderer("json").extension == ".json"
    assert plugins.renderer_for_path("out/report.MD").format == "markdown"


def test_projections_are_new_instances_each_time() -> None:
    plugins = no_autoload()
    first, second = plugins.projections(), plugins.projections()
    assert all(a is not b for a, b in zip(first, second, strict=True))


def test_a_built_in_can_be_blocked() -> None:
    plugins = no_autoload(block=["sitrep_core.json"])
    assert "json" not in plugins.renderers()
    assert "sitrep_core.json" not in [info.name for info in plugins.listing()]


# -- plugins given explicitly --------------------------------------------------------


class ExportOnlyProjection(SightingsProjection):
    """A view no section shows (it feeds an export), counting the views made."""

    name = "sightings-export"
    section = False
    made: ClassVar[list[tuple[str, ...]]] = []

    def view(self, state: list[Fact], context: ViewContext) -> tuple[str, ...]:
        found = super().view(state, context)
        self.made.append(found)
        return found


def exporting_plugins() -> tuple[Plugins, sitrep_core.EventLog]:
    """Plugins with the export-only projection and a format that reads it, and a log
    of one sighting; no view made yet."""
    ExportOnlyProjection.made.clear()
    plugins = no_autoload(
        extra=[
            plugin(
                "exported",
                sitrep_event_types=[Sighting],
                sitrep_projections=lambda: [ExportOnlyProjection()],
                sitrep_renderers=[
                    Renderer("sightings-csv", lambda r: ",".join(r.extra["sightings-export"]))
                ],
            )
        ]
    )
    log = plugins.open_log("memory:")
    log.append([Sighting(occurred="2017-08-30", what="buses")])
    return plugins, log


def test_a_view_only_an_export_needs_is_made_when_a_renderer_asks_for_it() -> None:
    plugins, log = exporting_plugins()
    report = plugins.report(log)
    plugins.render(report, "markdown")
    plugins.render(report, "json")
    assert ExportOnlyProjection.made == []
    log.append([Sighting(occurred="2017-08-31", what="tank")])  # the report keeps its moment
    assert plugins.render(report, "sightings-csv") == "buses"
    assert plugins.render(report, "sightings-csv") == "buses"
    assert ExportOnlyProjection.made == [("buses",)]
    assert report.extra == {"sightings-export": ("buses",)}
    assert list(report.extra) == ["sightings-export"] and len(report.extra) == 1


def test_with_checkpoints_every_view_is_made_with_the_report() -> None:
    """The next replay folds into a checkpointed state: a view made later would show
    what the log held then, not at the report's head."""
    plugins, log = exporting_plugins()
    checkpoints = sitrep_core.MemoryCheckpoints()
    report = plugins.report(log, checkpoints=checkpoints)
    assert ExportOnlyProjection.made == [("buses",)]
    log.append([Sighting(occurred="2017-08-31", what="tank")])
    later = plugins.report(log, checkpoints=checkpoints)
    assert report.extra["sightings-export"] == ("buses",)
    assert later.extra["sightings-export"] == ("buses", "tank")


def test_an_extra_plugin_adds_a_type_a_projection_and_a_format() -> None:
    plugins = no_autoload(extra=[sightings_plugin()])
    assert plugins.codec.types["test-sighting"] is Sighting
    log = plugins.open_log("memory:")
    log.append([Sighting(occurred="2017-08-30", what="buses"), Sighting(occurred="2017", what="a")])
    report = plugins.report(log)
    assert report.extra == {"sightings": ("a", "buses")}
    assert plugins.render(report, "sightings-txt") == "a\nbuses\n"
    info = plugins.listing()[-1]
    assert info == PluginInfo(
        "sightings",
        None,
        ("sitrep_event_types", "sitrep_projections", "sitrep_renderers"),
        False,
        None,
    )


def test_registering_the_same_plugin_twice_is_harmless() -> None:
    module = sightings_plugin()
    plugins = no_autoload(extra=[module, module])
    assert [info.name for info in plugins.listing()].count("sightings") == 1


def test_two_plugins_claiming_one_type_tag() -> None:
    plugins = no_autoload(
        extra=[
            sightings_plugin(),
            plugin("rival", sitrep_event_types=[OtherSighting]),
        ]
    )
    with pytest.raises(PluginError, match=r"'test-sighting' is claimed by both sightings .*rival"):
        plugins.codec


def test_two_plugins_may_hand_over_the_same_class() -> None:
    plugins = no_autoload(
        extra=[sightings_plugin(), plugin("again", sitrep_event_types=[Sighting])]
    )
    assert plugins.codec.types["test-sighting"] is Sighting


def test_a_plugin_cannot_take_a_built_in_tag() -> None:
    @attrs.frozen(kw_only=True)
    class FakeStrike(Event):
        TYPE: ClassVar[str] = "strike"

    plugins = no_autoload(extra=[plugin("impostor", sitrep_event_types=[FakeStrike])])
    with pytest.raises(PluginError, match=r"'strike' is claimed by both sitrep_core.core"):
        plugins.codec


def test_two_projections_of_one_name() -> None:
    plugins = no_autoload(
        extra=[plugin("twice", sitrep_projections=lambda: [SightingsProjection()] * 2)]
    )
    with pytest.raises(PluginError, match=r"'sightings' is used by both twice and twice"):
        plugins.projections()


def test_two_plugins_claiming_one_format_are_both_named() -> None:
    plugins = no_autoload(
        extra=[plugin("mine", sitrep_renderers=[Renderer("markdown", lambda r: "")])]
    )
    with pytest.raises(PluginError) as caught:
        plugins.renderers()
    assert "sitrep_core.markdown" in str(caught.value)
    assert "mine" in str(caught.value)
    assert caught.value.plugin == "mine"


def test_an_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(PluginError, match=r"'docx'; known formats: .*json, markdown"):
        no_autoload().renderer("docx")


@pytest.mark.parametrize(
    ("hook", "answer", "message"),
    [
        ("sitrep_event_types", {"a": Sighting}, r"a list of Event subclasses, not dict"),
        ("sitrep_event_types", "test-sighting", r"must return a list .*not str"),
        ("sitrep_event_types", [Sighting, int], r"item 1 is the class int, not Event subclasses"),
        ("sitrep_upcasters", [lambda d: d], r"item 0 is function .*not Upcaster objects"),
        ("sitrep_projections", [SightingsProjection], r"item 0 is the class .*not Projection"),
        ("sitrep_renderers", [{"format": "x"}], r"item 0 is dict .*not Renderer objects"),
        ("sitrep_renderers", [Renderer("", str)], r"a renderer has no format name"),
    ],
)
def test_what_a_plugin_returns_is_checked(hook: str, answer: Any, message: str) -> None:
    plugins = no_autoload(extra=[plugin("careless", **{hook: lambda: answer})])
    call = {
        "sitrep_event_types": lambda: plugins.codec,
        "sitrep_upcasters": lambda: plugins.codec,
        "sitrep_projections": plugins.projections,
        "sitrep_renderers": plugins.renderers,
    }[hook]
    with pytest.raises(PluginError, match=message) as caught:
        call()
    assert caught.value.plugin == "careless"
    assert str(caught.value).startswith("plugin 'careless': ")


def test_an_event_type_must_be_attrs_and_tagged() -> None:
    class Untagged(Event):
        pass

    with pytest.raises(PluginError, match="has no TYPE tag"):
        no_autoload(extra=[plugin("p", sitrep_event_types=[Untagged])]).codec


def test_a_hook_that_raises_is_named() -> None:
    plugins = no_autoload(extra=[plugin("broken", sitrep_projections=RuntimeError("boom"))])
    with pytest.raises(PluginError, match=r"plugin 'broken': sitrep_projections\(\) raised "):
        plugins.projections()


def test_an_upcaster_for_no_known_type() -> None:
    from sitrep_core import Upcaster

    plugins = no_autoload(
        extra=[plugin("lost", sitrep_upcasters=[Upcaster("nothing", 1, lambda d: d)])]
    )
    with pytest.raises(PluginError, match=r"'nothing', which no plugin registers"):
        plugins.codec


def test_a_renderer_must_return_text() -> None:
    plugins = no_autoload(
        extra=[plugin("bytes", sitrep_renderers=[Renderer("raw", lambda r: b"x")])]
    )
    report = plugins.report(plugins.open_log("memory:"))
    with pytest.raises(PluginError, match="plugin 'bytes': renderer 'raw' returned bytes"):
        plugins.render(report, "raw")


def test_a_misspelt_hook_is_an_error() -> None:
    with pytest.raises(PluginError, match="sitrep_renderer"):
        no_autoload(extra=[plugin("typo", sitrep_renderer=[])])


def test_a_hook_with_unknown_arguments_is_an_error() -> None:
    class Odd:
        @hookimpl
        def sitrep_renderers(self, report: Report) -> Sequence[Renderer]:
            return []

    with pytest.raises(PluginError, match="report"):
        no_autoload(extra=[Odd()])


def test_wrappers_are_refused() -> None:
    class Wrapping:
        @hookimpl(wrapper=True)
        def sitrep_renderers(self) -> Iterator[None]:
            return (yield)

    with pytest.raises(PluginError, match="is a wrapper"):
        no_autoload(extra=[Wrapping()])


# -- installed plugins (entry points) ------------------------------------------------


def install_fake_distribution(
    path: Path, project: str, version: str, entry_points: dict[str, str], modules: dict[str, str]
) -> None:
    """A distribution as pip leaves it: a module, and a .dist-info with entry points."""
    for name, source in modules.items():
        (path / f"{name}.py").write_text(textwrap.dedent(source))
    info = path / f"{project.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[sitrep]\n{lines}")


HEARD = """
    from typing import ClassVar
    import attrs
    from sitrep_core import Event, Renderer, hookimpl

    @attrs.frozen(kw_only=True)
    class Heard(Event):
        TYPE: ClassVar[str] = "test-heard"
        what: str

    @hookimpl
    def sitrep_event_types():
        return [Heard]

    @hookimpl
    def sitrep_renderers():
        return [Renderer("heard", lambda report: "heard\\n")]
"""


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Two installed plugins, ``heard`` and ``broken``, on sys.path for this test only."""
    install_fake_distribution(
        tmp_path, "sitrep-heard", "1.2.3", {"heard": "sitrep_heard"}, {"sitrep_heard": HEARD}
    )
    install_fake_distribution(
        tmp_path,
        "sitrep-broken",
        "0.0.1",
        {"broken": "sitrep_broken_missing"},
        {},
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield tmp_path
    sys.modules.pop("sitrep_heard", None)


def test_installed_plugins_load_through_their_entry_point(installed: Path) -> None:
    plugins = Plugins.load(only=["heard"])
    info = plugins.listing()[-1]
    assert info == PluginInfo(
        "heard", "1.2.3", ("sitrep_event_types", "sitrep_renderers"), False, "sitrep-heard"
    )
    assert "test-heard" in plugins.codec.types
    assert "heard" in plugins.renderers()


def test_a_plugin_that_fails_to_import_is_named(installed: Path) -> None:
    with pytest.raises(PluginError, match=r"plugin 'broken': its entry point failed to load"):
        Plugins.load()


def test_the_environment_names_the_plugins_to_load(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITREP_PLUGINS", "heard")
    assert "heard" in [info.name for info in Plugins.load().listing()]
    monkeypatch.setenv("SITREP_PLUGINS", "heard, nothing")
    with pytest.raises(PluginError, match=r"no installed plugin named 'nothing'.*installed: "):
        Plugins.load()


def test_the_environment_turns_autoloading_off(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "1")
    names = [info.name for info in Plugins.load().listing()]
    assert "heard" not in names
    assert "broken" not in names
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "0")
    with pytest.raises(PluginError, match="broken"):
        Plugins.load()


def test_autoload_false_wins_and_true_loads(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "heard" not in [i.name for i in Plugins.load(autoload=False).listing()]
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert "heard" in [i.name for i in Plugins.load(autoload=True, block=["broken"]).listing()]


def test_switching_autoloading_off_wins_over_the_plugins_named_in_the_environment(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITREP_PLUGINS", "heard")
    assert "heard" not in [i.name for i in Plugins.load(autoload=False).listing()]
    monkeypatch.setenv("SITREP_DISABLE_PLUGIN_AUTOLOAD", "yes")
    assert "heard" not in [i.name for i in Plugins.load().listing()]
    assert "heard" in [i.name for i in Plugins.load(only=["heard"]).listing()]
    monkeypatch.setenv("SITREP_PLUGINS", "")
    monkeypatch.delenv("SITREP_DISABLE_PLUGIN_AUTOLOAD")
    with pytest.raises(PluginError, match="broken"):  # empty: every plugin
        Plugins.load()


def test_a_blocked_entry_point_is_not_loaded(installed: Path) -> None:
    names = [info.name for info in Plugins.load(block=["broken"]).listing()]
    assert "heard" in names
    assert "broken" not in names


def test_plugins_open_a_log_that_reads_their_types(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITREP_PLUGINS", "heard")
    heard = importlib.import_module("sitrep_heard")
    plugins = sitrep_core.Plugins.load()
    with plugins.open_log(installed / "log.jsonl") as log:
        log.append([heard.Heard(occurred="2017-09-05", what="aircraft", sources=[Source("AP")])])
    with plugins.open_log(installed / "log.jsonl") as again:
        assert [r.event.what for r in again.read()] == ["aircraft"]


def test_open_log_alone_loads_no_plugin(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # storage knows the built-in types only: a plugin's type is not registered there
    monkeypatch.setenv("SITREP_PLUGINS", "heard")
    heard = importlib.import_module("sitrep_heard")
    with open_log(installed / "log.jsonl") as log, pytest.raises(ValidationError):
        log.append([heard.Heard(occurred="2017-09-05", what="aircraft")])


def test_render_loads_the_plugins_afresh(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITREP_PLUGINS", "heard")
    report = sitrep_core.build_report(open_log("memory:"))
    assert sitrep_core.render(report, "heard") == "heard\n"
    assert sitrep_core.render(report).startswith("# Situation report\n")


# -- the example plugin in docs/examples ---------------------------------------------


@pytest.fixture
def casualty(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.syspath_prepend(str(EXAMPLE / "src"))
    module = importlib.import_module("sitrep_casualty")
    yield module
    sys.modules.pop("sitrep_casualty", None)


def _casualty_log(casualty: ModuleType) -> tuple[Plugins, Any]:
    plugins = no_autoload(extra=[casualty])
    log = plugins.open_log("memory:")
    sohr, ap = Source("SOHR", "C", 3), Source("AP", "B", 2)
    log.append(
        [
            casualty.CasualtyReport(
                occurred="2017-08-30",
                place="Humayma",
                killed=casualty.Count.at_least(3),
                wounded=casualty.Count.between(5, 9),
                sources=[sohr],
            ),
            casualty.CasualtyReport(
                occurred="2017-08-31", place="Humayma", killed=casualty.Count(2), sources=[ap]
            ),
            casualty.CasualtyReport(occurred="2017-08-31", place="=cmd()", sources=[ap]),
            casualty.CasualtyReport(
                occurred="2017-08-31",
                place="<script>alert(1)</script> *bold*",
                killed=casualty.Count(1),
                sources=[ap],
            ),
        ]
    )
    # a line written by version 1 of the type, lifted by the plugin's upcaster
    line = b'{"type":"casualty-report","v":1,"id":"old","occurred":"2017-08-29","location":"Qara"}'
    log.append([plugins.codec.decode(line)])
    return plugins, log


def test_the_example_plugin_appends_replays_and_renders(casualty: ModuleType) -> None:
    plugins, log = _casualty_log(casualty)
    report = plugins.report(log)
    # one row per report: two reports of the dead at Humayma are never added up
    assert plugins.render(report, "casualty-csv") == (
        "place,occurred,killed,wounded,sources\n"
        "<script>alert(1)</script> *bold*,2017-08-31,1,,AP\n"
        "'=cmd(),2017-08-31,,,AP\n"
        "Humayma,2017-08-30,at least 3,5-9,SOHR\n"
        "Humayma,2017-08-31,2,,AP\n"
        "Qara,2017-08-29,,,\n"
    )
    assert [p.place for p in report.extra["casualties"]] == [
        "<script>alert(1)</script> *bold*",
        "=cmd()",
        "Humayma",
        "Qara",
    ]


def test_the_example_plugins_section_is_in_the_markdown_and_html_reports(
    casualty: ModuleType,
) -> None:
    plugins, log = _casualty_log(casualty)
    assert set(plugins.sections()) == {"casualties"}
    report = plugins.report(log)
    (section,) = report.sections
    assert (section.name, section.title) == ("casualties", "Casualties")
    assert section.markdown is not None and section.html is not None

    markdown = plugins.render(report, "markdown")
    assert "## Casualties\n" in markdown
    assert "- **Humayma**" in markdown
    assert "at least 3 killed, 5\u20139 wounded (30 Aug 2017, SOHR)" in markdown
    assert "2 killed (31 Aug 2017, AP)" in markdown
    assert "\\<script>alert(1)\\</script> \\*bold\\*" in markdown  # escaped, inert
    assert "<script>" not in markdown.replace("\\<script>", "")

    html = plugins.render(report, "html")
    assert ">Casualties</h2>" in html
    assert '<ul class="casualties">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "<strong>Humayma</strong>" in html


def test_a_section_hook_is_called_through_pluggys_hook_caller(casualty: ModuleType) -> None:
    plugins = no_autoload(extra=[casualty])
    calls: list[str] = []
    undo = plugins.manager.add_hookcall_monitoring(
        lambda name, impls, kwargs: calls.append(name), lambda *args: None
    )
    try:
        plugins.sections()
    finally:
        undo()
    assert calls == ["sitrep_sections"]


def test_two_plugins_laying_out_one_section_are_both_named(casualty: ModuleType) -> None:
    rival = plugin("rival", sitrep_sections=[sitrep_core.SectionRenderer("casualties", "X")])
    with pytest.raises(PluginError, match=r"laid out by both sitrep_casualty and rival"):
        no_autoload(extra=[casualty, rival]).sections()


# -- importers ---------------------------------------------------------------------------


def _read_nothing(data: bytes, source: str) -> list[Event]:
    return []


def test_an_importer_answers_the_importers_hook() -> None:
    importer = Importer("sightings-csv", _read_nothing, "Sightings, one a row")
    plugins = no_autoload(extra=[plugin("reader", sitrep_importers=[importer])])
    assert plugins.importers() == {"sightings-csv": importer}
    assert plugins.importer("sightings-csv") is importer
    assert "sitrep_importers" in plugins.listing()[-1].hooks


def test_an_unknown_import_format_lists_the_known_ones() -> None:
    importer = Importer("sightings-csv", _read_nothing)
    plugins = no_autoload(extra=[plugin("reader", sitrep_importers=[importer])])
    with pytest.raises(PluginError, match=r"no importer reads format 'ucdp'.*sightings-csv"):
        plugins.importer("ucdp")


def test_two_plugins_reading_one_format_are_both_named() -> None:
    first = plugin("one", sitrep_importers=[Importer("x", _read_nothing)])
    second = plugin("two", sitrep_importers=[Importer("x", _read_nothing)])
    with pytest.raises(PluginError, match=r"'x' is read by both one and two"):
        no_autoload(extra=[first, second]).importers()


def test_an_importer_hook_must_return_importers() -> None:
    plugins = no_autoload(extra=[plugin("careless", sitrep_importers=[_read_nothing])])
    with pytest.raises(PluginError, match=r"item 0 is function .*not Importer objects"):
        plugins.importers()


def test_the_example_plugin_declares_its_entry_point() -> None:
    import tomllib

    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["sitrep"] == {"casualty": "sitrep_casualty"}


def _pip_install(source: Path, target: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-input"]
    command += ["--disable-pip-version-check", "--target", str(target), str(source)]
    result = subprocess.run(
        [*command[:5], "--no-build-isolation", *command[5:]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:  # no setuptools here: let pip fetch it
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    return result


@pytest.mark.slow
def test_the_example_plugin_installs_and_is_found_by_its_entry_point(tmp_path: Path) -> None:
    # installed into a directory of its own, so no other test sees the plugin
    source = tmp_path / "sitrep-casualty"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("*.egg-info", "build"))
    target = tmp_path / "site"
    result = _pip_install(source, target)
    if result.returncode != 0:
        pytest.skip(f"pip could not build the example plugin here (offline?): {result.stderr}")
    script = textwrap.dedent(
        """
        from sitrep_core import Plugins
        plugins = Plugins.load()
        for info in plugins.listing():
            print(info.name, info.version, info.project, ",".join(info.hooks), info.builtin)
        print(sorted(plugins.renderers()))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(target), "SITREP_PLUGINS": "casualty"}
    env.pop("SITREP_DISABLE_PLUGIN_AUTOLOAD", None)
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert (
        "casualty 0.2.0 sitrep-casualty "
        "sitrep_event_types,sitrep_projections,sitrep_renderers,sitrep_sections,"
        "sitrep_upcasters False"
    ) in lines
    assert "casualty-csv" in lines[-1]
