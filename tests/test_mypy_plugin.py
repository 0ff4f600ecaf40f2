"""The plugin object itself: entry point, light imports, delegation to the
shape plugin (behaviour on real code is covered by typecheck/ and
tests/test_typecheck_corpus.py)."""

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mypy.options import Options
from mypy.plugin import AttributeContext, FunctionContext, Plugin, ReportConfigContext
from mypy.types import AnyType, Type, TypeOfAny

import equinox.mypy
from equinox._mypy_plugin import _plugin
from equinox._mypy_plugin._plugin import EquinoxPlugin

PACKAGE = Path(equinox.mypy.__file__).resolve().parent
ALLOWED_IMPORTS = {
    "mypy",
    "typing",
    "collections",
    "contextlib",
    "hashlib",
    "os",
    "pathlib",
    "re",
    "equinox",
}


def test_entry_point_returns_the_plugin_class() -> None:
    cls = equinox.mypy.plugin("2.4.1")
    assert cls is EquinoxPlugin
    assert issubclass(cls, Plugin)


def test_plugin_modules_import_nothing_heavy() -> None:
    files = [PACKAGE / "mypy.py", *sorted((PACKAGE / "_mypy_plugin").glob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= ALLOWED_IMPORTS, f"{path.name} imports {roots}"
            if "equinox" in roots:
                assert isinstance(node, ast.ImportFrom)
                assert node.module == "equinox._mypy_shapes", path.name


class _FakeShapes(Plugin):
    """Records hook calls; has hooks for a few names only."""

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self.calls: list[str] = []

    def get_function_hook(
        self, fullname: str
    ) -> Callable[[FunctionContext], Type] | None:
        if fullname != "pkg.shaped":
            return None

        def hook(ctx: FunctionContext) -> Type:
            self.calls.append("function")
            return ctx.default_return_type

        return hook

    def get_attribute_hook(
        self, fullname: str
    ) -> Callable[[AttributeContext], Type] | None:
        def hook(ctx: AttributeContext) -> Type:
            self.calls.append(f"attribute:{type(ctx.default_attr_type).__name__}")
            return ctx.default_attr_type

        return hook

    def report_config_data(self, ctx: ReportConfigContext) -> Any:
        return {"shapes": 1}


def _plugin_with_fake(monkeypatch: Any) -> tuple[EquinoxPlugin, _FakeShapes]:
    options = Options()
    monkeypatch.setattr(_plugin, "_load_shape_plugin", _FakeShapes)
    plugin = EquinoxPlugin(options)
    plugin.set_modules({})
    shapes = plugin._shapes
    assert isinstance(shapes, _FakeShapes)
    return plugin, shapes


def test_hooks_only_the_shape_plugin_has_are_theirs(monkeypatch: Any) -> None:
    plugin, shapes = _plugin_with_fake(monkeypatch)
    assert plugin.get_function_hook("pkg.other") is None
    hook = plugin.get_function_hook("pkg.shaped")
    assert hook is not None
    default = AnyType(TypeOfAny.special_form)
    ctx = FunctionContext([], [], [], [], default, [], None, None)  # type: ignore[arg-type]  # the hook reads default_return_type only
    assert hook(ctx) is default
    assert shapes.calls == ["function"]


def test_hooks_both_have_are_chained_ours_first(monkeypatch: Any) -> None:
    plugin, shapes = _plugin_with_fake(monkeypatch)

    def ours(ctx: AttributeContext, name: str, lookup: object) -> Type:
        shapes.calls.append(f"ours:{name}")
        return ctx.default_attr_type

    monkeypatch.setattr(_plugin, "check_assignment", ours)
    # An unknown owner class: our frozen-field hook applies (it inspects the
    # instance type itself), and so does theirs.
    hook = plugin.get_attribute_hook("unknown_module.Thing.attr")
    assert hook is not None
    default = AnyType(TypeOfAny.special_form)
    ctx = AttributeContext(default, default, False, None, None)  # type: ignore[arg-type]  # reads only what a read access needs
    assert hook(ctx) is default
    assert shapes.calls == ["ours:attr", "attribute:AnyType"]


def test_non_module_owners_get_no_hook_of_ours() -> None:
    plugin = EquinoxPlugin(Options())
    plugin._shapes = None
    plugin.set_modules({})
    # `builtins` is not loaded here, so the owner is unknown: hook kept.
    assert plugin.get_attribute_hook("builtins.int.real") is not None
    assert plugin.get_base_class_hook("builtins.object") is None
    assert plugin.get_function_signature_hook("builtins.int") is None


def test_config_data_fingerprints_both_plugins(monkeypatch: Any) -> None:
    plugin, _ = _plugin_with_fake(monkeypatch)
    data = plugin.report_config_data(ReportConfigContext("m", "m.py", False))
    assert data["shapes"] == {"shapes": 1}
    assert isinstance(data["equinox-plugin"], str) and len(data["equinox-plugin"]) == 16


def test_a_failing_hook_changes_nothing_instead_of_crashing(monkeypatch: Any) -> None:
    plugin = EquinoxPlugin(Options())
    plugin._shapes = None
    plugin.set_modules({})

    def broken(ctx: AttributeContext, name: str, lookup: object) -> Type:
        raise RuntimeError("plugin bug")

    monkeypatch.setattr(_plugin, "check_assignment", broken)
    hook = plugin.get_attribute_hook("unknown_module.Thing.attr")
    assert hook is not None
    default = AnyType(TypeOfAny.special_form)
    ctx = AttributeContext(default, default, True, None, None)  # type: ignore[arg-type]  # never read: the hook fails first
    monkeypatch.delenv("EQX_MYPY_PLUGIN_DEBUG", raising=False)
    assert hook(ctx) is default
    monkeypatch.setenv("EQX_MYPY_PLUGIN_DEBUG", "1")
    with pytest.raises(RuntimeError, match="plugin bug"):
        hook(ctx)
