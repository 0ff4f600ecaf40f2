"""The equinox mypy plugin: enable it with `plugins = ["equinox.mypy"]`.

This module only imports mypy and the plugin's own modules (no jax): mypy
loads it before checking anything.
"""

from mypy.plugin import Plugin

from ._mypy_plugin._plugin import EquinoxPlugin


def plugin(version: str) -> type[Plugin]:
    """mypy's plugin entry point: the plugin class for this mypy `version`."""
    del version  # the plugin only uses hooks present in every supported mypy
    return EquinoxPlugin
