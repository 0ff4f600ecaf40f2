"""The type-analyze hook: read `Float[Array, "b c"]` as an array type with a spec.

Under `TYPE_CHECKING` jaxtyping exports every dtype name as `typing.Annotated`,
so this hook sees all of them (and genuine `Annotated[...]`) as the unbound type
the user wrote: its name says the dtype family, its second argument holds the
shape string.
"""

from mypy.errorcodes import VALID_TYPE
from mypy.nodes import ImportFrom, MypyFile
from mypy.plugin import AnalyzeTypeContext
from mypy.typeanal import TypeAnalyser
from mypy.types import (
    AnyType,
    Instance,
    RawExpressionType,
    Type,
    TypeOfAny,
    UnboundType,
    get_proper_type,
)

from .._shape_spec import ShapeSpecError, parse_shape
from ._dtypes import FAMILIES, narrower
from ._encoding import SHAPE_CODE, ArraySpec, attach, spec_of

_ANNOTATED = "Annotated"


def analyze_annotated(ctx: AnalyzeTypeContext) -> Type:
    unbound = ctx.type
    if len(unbound.args) < 2:  # as mypy itself reports it
        ctx.api.fail(
            "Annotated[...] must have exactly one type argument and at least one"
            " annotation",
            ctx.context,
            code=VALID_TYPE,
        )
        return AnyType(TypeOfAny.from_error)
    inner = _analyze_first(ctx)
    family = _family(unbound.name, ctx)
    if family is None or len(unbound.args) != 2:
        return inner
    base = get_proper_type(inner)
    if not isinstance(base, Instance):
        return inner  # e.g. ArrayLike (a union), a placeholder: stay gradual
    spec = _spec(family, unbound.args[1], ctx)
    nested = spec_of(base)
    if nested is not None:
        spec = _nest(spec, nested)
    return attach(base, spec, ctx.api.named_type("builtins.str", []))


def _analyze_first(ctx: AnalyzeTypeContext) -> Type:
    """The first argument, analysed exactly as mypy does for `Annotated`."""
    first = ctx.type.args[0]
    if isinstance(ctx.api, TypeAnalyser):
        allow = ctx.api.allow_typed_dict_special_forms
        return ctx.api.anal_type(first, allow_typed_dict_special_forms=allow)
    return ctx.api.analyze_type(first)


def _family(name: str, ctx: AnalyzeTypeContext) -> str | None:
    """The jaxtyping dtype family `name` refers to, or None for plain Annotated."""
    head, _, last = name.rpartition(".")
    if head == "" and last not in FAMILIES and isinstance(ctx.api, TypeAnalyser):
        last = _imported_name(ctx.api.cur_mod_node, name)
    if last == _ANNOTATED:
        return None
    # Unknown names (re-exported or custom dtypes) still carry their shape.
    return last if last in FAMILIES else "Shaped"


def _imported_name(module: MypyFile, local: str) -> str:
    """`Float` for `F` after `from jaxtyping import Float as F`."""
    for imp in module.imports:
        if isinstance(imp, ImportFrom):
            for original, alias in imp.names:
                if alias == local:
                    return original
    return local


def _spec(family: str, arg: Type, ctx: AnalyzeTypeContext) -> ArraySpec:
    # mypy reads a one-word string such as "n" as a forward reference.
    if isinstance(arg, UnboundType) and arg.original_str_expr is not None:
        text = arg.original_str_expr
    elif isinstance(arg, RawExpressionType) and isinstance(arg.literal_value, str):
        text = arg.literal_value
    else:
        return ArraySpec(family, None)  # e.g. an f-string or a variable
    try:
        return ArraySpec(family, parse_shape(text))
    except ShapeSpecError as e:
        ctx.api.fail(f"Invalid jaxtyping shape: {e}", ctx.context, code=SHAPE_CODE)
        return ArraySpec(family, None)


def _nest(outer: ArraySpec, inner: ArraySpec) -> ArraySpec:
    """`Float[Float32[Array, "b"], "a"]`: dims are outer then inner."""
    dtype = narrower(outer.dtype, inner.dtype)
    if outer.shape is None or inner.shape is None:
        return ArraySpec(dtype, None)
    try:
        text = f"{outer.shape} {inner.shape}"
        return ArraySpec(dtype, parse_shape(text))
    except ShapeSpecError:
        return ArraySpec(dtype, None)
