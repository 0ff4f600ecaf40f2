"""The plugin class: Module semantics here, shape checking delegated.

Every hook first asks the equinox logic, then the shape plugin
(`equinox._mypy_shapes.ShapePlugin`, optional): when only one of them has a
hook it is used as is; when both have one they are chained (ours first, then
theirs on our result).
"""

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any, TypeVar

from mypy.nodes import MypyFile, PlaceholderNode, SymbolTableNode, TypeInfo
from mypy.options import Options
from mypy.plugin import (
    AnalyzeTypeContext,
    AttributeContext,
    ClassDefContext,
    DynamicClassDefContext,
    FunctionContext,
    FunctionSigContext,
    MethodContext,
    MethodSigContext,
    Plugin,
    ReportConfigContext,
)
from mypy.types import FunctionLike, Type

from ._construct import module_call_signature
from ._enumeration import (
    analyze_enumeration_class,
    analyze_enumeration_type,
    enumeration_instance,
    is_enumeration_info,
    member_type,
)
from ._frozen import check_assignment
from ._semanal import analyze_module_class, is_module_info

_Ctx = TypeVar("_Ctx")
_R = TypeVar("_R")


# `from .._name import ...` in a plugin package: a sibling module it uses.
_SIBLING_IMPORT = re.compile(r"^\s*from \.\.(\w+) import", re.MULTILINE)


def _source_digest() -> str:
    """Hash of the plugin's own sources, the shape plugin's, and the equinox
    modules they import. mypy only fingerprints the entry module
    `equinox/mypy.py`; reporting this as config data makes any change to the
    implementation invalidate cached results."""
    package = Path(__file__).resolve().parent
    sources: set[Path] = set()
    for folder in (package, package.parent / "_mypy_shapes"):
        for source in folder.glob("*.py"):
            sources.add(source)
            for name in _SIBLING_IMPORT.findall(source.read_text()):
                sibling = package.parent / f"{name}.py"
                if sibling.is_file():
                    sources.add(sibling)
    digest = hashlib.sha256()
    for source in sorted(sources):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _guard() -> Generator[None]:
    """A bug in the plugin must not become a mypy INTERNAL ERROR for users:
    the hook then changes nothing. EQX_MYPY_PLUGIN_DEBUG=1 re-raises."""
    try:
        yield
    except Exception:
        if os.environ.get("EQX_MYPY_PLUGIN_DEBUG"):
            raise


def _load_shape_plugin(options: Options) -> Plugin | None:
    try:
        from equinox._mypy_shapes import ShapePlugin  # type: ignore[attr-defined,unused-ignore]  # written concurrently; optional
    except ImportError:
        return None
    shapes: Plugin = ShapePlugin(options)
    return shapes


def _chain_type_hooks(
    first: Callable[[Any], Type], second: Callable[[Any], Type], field: str
) -> Callable[[Any], Type]:
    """Run `first`, then `second` with its result as the default."""

    def chained(ctx: Any) -> Type:
        return second(ctx._replace(**{field: first(ctx)}))

    return chained


def _chain_signature_hooks(
    first: Callable[[Any], FunctionLike], second: Callable[[Any], FunctionLike]
) -> Callable[[Any], FunctionLike]:
    def chained(ctx: Any) -> FunctionLike:
        signature = first(ctx)
        if not isinstance(signature, type(ctx.default_signature)):
            return signature  # an overload cannot be fed back as a default
        return second(ctx._replace(default_signature=signature))

    return chained


def _chain_class_hooks(
    first: Callable[[_Ctx], None], second: Callable[[_Ctx], None]
) -> Callable[[_Ctx], None]:
    def chained(ctx: _Ctx) -> None:
        first(ctx)
        second(ctx)

    return chained


def _pick(mine: _R | None, theirs: _R | None) -> _R | None:
    return theirs if mine is None else mine


