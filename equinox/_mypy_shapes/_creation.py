"""Arrays made from literal shapes: `jnp.zeros((4, 3))`, `jax.random.normal`,
`jnp.arange(5)`, `jnp.asarray([[1.0, 2.0]])`, `jnp.ones_like(x)`..."""

import math

from mypy.checker import TypeChecker
from mypy.nodes import (
    CallExpr,
    Expression,
    FloatExpr,
    IntExpr,
    ListExpr,
    TupleExpr,
    UnaryExpr,
)

from ._operands import (
    Operand,
    arg,
    bool_literal,
    dtype_family,
    int_literal,
    operand,
    scalar_family,
    shape_literal,
)
from ._promote import promote_all
from ._terms import Shape

# name -> (position of `shape`, position of `dtype`, default family)
_FILLED = {
    "zeros": (0, 1, "Float"),
    "ones": (0, 1, "Float"),
    "empty": (0, 1, "Float"),
}
# jax.random samplers: name -> (position of `shape`, of `dtype`, default family)
_SAMPLERS: dict[str, tuple[int, int | None, str]] = {
    "normal": (1, 2, "Float"),
    "uniform": (1, 2, "Float"),
    "randint": (1, 4, "Int"),
    "truncated_normal": (3, 4, "Float"),
    "bernoulli": (2, None, "Bool"),
    "gumbel": (1, 2, "Float"),
    "laplace": (1, 2, "Float"),
    "logistic": (1, 2, "Float"),
    "exponential": (1, 2, "Float"),
    "cauchy": (1, 2, "Float"),
    "rademacher": (1, 2, "Int"),
    "orthogonal": (-1, None, "Float"),
}


def created(api: TypeChecker, name: str, call: CallExpr) -> Operand | None:
    if name in _FILLED:
        shape_at, dtype_at, default = _FILLED[name]
        dtype = dtype_family(arg(call, dtype_at, "dtype")) or default
        return Operand(dtype, shape_literal(api, arg(call, shape_at, "shape")))
    if name == "full":
        fill = arg(call, 1, "fill_value")
        dtype = dtype_family(arg(call, 2, "dtype")) or _value_family(api, fill)
        return Operand(dtype, shape_literal(api, arg(call, 0, "shape")))
    if name in ("zeros_like", "ones_like", "empty_like", "full_like"):
        return _like(api, name, call)
    if name in ("eye", "identity"):
        n = int_literal(api, arg(call, 0, "N" if name == "eye" else "n"))
        m = int_literal(api, arg(call, 1, "M")) if name == "eye" else None
        dtype = dtype_family(arg(call, 3 if name == "eye" else 1, "dtype")) or "Float"
        no_m = name == "identity" or arg(call, 1, "M") is None
        return Operand(dtype, (n, n if no_m else m))
    if name == "arange":
        return _arange(api, call)
    if name == "linspace":
        num = arg(call, 2, "num")
        size = 50 if num is None else int_literal(api, num)
        if bool_literal(arg(call, 4, "retstep")):
            return None
        return Operand(dtype_family(arg(call, 5, "dtype")) or "Float", (size,))
    if name in ("asarray", "array"):
        return _from_literal(api, call)
    return None


def sampled(api: TypeChecker, name: str, call: CallExpr) -> Operand | None:
    if name not in _SAMPLERS:
        return None
    shape_at, dtype_at, default = _SAMPLERS[name]
    if name == "orthogonal":  # (key, n, shape=()) -> (*shape, n, n)
        n = int_literal(api, arg(call, 1, "n"))
        batch = arg(call, 2, "shape")
        lead = () if batch is None else shape_literal(api, batch)
        return Operand("Float", None if lead is None else (*lead, n, n))
    dtype_expr = None if dtype_at is None else arg(call, dtype_at, "dtype")
    dtype = dtype_family(dtype_expr) or default
    given = arg(call, shape_at, "shape")
    if given is None:
        return Operand(
            dtype, () if name not in ("bernoulli", "truncated_normal") else None
        )
    return Operand(dtype, shape_literal(api, given))


def _value_family(api: TypeChecker, expr: Expression | None) -> str:
    literal = scalar_family(expr)
    if literal is not None:
        return literal
    value = operand(api, expr)
    return "Shaped" if value is None else promote_all([value.dtype])


def _like(api: TypeChecker, name: str, call: CallExpr) -> Operand | None:
    base = operand(api, arg(call, 0, "a" if name != "empty_like" else "prototype"))
    dtype_at = 2 if name == "full_like" else 1
    dtype = dtype_family(arg(call, dtype_at, "dtype"))
    shape_expr = arg(call, dtype_at + 1, "shape")
    if base is None:
        return None if dtype is None else Operand(dtype, None)
    shape = base.shape if shape_expr is None else shape_literal(api, shape_expr)
    return Operand(dtype or promote_all([base.dtype]), shape)


def _arange(api: TypeChecker, call: CallExpr) -> Operand | None:
    exprs = [arg(call, i, n) for i, n in enumerate(("start", "stop", "step"))]
    given = [e for e in exprs if e is not None]
    dtype = dtype_family(arg(call, 3, "dtype"))
    if any(isinstance(e, FloatExpr) for e in given):
        return Operand(dtype or "Float", None)
    values = [int_literal(api, e) for e in given]
    family = dtype or ("Int" if all(v is not None for v in values) else "Real")
    if any(v is None for v in values):
        return Operand(family, (None,))
    ints = [v for v in values if v is not None]
    start, stop, step = (0, ints[0], 1) if len(ints) == 1 else (*ints, 1)[:3]
    if step == 0:
        return Operand(family, (None,))
    return Operand(family, (max(0, math.ceil((stop - start) / step)),))


def _nested(expr: Expression) -> tuple[Shape, str] | None:
    """Shape and family of a nested list/tuple of number literals."""
    if isinstance(expr, ListExpr | TupleExpr):
        if not expr.items:
            return (0,), "Float"
        inner = [_nested(item) for item in expr.items]
        if any(i is None for i in inner):
            return None
        shapes = {i[0] for i in inner if i is not None}
        if len(shapes) != 1:
            return None  # ragged: jnp would reject it, not our business here
        families = [i[1] for i in inner if i is not None]
        return (len(expr.items), *shapes.pop()), promote_all(families)
    if isinstance(expr, UnaryExpr) and expr.op == "-":
        expr = expr.expr
    family = scalar_family(expr)
    if family is None and isinstance(expr, IntExpr | FloatExpr):
        family = "Float"
    return None if family is None else ((), family)


def _from_literal(api: TypeChecker, call: CallExpr) -> Operand | None:
    value = arg(call, 0, "a") or arg(call, None, "object")
    dtype = dtype_family(arg(call, 1, "dtype"))
    if value is None:
        return None
    nested = _nested(value)
    if nested is not None:
        return Operand(dtype or nested[1], nested[0])
    known = operand(api, value)
    if known is None or (known.dtype.startswith("weak:") and known.shape != ()):
        return None if dtype is None else Operand(dtype, None)
    return Operand(dtype or promote_all([known.dtype]), known.shape)
