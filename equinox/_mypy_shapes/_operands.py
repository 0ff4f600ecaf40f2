"""Reading a call's arguments as the shape rules need them.

Arguments are read from the call expression (positional index or keyword),
with the types mypy already inferred for them. Anything that is not a literal
the rules understand reads as unknown (None).
"""

import dataclasses

from mypy.checker import TypeChecker
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    CallExpr,
    Expression,
    FloatExpr,
    IndexExpr,
    IntExpr,
    ListExpr,
    MemberExpr,
    NameExpr,
    StrExpr,
    TupleExpr,
    UnaryExpr,
)
from mypy.types import Instance, LiteralType, Type, get_proper_type

from ._encoding import ArraySpec, spec_of
from ._promote import (
    WEAK_BOOL,
    WEAK_COMPLEX,
    WEAK_FLOAT,
    WEAK_INT,
    family_of_dtype_name,
)
from ._rebinding import untrusted
from ._terms import Shape, terms_of
from ._unify import Term

_WEAK = {
    "builtins.int": WEAK_INT,
    "builtins.float": WEAK_FLOAT,
    "builtins.complex": WEAK_COMPLEX,
    "builtins.bool": WEAK_BOOL,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Operand:
    """An array-like value: its family and shape (None: rank unknown)."""

    dtype: str
    shape: Shape | None


def arg(call: CallExpr, pos: int | None, name: str | None) -> Expression | None:
    """The argument passed at position `pos` or as keyword `name`."""
    if pos is not None:
        plain = positional(call)
        if plain is not None and pos < len(plain):
            return plain[pos]
    for expr, kind, keyword in zip(
        call.args, call.arg_kinds, call.arg_names, strict=False
    ):
        if kind == ARG_NAMED and keyword == name:
            return expr
    return None


def positional(call: CallExpr) -> list[Expression] | None:
    """The positional arguments, or None if some are unpacked (`*args`)."""
    out: list[Expression] = []
    for expr, kind in zip(call.args, call.arg_kinds, strict=False):
        if kind == ARG_POS:
            out.append(expr)
        elif kind != ARG_NAMED:
            return None
    return out


def operand_of_type(typ: Type | None) -> Operand | None:
    """What a value of type `typ` tells: an array spec or a Python scalar."""
    spec = spec_of(typ)
    if spec is not None:
        return Operand(spec.dtype, terms_of(spec))
    proper = get_proper_type(typ) if typ is not None else None
    if isinstance(proper, LiteralType):
        proper = proper.fallback
    if isinstance(proper, Instance) and proper.type.fullname in _WEAK:
        return Operand(_WEAK[proper.type.fullname], ())
    return None


def operand(api: TypeChecker, expr: Expression | None) -> Operand | None:
    if expr is None or untrusted(api, expr):
        return None
    return operand_of_type(api.lookup_type_or_none(expr))


def int_literal(api: TypeChecker, expr: Expression | None) -> int | None:
    if isinstance(expr, IntExpr):
        return expr.value
    if (
        isinstance(expr, UnaryExpr)
        and expr.op == "-"
        and isinstance(expr.expr, IntExpr)
    ):
        return -expr.expr.value
    if expr is None:
        return None
    proper = get_proper_type(api.lookup_type_or_none(expr))
    if isinstance(proper, Instance) and proper.last_known_value is not None:
        proper = proper.last_known_value
    if isinstance(proper, LiteralType) and type(proper.value) is int:
        return proper.value
    return None


def dim_term(api: TypeChecker, expr: Expression) -> Term:
    """A size written in code: a literal, or `x.shape[i]` of a known array."""
    value = int_literal(api, expr)
    if value is not None:
        return value
    if (
        isinstance(expr, IndexExpr)
        and isinstance(expr.base, MemberExpr)
        and expr.base.name == "shape"
    ):
        index = int_literal(api, expr.index)
        shape = terms_of(spec_of(api.lookup_type_or_none(expr.base.expr)))
        if (
            index is not None
            and shape is not None
            and -len(shape) <= index < len(shape)
        ):
            return shape[index]
    return None


def shape_literal(api: TypeChecker, expr: Expression | None) -> Shape | None:
    """`(3, n)`, `[3]`, `3`, `x.shape`: a shape argument; None if unknown."""
    if expr is None:
        return None
    if isinstance(expr, TupleExpr | ListExpr):
        return tuple(dim_term(api, item) for item in expr.items)
    if isinstance(expr, MemberExpr) and expr.name == "shape":
        return terms_of(spec_of(api.lookup_type_or_none(expr.expr)))
    single = int_literal(api, expr)
    return None if single is None else (single,)


def axes_literal(api: TypeChecker, expr: Expression | None) -> tuple[int, ...] | None:
    """An `axis=` argument: one int or a tuple of ints (None if not literal)."""
    if expr is None:
        return None
    if isinstance(expr, TupleExpr | ListExpr):
        values = [int_literal(api, item) for item in expr.items]
        if any(v is None for v in values):
            return None
        return tuple(v for v in values if v is not None)
    single = int_literal(api, expr)
    return None if single is None else (single,)


def is_none(expr: Expression | None) -> bool:
    return isinstance(expr, NameExpr) and expr.fullname == "builtins.None"


def bool_literal(expr: Expression | None) -> bool | None:
    if isinstance(expr, NameExpr) and expr.fullname in (
        "builtins.True",
        "builtins.False",
    ):
        return expr.fullname == "builtins.True"
    return None


def dtype_family(expr: Expression | None) -> str | None:
    """`jnp.int32`, `"float32"`, `int`, `jnp.bool_`: the family they name.

    None when no dtype is given (or `None`); `Shaped` (any) when one is given
    that is not a literal dtype (`x.dtype`, `default_floating_dtype()`).
    """
    if expr is None or is_none(expr):
        return None
    name = None
    if isinstance(expr, StrExpr):
        name = expr.value
    elif isinstance(expr, NameExpr | MemberExpr):
        name = expr.name
    family = None if name is None else family_of_dtype_name(name)
    return "Shaped" if family is None else family


def scalar_family(expr: Expression | None) -> str | None:
    """The family of a literal Python number (`fill_value=0.0`)."""
    if isinstance(expr, IntExpr):
        return "Int"
    if isinstance(expr, FloatExpr):
        return "Float"
    if bool_literal(expr) is not None:
        return "Bool"
    return None


def with_spec(spec: ArraySpec | None) -> Operand | None:
    return None if spec is None else Operand(spec.dtype, terms_of(spec))
