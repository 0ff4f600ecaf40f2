"""Inference of result shapes for jax.numpy, jax.nn, jax.random and `jax.Array`
methods, run from the function, method and attribute hooks.

A handler reads the call's arguments (`_operands.py`) and returns an `Operand`
(family + shape, shape None when unknown) or None when nothing is known; the
result type mypy inferred then carries it. An operation that cannot succeed is
reported with the code its `ShapeError` names, and its result stays unknown.
"""

from collections.abc import Callable

from mypy.checker import TypeChecker
from mypy.nodes import (
    CallExpr,
    Context,
    Expression,
    IndexExpr,
    ListExpr,
    MemberExpr,
    OpExpr,
    StrExpr,
    TupleExpr,
)
from mypy.plugin import AttributeContext, FunctionContext, MethodContext
from mypy.types import Instance, Type, get_proper_type

from . import _elementwise as ew
from . import _shape_ops as ops
from ._broadcast import ShapeError, broadcast, equal_dims, matmul
from ._creation import created, sampled
from ._einsum import einsum
from ._encoding import attach, spec_of
from ._indexing import index
from ._operands import (
    Operand,
    arg,
    axes_literal,
    bool_literal,
    dim_term,
    dtype_family,
    int_literal,
    is_none,
    operand,
    operand_of_type,
    positional,
    shape_literal,
)
from ._promote import inexact, promote_all, summed
from ._rebinding import untrusted
from ._report import fail
from ._scope import distinct_names
from ._split import SPLITS, part_at, split_result
from ._terms import Shape, spec_from
from ._transformed import strip_specs
from ._unify import Term

_Handler = Callable[[TypeChecker, CallExpr, frozenset[str]], Operand | None]

_NUMPY = ("jax.numpy.", "jax._src.numpy.")
_NN = ("jax.nn.", "jax._src.nn.")
_RANDOM = ("jax.random.", "jax._src.random.")
_ARRAY = "jax._src.basearray.Array"
_LIST_GETITEM = "builtins.list.__getitem__"
_UFUNC_CALL = (
    "jax.numpy.BinaryUfunc.__call__",
    "jax._src.numpy.ufunc_api.ufunc.__call__",
)


def _same(family: str) -> str:
    return family


def _to(result: str) -> Callable[[str], str]:
    def family_of(family: str) -> str:
        del family
        return result

    return family_of


_REDUCTIONS: dict[str, Callable[[str], str]] = {
    "sum": summed,
    "prod": summed,
    "nansum": summed,
    "cumsum": summed,
    "cumprod": summed,
    "mean": inexact,
    "nanmean": inexact,
    "std": inexact,
    "var": inexact,
    "median": inexact,
    "logsumexp": inexact,
    "norm": inexact,
    "max": _same,
    "min": _same,
    "amax": _same,
    "amin": _same,
    "nanmax": _same,
    "nanmin": _same,
    "ptp": _same,
    "any": _to("Bool"),
    "all": _to("Bool"),
    "argmax": _to("Int"),
    "argmin": _to("Int"),
}


def _unknown_to_none(fn: Callable[[], Shape | None]) -> Shape | None:
    try:
        return fn()
    except ops.Unknown:
        return None


# -- shared rules (functions take the array first, methods have it as self) ---


def _reduce(
    name: str,
    x: Operand,
    api: TypeChecker,
    axis: Expression | None,
    keep: Expression | None,
) -> Operand:
    family = _REDUCTIONS[name](x.dtype)
    if x.shape is None:
        return Operand(family, None)
    axes = None if axis is None or _is_none(axis) else axes_literal(api, axis)
    if axes is None and axis is not None and not _is_none(axis):
        return Operand(family, None)
    if name in ("cumsum", "cumprod"):
        return Operand(family, x.shape if axes is not None else (_flat(x.shape),))
    if name in ("argmax", "argmin") and axes is not None and len(axes) > 1:
        return Operand(family, None)
    if name == "norm" and axes is None:
        return Operand(family, ())
    keepdims = bool_literal(keep)
    if keep is not None and keepdims is None:
        return Operand(family, None)
    return Operand(family, ops.reduce(x.shape, axes, bool(keepdims)))


