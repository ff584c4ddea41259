"""Every hook is documented in docs/plugins.md, under a heading naming it (Datasette's check).

The hooks are those pluggy knows: the specifications registered on the manager a
``Plugins`` is built on, not a list worked out here the way the library works it out.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pluggy
import pytest
from markdown_it import MarkdownIt

import sitrep_core
from sitrep_core.plugins import HOOK_NAMES

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


def pluggy_hooks() -> dict[str, Callable[..., Any]]:
    """Each hook pluggy has a specification of, by name, with the specified function."""
    manager = sitrep_core.Plugins.load(autoload=False).manager
    return {
        name: caller.spec.function
        for name, caller in vars(manager.hook).items()
        if isinstance(caller, pluggy.HookCaller) and caller.spec is not None
    }


HOOKS = pluggy_hooks()


def test_the_hooks_pluggy_knows_are_the_ones_the_library_names() -> None:
    # the four of docs/plugins.md at least; a new hook joins them there
    assert {
        "sitrep_event_types",
        "sitrep_upcasters",
        "sitrep_projections",
        "sitrep_renderers",
    } <= set(HOOKS)
    assert list(HOOK_NAMES) == sorted(HOOKS)


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_every_hook_has_a_heading_an_example_and_its_signature(hook: str) -> None:
    sections = hook_sections()
    assert hook in sections, f"docs/plugins.md has no heading naming the hook {hook}"
    body = sections[hook]
    assert "```python" in body, f"the section on {hook} has no runnable example"
    returns = inspect.signature(HOOKS[hook]).return_annotation
    assert f"{hook}(" in body, f"the section on {hook} does not show its signature"
    kind = re.search(r"\[(?:type\[)?(\w+)", str(returns))
    assert kind is not None and kind.group(1) in body, f"{hook}: say that it returns {returns}"
    assert f"def {hook}(" in body, f"the example of {hook} does not implement it"


def test_every_hook_heading_names_a_real_hook() -> None:
    unknown = sorted(set(hook_sections()) - set(HOOKS))
    assert not unknown, f"docs/plugins.md documents hooks that do not exist: {unknown}"


def test_the_environment_variables_are_documented() -> None:
    from sitrep_core.plugins._manager import DISABLE_AUTOLOAD_ENV, PLUGINS_ENV

    text = PLUGINS_MD.read_text(encoding="utf-8")
    assert DISABLE_AUTOLOAD_ENV in text
    assert PLUGINS_ENV in text
    assert "sitrep plugins" in text