class EquinoxPlugin(Plugin):
    """mypy plugin for equinox Modules (see the package README)."""

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._shapes = _load_shape_plugin(options)
        self._digest = _source_digest()
        # fullname -> Module TypeInfo (or None), per run.
        self._module_infos: dict[str, TypeInfo | None] = {}
        # class fullname -> is it a Module class, for attribute lookups.
        self._attribute_owners: dict[str, bool] = {}
        # class fullname -> is it an Enumeration class, for member lookups.
        self._enumeration_owners: dict[str, bool] = {}

    def set_modules(self, modules: dict[str, MypyFile]) -> None:
        super().set_modules(modules)
        self._module_infos.clear()
        self._attribute_owners.clear()
        self._enumeration_owners.clear()
        if self._shapes is not None:
            self._shapes.set_modules(modules)

    # -- helpers -----------------------------------------------------------

    def _lookup(self, fullname: str) -> SymbolTableNode | None:
        try:
            return self.lookup_fully_qualified(fullname)
        except Exception:  # a malformed name is "not found", never a crash
            return None

    def _module_info(self, fullname: str) -> TypeInfo | None:
        """The TypeInfo of `fullname` when it is a Module class."""
        if fullname in self._module_infos:
            return self._module_infos[fullname]
        sym = self._lookup(fullname)
        node = sym.node if sym is not None else None
        info = node if isinstance(node, TypeInfo) and is_module_info(node) else None
        # Only cache positive answers: a class may not be analysed yet.
        if info is not None:
            self._module_infos[fullname] = info
        return info

    # -- our hooks -----------------------------------------------------------

    def _is_enumeration(self, fullname: str) -> bool | None:
        """Whether class `fullname` is an Enumeration; None when not known
        yet (a class local to a function, or not analysed yet: a placeholder
        during semantic analysis, which is never cached)."""
        known = self._enumeration_owners.get(fullname)
        if known is None:
            sym = self._lookup(fullname)
            node = sym.node if sym is not None else None
            if node is None or isinstance(node, PlaceholderNode):
                return None
            if isinstance(node, TypeInfo) and not node.mro:
                return None  # bases not analysed yet
            known = isinstance(node, TypeInfo) and is_enumeration_info(node)
            self._enumeration_owners[fullname] = known
        return known

    def _base_class_hook(
        self, fullname: str
    ) -> Callable[[ClassDefContext], None] | None:
        if self._module_info(fullname) is None:
            if not self._is_enumeration(fullname):
                return None

            def enumeration_hook(ctx: ClassDefContext) -> None:
                with _guard():
                    analyze_enumeration_class(ctx)

            return enumeration_hook

        def hook(ctx: ClassDefContext) -> None:
            with _guard():
                analyze_module_class(ctx)

        return hook

    def _member_hook(
        self, fullname: str, *, through_class: bool
    ) -> Callable[[AttributeContext], Type] | None:
        """Enumeration members read through a class or an instance."""
        owner, _, name = fullname.rpartition(".")
        if name.startswith("_") or self._is_enumeration(owner) is False:
            return None

        def hook(ctx: AttributeContext) -> Type:
            with _guard():
                return member_type(ctx, name, through_class=through_class)
            return ctx.default_attr_type

        return hook

    def _function_signature_hook(
        self, fullname: str
    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        info = self._module_info(fullname)
        if info is None:
            return None

        def hook(ctx: FunctionSigContext) -> FunctionLike:
            with _guard():
                return module_call_signature(ctx, info, self._lookup)
            return ctx.default_signature

        return hook

    def _attribute_hook(
        self, fullname: str
    ) -> Callable[[AttributeContext], Type] | None:
        owner, _, name = fullname.rpartition(".")
        known = self._attribute_owners.get(owner)
        if known is None:
            sym = self._lookup(owner)
            if sym is not None and sym.node is not None:
                node = sym.node
                known = isinstance(node, TypeInfo) and is_module_info(node)
                self._attribute_owners[owner] = known
        if known is False:
            return None
        # Unknown owners (e.g. classes local to a function) are checked from
        # the instance type inside the hook.

        def hook(ctx: AttributeContext) -> Type:
            with _guard():
                return check_assignment(ctx, name, self._lookup)
            return ctx.default_attr_type

        return hook

    # -- mypy's interface: ours chained with the shape plugin's ---------------

    def get_base_class_hook(
        self, fullname: str
    ) -> Callable[[ClassDefContext], None] | None:
        mine = self._base_class_hook(fullname)
        theirs = self._shapes.get_base_class_hook(fullname) if self._shapes else None
        if mine is not None and theirs is not None:
            return _chain_class_hooks(mine, theirs)
        return _pick(mine, theirs)

    def get_function_signature_hook(
        self, fullname: str
    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        mine = self._function_signature_hook(fullname)
        theirs = (
            self._shapes.get_function_signature_hook(fullname) if self._shapes else None
        )
        if mine is not None and theirs is not None:
            return _chain_signature_hooks(mine, theirs)
        return _pick(mine, theirs)

    def get_attribute_hook(
        self, fullname: str
    ) -> Callable[[AttributeContext], Type] | None:
        mine = self._attribute_hook(fullname)
        members = self._member_hook(fullname, through_class=False)
        if mine is not None and members is not None:
            mine = _chain_type_hooks(members, mine, "default_attr_type")
        mine = _pick(mine, members)
        theirs = self._shapes.get_attribute_hook(fullname) if self._shapes else None
        if mine is not None and theirs is not None:
            return _chain_type_hooks(mine, theirs, "default_attr_type")
        return _pick(mine, theirs)

    def get_type_analyze_hook(
        self, fullname: str
    ) -> Callable[[AnalyzeTypeContext], Type] | None:
        # Type analysis cannot be chained (the hook turns an unbound type into
        # an analysed one): ours covers Enumeration classes only, theirs the
        # array annotations.
        sym = self._lookup(fullname) if self._is_enumeration(fullname) else None
        if sym is not None and isinstance(sym.node, TypeInfo):
            info = sym.node

            def hook(ctx: AnalyzeTypeContext) -> Type:
                with _guard():
                    return analyze_enumeration_type(ctx, info)
                return enumeration_instance(info, ctx)

            return hook
        return self._shapes.get_type_analyze_hook(fullname) if self._shapes else None

    def get_function_hook(
        self, fullname: str
    ) -> Callable[[FunctionContext], Type] | None:
        return self._shapes.get_function_hook(fullname) if self._shapes else None

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        return self._shapes.get_method_hook(fullname) if self._shapes else None

    def get_method_signature_hook(
        self, fullname: str
    ) -> Callable[[MethodSigContext], FunctionLike] | None:
        return (
            self._shapes.get_method_signature_hook(fullname) if self._shapes else None
        )

    def get_class_attribute_hook(
        self, fullname: str
    ) -> Callable[[AttributeContext], Type] | None:
        mine = self._member_hook(fullname, through_class=True)
        theirs = (
            self._shapes.get_class_attribute_hook(fullname) if self._shapes else None
        )
        if mine is not None and theirs is not None:
            return _chain_type_hooks(mine, theirs, "default_attr_type")
        return _pick(mine, theirs)

    def get_class_decorator_hook(
        self, fullname: str
    ) -> Callable[[ClassDefContext], None] | None:
        return self._shapes.get_class_decorator_hook(fullname) if self._shapes else None

    def get_class_decorator_hook_2(
        self, fullname: str
    ) -> Callable[[ClassDefContext], bool] | None:
        return (
            self._shapes.get_class_decorator_hook_2(fullname) if self._shapes else None
        )

    def get_metaclass_hook(
        self, fullname: str
    ) -> Callable[[ClassDefContext], None] | None:
        return self._shapes.get_metaclass_hook(fullname) if self._shapes else None

    def get_customize_class_mro_hook(
        self, fullname: str
    ) -> Callable[[ClassDefContext], None] | None:
        return (
            self._shapes.get_customize_class_mro_hook(fullname)
            if self._shapes
            else None
        )

    def get_dynamic_class_hook(
        self, fullname: str
    ) -> Callable[[DynamicClassDefContext], None] | None:
        return self._shapes.get_dynamic_class_hook(fullname) if self._shapes else None

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        return self._shapes.get_additional_deps(file) if self._shapes else []

    def get_additional_indirect_deps(self, file: MypyFile) -> set[str]:
        return (
            self._shapes.get_additional_indirect_deps(file) if self._shapes else set()
        )

    def report_config_data(self, ctx: ReportConfigContext) -> Any:
        theirs = self._shapes.report_config_data(ctx) if self._shapes else None
        return {"equinox-plugin": self._digest, "shapes": theirs}