def _flat(shape: Shape) -> int | None:
    size = 1
    for d in shape:
        if not isinstance(d, int):
            return None
        size *= d
    return size


def _is_none(expr: Expression) -> bool:
    return is_none(expr)


def _reshape(x: Operand, new: Shape | None) -> Operand:
    if new is None:
        return Operand(x.dtype, None)
    return Operand(x.dtype, ops.reshape(x.shape, new))


def _sequence(api: TypeChecker, expr: Expression | None) -> list[Operand] | None:
    if not isinstance(expr, ListExpr | TupleExpr) or not expr.items:
        return None
    items = [operand(api, item) for item in expr.items]
    if any(i is None for i in items):
        return None
    return [i for i in items if i is not None]


def _join(
    name: str, api: TypeChecker, call: CallExpr, distinct: frozenset[str]
) -> Operand | None:
    arrays = _sequence(api, arg(call, 0, "arrays"))
    if arrays is None:
        return None

    family = promote_all([a.dtype for a in arrays])
    shapes = [a.shape for a in arrays]
    if any(s is None for s in shapes):
        return Operand(family, None)
    known = [s for s in shapes if s is not None]
    axis_expr = arg(call, 1, "axis")
    if name == "concatenate":
        axis: int | None = 0 if axis_expr is None else int_literal(api, axis_expr)
        if axis is None and not (axis_expr is not None and _is_none(axis_expr)):
            return Operand(family, None)
        return Operand(family, ops.concatenate(known, axis, distinct))
    stack_axis = 0 if axis_expr is None else int_literal(api, axis_expr)
    if stack_axis is None:
        return Operand(family, None)
    return Operand(family, ops.stack(known, stack_axis, distinct))


def _matmul(
    a: Operand, b: Operand, distinct: frozenset[str], dot: bool = False
) -> Operand:

    family = promote_all([a.dtype, b.dtype])
    if a.shape is None or b.shape is None:
        return Operand(family, None)
    if dot and (a.shape == () or b.shape == ()):
        return ew.binary("multiply", [a, b], distinct)
    if dot and len(b.shape) > 2:
        equal_dims(a.shape[-1], b.shape[-2], distinct, "contracting in dot")
        return Operand(family, (*a.shape[:-1], *b.shape[:-2], b.shape[-1]))
    return Operand(family, matmul(a.shape, b.shape, distinct))


# -- jax.numpy / jax.nn / jax.random functions ---------------------------------


def _numpy(
    name: str, api: TypeChecker, call: CallExpr, distinct: frozenset[str]
) -> Operand | None:
    made = created(api, name, call)
    if made is not None or name in (
        "zeros",
        "ones",
        "empty",
        "full",
        "eye",
        "arange",
        "linspace",
        "asarray",
        "array",
    ):
        return made
    args = positional(call)
    if name in ew.KEEP | ew.INEXACT | ew.BOOL:
        x = operand(api, arg(call, 0, "x"))
        if x is None:
            return None
        return ew.unary(name, x)
    if name in ew.ARITHMETIC | ew.INEXACT_BINARY | ew.COMPARISONS:
        if args is None or len(args) != 2:
            return None
        pair = [operand(api, e) for e in args]
        if pair[0] is None or pair[1] is None:
            return None
        return ew.binary(name, [pair[0], pair[1]], distinct)
    if name == "where":
        if args is None or len(args) != 3:
            return None
        three = [operand(api, e) for e in args]
        if any(o is None for o in three):
            return None
        cond, when, otherwise = (o for o in three if o is not None)
        values = ew.binary("add", [when, otherwise], distinct)
        if cond.shape is None or values.shape is None:
            return Operand(values.dtype, None)

        return Operand(values.dtype, broadcast([cond.shape, values.shape], distinct))
    if name in _REDUCTIONS:
        x = operand(api, arg(call, 0, "a" if name != "norm" else "x"))
        if x is None:
            return None
        return _reduce(name, x, api, arg(call, 1, "axis"), arg(call, None, "keepdims"))
    x = operand(api, arg(call, 0, "a"))
    if name in ("matmul", "dot", "outer", "inner", "vdot"):
        y = operand(api, arg(call, 1, "b"))
        if x is None or y is None:
            return None
        if name == "outer":
            flat = [None if o.shape is None else (_flat(o.shape),) for o in (x, y)]
            a0, b0 = flat

            return Operand(
                promote_all([x.dtype, y.dtype]),
                None if a0 is None or b0 is None else (*a0, *b0),
            )
        if name in ("inner", "vdot"):
            return None
        return _matmul(x, y, distinct, dot=name == "dot")
    if name == "einsum":
        return _einsum(api, call, distinct)
    if name in ("concatenate", "stack"):
        return _join(name, api, call, distinct)
    if x is None:
        return None
    return _structural(name, x, api, call, distinct, offset=1)


