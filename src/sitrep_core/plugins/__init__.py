"""Plugins: pluggy hooks for event types, upcasters, projections and renderers."""

from ._hookspecs import PROJECT, hookimpl, hookspec
from ._manager import (
    DISABLE_AUTOLOAD_ENV,
    ENTRY_POINT_GROUP,
    HOOK_NAMES,
    PLUGINS_ENV,
    PluginInfo,
    Plugins,
    render,
)

__all__ = [
    "DISABLE_AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "HOOK_NAMES",
    "PLUGINS_ENV",
    "PROJECT",
    "PluginInfo",
    "Plugins",
    "hookimpl",
    "hookspec",
    "render",
]
