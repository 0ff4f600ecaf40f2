"""Static dtype and shape checking of jaxtyping annotations, as a mypy plugin.

`ShapePlugin` is meant to be chained into equinox's mypy plugin (`equinox.mypy`),
which forwards each hook here. Error codes: `jaxtyping-dtype`, `jaxtyping-shape`.
"""

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from mypy.nodes import MypyFile
from mypy.options import Options
from mypy.plugin import (
    AnalyzeTypeContext,
    FunctionContext,
    MethodContext,
    Plugin,
    ReportConfigContext,
)
from mypy.plugins.default import DefaultPlugin
from mypy.types import ANNOTATED_TYPE_NAMES, Type

from ._analyze import analyze_annotated
from ._calls import check_function_call, check_method_call
from ._encoding import DTYPE_CODE as DTYPE_CODE
from ._encoding import SHAPE_CODE as SHAPE_CODE
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
_Ctx = TypeVar("_Ctx", FunctionContext, MethodContext)


def _function_hook(ctx: FunctionContext) -> Type:
    if is_sentinel(ctx):
        return run_sentinel(ctx)
    return check_function_call(ctx)


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
        return _after(self._builtin.get_function_hook(fullname), _function_hook)

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        return _after(self._builtin.get_method_hook(fullname), check_method_call)

    def report_config_data(self, ctx: ReportConfigContext) -> str:
        """Cached results depend on this plugin's code: invalidate on change."""
        return _SOURCE_HASH

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        inject_sentinel(file)
        return []