def _einsum(
    api: TypeChecker, call: CallExpr, distinct: frozenset[str]
) -> Operand | None:
    args = positional(call)
    if not args or not isinstance(args[0], StrExpr):
        return None
    operands = [operand(api, e) for e in args[1:]]
    if not operands or any(o is None for o in operands):
        return None
    known = [o for o in operands if o is not None]

    family = promote_all([o.dtype for o in known])
    shapes = [o.shape for o in known]
    if any(s is None for s in shapes):
        return Operand(family, None)
    return Operand(
        family, einsum(args[0].value, [s for s in shapes if s is not None], distinct)
    )


def _structural(
    name: str,
    x: Operand,
    api: TypeChecker,
    call: CallExpr,
    distinct: frozenset[str],
    offset: int,
) -> Operand | None:
    """Shape functions, with the array first (`offset=1`) or as self (0)."""
    del distinct
    shape = x.shape

    def at(i: int, keyword: str) -> Expression | None:
        return arg(call, i + offset, keyword)

    if name in ("ravel", "flatten"):
        return Operand(x.dtype, None if shape is None else (_flat(shape),))
    if name == "astype":
        family = dtype_family(at(0, "dtype"))
        return None if family is None else Operand(family, shape)
    if name == "reshape":
        if offset == 0:
            args = positional(call)
            if args is not None and len(args) > 1:
                return _reshape(x, tuple(_dims(api, args)))
        return _reshape(x, shape_literal(api, at(0, "shape")))
    if shape is None:
        return Operand(x.dtype, None)
    if name == "transpose":
        if offset == 0:
            args = positional(call)
            if args is not None and len(args) > 1:
                axes = tuple(int_literal(api, a) for a in args)
                if any(a is None for a in axes):
                    return Operand(x.dtype, None)
                return Operand(
                    x.dtype,
                    ops.transpose(shape, tuple(a for a in axes if a is not None)),
                )
        given = at(0, "axes")
        if given is None or _is_none(given):
            return Operand(x.dtype, ops.transpose(shape, None))
        literal = axes_literal(api, given)
        return Operand(
            x.dtype, None if literal is None else ops.transpose(shape, literal)
        )
    if name == "squeeze":
        given = at(0, "axis")
        literal = None if given is None or _is_none(given) else axes_literal(api, given)
        if literal is None and given is not None and not _is_none(given):
            return Operand(x.dtype, None)
        return Operand(x.dtype, _unknown_to_none(lambda: ops.squeeze(shape, literal)))
    if name == "expand_dims":
        literal = axes_literal(api, at(0, "axis"))
        return Operand(
            x.dtype, None if literal is None else ops.expand_dims(shape, literal)
        )
    if name in ("swapaxes", "moveaxis"):
        a, b = int_literal(api, at(0, "axis1")), int_literal(api, at(1, "axis2"))
        if name == "moveaxis":
            a, b = (
                int_literal(api, at(0, "source")),
                int_literal(api, at(1, "destination")),
            )
        if a is None or b is None:
            return Operand(x.dtype, None)
        rule = ops.swapaxes if name == "swapaxes" else ops.moveaxis
        return Operand(x.dtype, rule(shape, a, b))
    if name in _REDUCTIONS:
        return _reduce(name, x, api, at(0, "axis"), arg(call, None, "keepdims"))
    if name in ("clip", "round", "conj", "copy", "block_until_ready"):
        return x
    return None


