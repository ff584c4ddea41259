"""Every hook is documented in docs/plugins.md, under a heading naming it (Datasette's check)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from sitrep_core.plugins import _hookspecs
from sitrep_core.plugins._manager import HOOK_NAMES

PLUGINS_MD = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def headings() -> dict[str, str]:
    """Each heading's text, and the Markdown under it up to the next heading."""
    text = PLUGINS_MD.read_text(encoding="utf-8")
    lines = text.splitlines()
    tokens = MarkdownIt("commonmark").parse(text)
    found: dict[str, str] = {}
    starts = [
        (token.map[0], tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.map is not None
    ]
    for (start, title), (end, _) in zip(starts, [*starts[1:], (len(lines), "")], strict=True):
        found[title] = "\n".join(lines[start + 1 : end])
    return found


def hook_sections() -> dict[str, str]:
    """The sections whose heading names a hook (``sitrep_...``), by hook name."""
    sections: dict[str, str] = {}
    for title, body in headings().items():
        for name in re.findall(r"\bsitrep_\w+", title):
            sections[name] = body
    return sections


def test_the_hooks_are_found() -> None:
    specs = [
        name
        for name, value in vars(_hookspecs).items()
        if inspect.isfunction(value) and hasattr(value, "sitrep_spec")
    ]
    assert sorted(specs) == list(HOOK_NAMES)
    assert {"sitrep_event_types", "sitrep_renderers"} <= set(HOOK_NAMES)


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_every_hook_has_a_heading_an_example_and_its_signature(hook: str) -> None:
    sections = hook_sections()
    assert hook in sections, f"docs/plugins.md has no heading naming the hook {hook}"
    body = sections[hook]
    assert "```python" in body, f"the section on {hook} has no runnable example"
    returns = inspect.signature(getattr(_hookspecs, hook)).return_annotation
    assert f"{hook}(" in body, f"the section on {hook} does not show its signature"
    kind = re.search(r"\[(?:type\[)?(\w+)", str(returns))
    assert kind is not None and kind.group(1) in body, f"{hook}: say that it returns {returns}"
    assert f"def {hook}(" in body, f"the example of {hook} does not implement it"


def test_every_hook_heading_names_a_real_hook() -> None:
    unknown = sorted(set(hook_sections()) - set(HOOK_NAMES))
    assert not unknown, f"docs/plugins.md documents hooks that do not exist: {unknown}"


def test_the_environment_variables_are_documented() -> None:
    from sitrep_core.plugins._manager import DISABLE_AUTOLOAD_ENV, PLUGINS_ENV

    text = PLUGINS_MD.read_text(encoding="utf-8")
    assert DISABLE_AUTOLOAD_ENV in text
    assert PLUGINS_ENV in text
    assert "sitrep plugins" in text
