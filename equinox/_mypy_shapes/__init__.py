"""Static dtype and shape checking of jaxtyping annotations, as a mypy plugin.

`ShapePlugin` is meant to be chained into equinox's mypy plugin (`equinox.mypy`),
which forwards each hook here. Error codes: `jaxtyping-dtype`, `jaxtyping-shape`, `jaxtyping-names`.
"""

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from mypy.nodes import CallExpr, MypyFile, RefExpr, TypeInfo
from mypy.options import Options
from mypy.plugin import (
    AnalyzeTypeContext,
    AttributeContext,
    FunctionContext,
    MethodContext,
    Plugin,
    ReportConfigContext,
)
from mypy.plugins.default import DefaultPlugin
from mypy.types import ANNOTATED_TYPE_NAMES, Type

from ._analyze import analyze_annotated
from ._bound import bind_construction
from ._calls import check_function_call, check_method_call
from ._encoding import DTYPE_CODE as DTYPE_CODE
from ._encoding import NAMES_CODE as NAMES_CODE
from ._encoding import SHAPE_CODE as SHAPE_CODE
from ._fields import field_through, may_be_field
from ._infer import infer_attribute, infer_function, infer_method
from ._postpass import (
    inject_sentinel,
    inject_sentinel_late,
    is_sentinel,
    run_sentinel,
)


def _source_hash() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), here.parent / "_shape_spec.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_SOURCE_HASH = _source_hash()
_TRANSPOSES = frozenset({"jax._src.basearray.Array.T", "jax._src.basearray.Array.mT"})
_Ctx = TypeVar("_Ctx", FunctionContext, MethodContext)


def _guarded(result: Type, infer: Callable[[Type], Type]) -> Type:
    """Inference is best effort: a bug in it must never stop mypy (the result
    then stays as checked). EQX_MYPY_PLUGIN_DEBUG=1 re-raises."""
    try:
        return infer(result)
    except Exception:
        if os.environ.get("EQX_MYPY_PLUGIN_DEBUG"):
            raise
        return result


def _function_hook(fullname: str) -> Callable[[FunctionContext], Type]:
    def hook(ctx: FunctionContext) -> Type:
        if is_sentinel(ctx):
            return run_sentinel(ctx)
        checked = _guarded(ctx.default_return_type, lambda _: check_function_call(ctx))
        if _constructs(ctx):
            return _guarded(checked, lambda r: bind_construction(ctx, r))
        return _guarded(checked, lambda r: infer_function(fullname, ctx, r))

    return hook


def _constructs(ctx: FunctionContext) -> bool:
    """A call of a class (whose instances may bind constructor dimensions)."""
    call = ctx.context
    return (
        isinstance(call, CallExpr)
        and isinstance(call.callee, RefExpr)
        and isinstance(call.callee.node, TypeInfo)
    )


def _method_hook(fullname: str) -> Callable[[MethodContext], Type]:
    def hook(ctx: MethodContext) -> Type:
        checked = _guarded(ctx.default_return_type, lambda _: check_method_call(ctx))
        return _guarded(checked, lambda r: infer_method(fullname, ctx, r))

    return hook


def _attribute_hook(ctx: AttributeContext) -> Type:
    return _guarded(ctx.default_attr_type, lambda r: infer_attribute(ctx))


def _field_hook(ctx: AttributeContext) -> Type:
    return _guarded(ctx.default_attr_type, lambda r: field_through(ctx))


def _annotated_hook(ctx: AnalyzeTypeContext) -> Type:
    inject_sentinel_late(ctx)
    return analyze_annotated(ctx)


def _after(
    builtin: Callable[[_Ctx], Type] | None, ours: Callable[[_Ctx], Type]
) -> Callable[[_Ctx], Type]:
    """Run mypy's own hook (if any) first, then ours on its result.

    mypy uses only the first plugin that offers a hook for a name, and this
    plugin offers one for every call, so it must run mypy's built-in hooks
    itself (e.g. `functools.partial`) or they would be lost.
    """
    if builtin is None:
        return ours

    def chained(ctx: _Ctx) -> Type:
        return ours(ctx._replace(default_return_type=builtin(ctx)))

    return chained


class ShapePlugin(Plugin):
    """Reads `Float[Array, "b c"]` as dtype + shape and checks them at calls,
    returns and assignments."""

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._builtin = DefaultPlugin(options)

    def get_type_analyze_hook(
        self, fullname: str
    ) -> Callable[[AnalyzeTypeContext], Type] | None:
        return _annotated_hook if fullname in ANNOTATED_TYPE_NAMES else None

    def get_function_hook(
        self, fullname: str
    ) -> Callable[[FunctionContext], Type] | None:
        builtin = self._builtin.get_function_hook(fullname)
        return _after(builtin, _function_hook(fullname))

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        return _after(self._builtin.get_method_hook(fullname), _method_hook(fullname))

    def get_attribute_hook(
        self, fullname: str
    ) -> Callable[[AttributeContext], Type] | None:
        if fullname in _TRANSPOSES:
            return _attribute_hook
        if may_be_field(fullname):
            return _field_hook
        return None

    def report_config_data(self, ctx: ReportConfigContext) -> str:
        """Cached results depend on this plugin's code: invalidate on change."""
        return _SOURCE_HASH

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        inject_sentinel(file)
        return []