def _dims(api: TypeChecker, args: list[Expression]) -> list[Term]:
    return [dim_term(api, a) for a in args]


def _nn(
    name: str, api: TypeChecker, call: CallExpr, distinct: frozenset[str]
) -> Operand | None:
    x = operand(api, arg(call, 0, "x"))
    if name == "one_hot":
        classes = int_literal(api, arg(call, 1, "num_classes"))
        family = dtype_family(arg(call, None, "dtype")) or "Float"
        if x is None or x.shape is None:
            return Operand(family, None)
        return Operand(family, (*x.shape, classes))
    if name == "logsumexp":
        a = operand(api, arg(call, 0, "a"))
        return (
            None
            if a is None
            else _reduce(
                name, a, api, arg(call, 1, "axis"), arg(call, None, "keepdims")
            )
        )
    if x is None or name not in ew.INEXACT:
        return None
    return ew.unary(name, x)


def _dispatch(
    fullname: str,
) -> Callable[[TypeChecker, CallExpr, frozenset[str]], Operand | None] | None:
    head, _, name = fullname.rpartition(".")
    prefix = head + "."
    if prefix.startswith(_NUMPY):
        if "linalg" in head and name != "norm":
            return None
        return lambda api, call, d: _numpy(name, api, call, d)
    if prefix.startswith(_NN):
        return lambda api, call, d: _nn(name, api, call, d)
    if prefix.startswith(_RANDOM):
        return lambda api, call, d: sampled(api, name, call)
    return None


def _report(api: TypeChecker, what: str, error: ShapeError, context: Context) -> None:
    fail(api, f"{what}: {error}", context, error.code)


def _with(result: Type, found: Operand | None, api: TypeChecker) -> Type:
    proper = get_proper_type(result)
    if (
        found is None
        or not isinstance(proper, Instance)
        or found.dtype.startswith("weak:")
    ):
        return result
    if proper.type.fullname != _ARRAY:
        return result
    return attach(
        proper, spec_from(found.dtype, found.shape), api.named_type("builtins.str")
    )


def infer_function(fullname: str, ctx: FunctionContext, result: Type) -> Type:
    api = ctx.api
    if not isinstance(api, TypeChecker) or not isinstance(ctx.context, CallExpr):
        return result
    if spec_of(result) is not None:
        return result
    head, _, name = fullname.rpartition(".")
    if name in SPLITS and (head + ".").startswith(_NUMPY):
        return split_result(name, api, ctx.context, result)
    handler = _dispatch(fullname)
    if handler is None:
        return result
    call = ctx.context
    try:
        found = handler(api, call, distinct_names(api))
    except ShapeError as e:
        _report(api, f'"{_label(fullname)}"', e, call)
        return result
    return _with(result, found, api)


def _label(fullname: str) -> str:
    head, _, name = fullname.rpartition(".")
    for prefix, short in (
        ("jax.numpy", "jnp"),
        ("jax._src.numpy", "jnp"),
        ("jax.nn", "jax.nn"),
        ("jax._src.nn", "jax.nn"),
    ):
        if head.startswith(prefix):
            return f"{short}.{name}"
    return name


def infer_method(fullname: str, ctx: MethodContext, result: Type) -> Type:
    api = ctx.api
    if not isinstance(api, TypeChecker):
        return result
    if fullname == _LIST_GETITEM:
        # A rebound list may show an earlier value's item shape.
        if _stale_receiver(api, ctx.context):
            return strip_specs(result)
        return part_at(ctx, result)
    if spec_of(result) is not None:
        return result
    owner, _, name = fullname.rpartition(".")
    if fullname in _UFUNC_CALL:
        call = ctx.context
        if isinstance(call, CallExpr) and isinstance(call.callee, MemberExpr):
            return infer_function(
                "jax.numpy." + call.callee.name, ctx_as_function(ctx), result
            )
        return result
    if owner != _ARRAY or _stale_receiver(api, ctx.context):
        return result
    self_op = operand_of_type(ctx.type)
    if self_op is None:
        return result
    distinct = distinct_names(api)
    try:
        found = _method(name, self_op, ctx, api, distinct)
    except ShapeError as e:
        _report(api, _method_label(name), e, ctx.context)
        return result
    return _with(result, found, api)


def _stale_receiver(api: TypeChecker, context: Context) -> bool:
    """Whether an operand of this operator/method call has a stale shape."""
    if isinstance(context, OpExpr):
        return untrusted(api, context.left) or untrusted(api, context.right)
    if isinstance(context, IndexExpr):
        return untrusted(api, context.base)
    if isinstance(context, CallExpr) and isinstance(context.callee, MemberExpr):
        return untrusted(api, context.callee.expr)
    return False


def ctx_as_function(ctx: MethodContext) -> FunctionContext:
    return FunctionContext(
        arg_types=ctx.arg_types,
        arg_kinds=ctx.arg_kinds,
        callee_arg_names=ctx.callee_arg_names,
        arg_names=ctx.arg_names,
        default_return_type=ctx.default_return_type,
        args=ctx.args,
        context=ctx.context,
        api=ctx.api,
    )


def _method_label(name: str) -> str:
    dunder = name.strip("_")
    if dunder.startswith("r") and dunder[1:] in ew.OPERATORS:
        dunder = dunder[1:]
    if dunder in ew.OPERATORS:
        return f'Operands of "{ew.SYMBOLS[ew.OPERATORS[dunder]]}"'
    if dunder in ("matmul", "rmatmul"):
        return 'Operands of "@"'
    if dunder == "getitem":
        return "Indexing"
    return f'"{name}"'


def _other(ctx: MethodContext) -> Operand | None:
    if not ctx.arg_types or not ctx.arg_types[0]:
        return None
    return operand_of_type(ctx.arg_types[0][0])


def _method(
    name: str,
    x: Operand,
    ctx: MethodContext,
    api: TypeChecker,
    distinct: frozenset[str],
) -> Operand | None:
    if name.startswith("__") and name.endswith("__"):
        dunder = name[2:-2]
        reflected = dunder.startswith("r") and dunder[1:] in ew.OPERATORS | {
            "matmul": ""
        }
        base = dunder[1:] if reflected else dunder
        if base in ew.OPERATORS:
            other = _other(ctx)
            if other is None:
                return None
            pair = [other, x] if reflected else [x, other]
            return ew.binary(ew.OPERATORS[base], pair, distinct)
        if base == "matmul":
            other = _other(ctx)
            if other is None:
                return None
            return (
                _matmul(other, x, distinct)
                if reflected
                else _matmul(x, other, distinct)
            )
        if dunder in ("neg", "pos", "abs", "invert"):
            return x
        if dunder == "getitem" and x.shape is not None and ctx.args and ctx.args[0]:
            return Operand(x.dtype, index(api, x.shape, ctx.args[0][0]))
        return None
    call = ctx.context
    if not isinstance(call, CallExpr):
        return None
    return _structural(name, x, api, call, distinct, offset=0)


def infer_attribute(ctx: AttributeContext) -> Type:
    """`x.T` and `x.mT` of an array with a known shape."""
    x = operand_of_type(ctx.type)
    api = ctx.api
    if x is None or x.shape is None or not isinstance(api, TypeChecker):
        return ctx.default_attr_type
    if isinstance(ctx.context, MemberExpr) and untrusted(api, ctx.context.expr):
        return ctx.default_attr_type
    name = getattr(ctx.context, "name", "")
    if name == "T":
        return _with(ctx.default_attr_type, Operand(x.dtype, x.shape[::-1]), api)
    if name == "mT" and len(x.shape) >= 2:
        shape = (*x.shape[:-2], x.shape[-1], x.shape[-2])
        return _with(ctx.default_attr_type, Operand(x.dtype, shape), api)
    return ctx.default_attr_type
