"""Constructor-bound dimensions: `eqx.nn.Linear(3, 4, key=k)` takes `f32[3]`.

Rule (shared with the run-time checker): a dimension name used in a class's
`__call__` annotations that is also the name of an `__init__` parameter (or
maps to one, `_ALIASES`) is bound by a construction that passes that
parameter a literal int (`n`), or for a variadic name `*n` a literal int or
tuple of ints. The bindings ride on the instance type (`extra_attrs`, kept in
mypy's cache) and seed the memo of every call of that instance.
`Sequential([...])` of such layers checks that consecutive sizes chain.
"""

from mypy.checker import TypeChecker
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    CallExpr,
    Expression,
    ListExpr,
    MemberExpr,
    NameExpr,
    TupleExpr,
)
from mypy.plugin import FunctionContext
from mypy.types import (
    CallableType,
    ExtraAttrs,
    Instance,
    LiteralType,
    Overloaded,
    Type,
    UnionType,
    get_proper_type,
)

from .._shape_spec import NamedDim, ShapeSpecError, VariadicDim, parse_shape
from ._check import check_value, expected_specs
from ._elementwise import INEXACT, KEEP
from ._encoding import ArraySpec, spec_of
from ._operands import int_literal
from ._unify import Memo, instantiate

_KEY = "__jaxtyping_bound__"
_SEQUENTIAL = "equinox.nn._sequential.Sequential"
_LAMBDA = "equinox.nn._lambda.Lambda"
# `__call__` names of eqx.nn.MultiheadAttention -> the `__init__` parameters
# that set them, first given wins (the others default to query_size).
_ALIASES: dict[str, tuple[str, ...]] = {
    "q_size": ("query_size",),
    "k_size": ("key_size", "query_size"),
    "v_size": ("value_size", "query_size"),
    "o_size": ("output_size", "query_size"),
}


def _call_signature(info_type: Instance) -> CallableType | None:
    call = info_type.type.get_method("__call__")
    typ = None if call is None else get_proper_type(call.type)
    if isinstance(typ, Overloaded):
        typ = typ.items[0]
    return typ if isinstance(typ, CallableType) else None


def _names_used(sig: CallableType) -> tuple[set[str], set[str]]:
    single: set[str] = set()
    variadic: set[str] = set()
    for typ in [*sig.arg_types, sig.ret_type]:
        proper = get_proper_type(typ)
        items = proper.items if isinstance(proper, UnionType) else [proper]
        for item in items:
            spec = spec_of(item)
            if spec is None or spec.shape is None:
                continue
            for dim in spec.shape.dims:
                if isinstance(dim, NamedDim):
                    single.add(dim.name)
                elif isinstance(dim, VariadicDim) and dim.name:
                    variadic.add(dim.name)
    return single, variadic


def _passed(call: CallExpr, init: CallableType) -> dict[str, Expression]:
    """`__init__` parameter name -> the expression passed for it."""
    names = (
        [n for n in init.arg_names[1:]]
        if init.arg_names[:1] == ["self"]
        else list(init.arg_names)
    )
    out: dict[str, Expression] = {}
    position = 0
    for expr, kind, keyword in zip(
        call.args, call.arg_kinds, call.arg_names, strict=False
    ):
        if kind == ARG_POS:
            if position < len(names) and names[position] is not None:
                out[names[position] or ""] = expr
            position += 1
        elif kind == ARG_NAMED and keyword is not None:
            out[keyword] = expr
        else:
            return {}  # *args / **kwargs: unknown
    return out


def _ints(api: TypeChecker, expr: Expression) -> tuple[int, ...] | None:
    single = int_literal(api, expr)
    if single is not None:
        return (single,)
    if isinstance(expr, TupleExpr | ListExpr):
        values = [int_literal(api, item) for item in expr.items]
        if all(v is not None for v in values):
            return tuple(v for v in values if v is not None)
    return None


def bind_construction(ctx: FunctionContext, result: Type) -> Type:
    """The instance type of `Cls(...)` carrying the dimensions it binds."""
    proper = get_proper_type(result)
    api, call = ctx.api, ctx.context
    if not isinstance(proper, Instance) or not isinstance(api, TypeChecker):
        return result
    if not isinstance(call, CallExpr):
        return result
    if proper.type.fullname == _SEQUENTIAL:
        takes, gives = check_sequential(api, call)
        return _with_io(proper, takes, gives, api)
    sig = _call_signature(proper)
    init_node = proper.type.get_method("__init__")
    init = None if init_node is None else get_proper_type(init_node.type)
    if sig is None or not isinstance(init, CallableType):
        return result
    single, variadic = _names_used(sig)
    passed = _passed(call, init)
    parts: list[str] = []
    for name in sorted(single):
        for source in _ALIASES.get(name, (name,)):
            value = int_literal(api, passed[source]) if source in passed else None
            if value is not None:
                parts.append(f"{name}={value}")
                break
    for name in sorted(variadic):
        values = _ints(api, passed[name]) if name in passed else None
        if values is not None:
            parts.append(f"*{name}=" + ",".join(map(str, values)))
    if not parts:
        return result
    new = _copy(proper)
    attrs = proper.extra_attrs.copy() if proper.extra_attrs else ExtraAttrs({}, set())
    attrs.attrs[_KEY] = LiteralType(";".join(parts), api.named_type("builtins.str"))
    attrs.immutable.add(_KEY)
    new.extra_attrs = attrs
    return new


def _copy(inst: Instance) -> Instance:
    return Instance(
        inst.type,
        inst.args,
        inst.line,
        inst.column,
        last_known_value=inst.last_known_value,
        extra_attrs=inst.extra_attrs,
    )


_IN, _OUT = "__jaxtyping_takes__", "__jaxtyping_gives__"


def _with_io(
    inst: Instance, takes: ArraySpec | None, gives: ArraySpec | None, api: TypeChecker
) -> Instance:
    """A Sequential instance carrying what its chain takes and returns."""
    if takes is None and gives is None:
        return inst
    new = _copy(inst)
    attrs = inst.extra_attrs.copy() if inst.extra_attrs else ExtraAttrs({}, set())
    str_type = api.named_type("builtins.str")
    for key, spec in ((_IN, takes), (_OUT, gives)):
        if spec is not None and spec.shape is not None:
            text = f"{spec.dtype}:{spec.shape_text()}"
            attrs.attrs[key] = LiteralType(text, str_type)
            attrs.immutable.add(key)
    new.extra_attrs = attrs
    return new


def sequential_io(typ: Type | None) -> tuple[ArraySpec | None, ArraySpec | None]:
    """What a Sequential built from bound layers takes and returns."""
    proper = get_proper_type(typ) if typ is not None else None
    if not isinstance(proper, Instance) or proper.extra_attrs is None:
        return None, None
    out: list[ArraySpec | None] = []
    for key in (_IN, _OUT):
        literal = proper.extra_attrs.attrs.get(key)
        spec = None
        if isinstance(literal, LiteralType) and isinstance(literal.value, str):
            dtype, _, shape = literal.value.partition(":")
            try:
                spec = ArraySpec(dtype, parse_shape(shape))
            except ShapeSpecError:
                spec = None
        out.append(spec)
    return out[0], out[1]


def bound_memo(typ: Type | None) -> Memo:
    """A memo holding the dimensions a construction bound (empty if none)."""
    memo = Memo()
    proper = get_proper_type(typ) if typ is not None else None
    if not isinstance(proper, Instance) or proper.extra_attrs is None:
        return memo
    literal = proper.extra_attrs.attrs.get(_KEY)
    if not isinstance(literal, LiteralType) or not isinstance(literal.value, str):
        return memo
    for part in literal.value.split(";"):
        name, _, value = part.partition("=")
        if name.startswith("*"):
            memo.variadic[name[1:]] = tuple(int(v) for v in value.split(",") if v)
            memo.origin[name] = f'the constructor of "{proper.type.name}"'
        else:
            memo.single[name] = int(value)
            memo.origin[name] = f'the constructor of "{proper.type.name}"'
    return memo


def choose_alternative(declared: Type, memo: Memo) -> Type:
    """Of a union return (`f[out] | f[""]`), the alternative the bindings
    decide: the only one with the most bound names (at least one)."""
    proper = get_proper_type(declared)
    if not isinstance(proper, UnionType):
        return declared
    scored: list[tuple[int, Type]] = []
    for item in proper.items:
        spec = spec_of(item)
        if spec is None or spec.shape is None:
            return declared
        bound = sum(
            (
                isinstance(d, NamedDim)
                and d.name in memo.single
                and isinstance(memo.single[d.name], int)
            )
            or (isinstance(d, VariadicDim) and d.name in memo.variadic)
            for d in spec.shape.dims
        )
        scored.append((bound, item))
    best = max(score for score, _ in scored)
    winners = [item for score, item in scored if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else declared


# -- Sequential -----------------------------------------------------------------


def _passthrough(api: TypeChecker, layer: Expression) -> bool:
    """`Lambda(jax.nn.relu)` and other element-wise layers keep the shape."""
    if isinstance(layer, NameExpr | MemberExpr) and layer.fullname.startswith(
        ("jax.nn.", "jax._src.nn.", "jax.numpy.")
    ):
        return layer.name in INEXACT | KEEP
    if not isinstance(layer, CallExpr) or len(layer.args) != 1:
        return False
    callee = api.lookup_type_or_none(layer.callee)
    proper = get_proper_type(callee)
    is_lambda = (
        isinstance(proper, CallableType)
        and proper.is_type_obj()
        and proper.type_object().fullname == _LAMBDA
    )
    if not is_lambda:
        return False
    fn = layer.args[0]
    return (
        isinstance(fn, NameExpr | MemberExpr)
        and fn.fullname.startswith(
            ("jax.nn.", "jax._src.nn.", "jax.numpy.", "jax._src.numpy.")
        )
        and fn.name in INEXACT | KEEP
    )


def _layer_io(typ: Type | None) -> tuple[ArraySpec, ArraySpec] | None:
    """What a bound layer takes and returns, in sizes, if fully known."""
    proper = get_proper_type(typ) if typ is not None else None
    if not isinstance(proper, Instance):
        return None
    sig = _call_signature(proper)
    memo = bound_memo(proper)
    if sig is None or not (memo.single or memo.variadic) or len(sig.arg_types) < 2:
        return None
    wanted = expected_specs(choose_alternative(sig.arg_types[1], memo))
    returned = spec_of(choose_alternative(sig.ret_type, memo))
    if wanted is None or len(wanted) != 1 or returned is None:
        chosen = _first_bound(sig.arg_types[1], memo)
        if chosen is None or returned is None:
            return None
        wanted = [chosen]
    take, give = wanted[0], returned
    if take.shape is None or give.shape is None:
        return None
    return (
        ArraySpec(take.dtype, instantiate(take.shape, memo)),
        ArraySpec(give.dtype, instantiate(give.shape, memo)),
    )


def _first_bound(declared: Type, memo: Memo) -> ArraySpec | None:
    return spec_of(choose_alternative(declared, memo))


def check_sequential(
    api: TypeChecker, call: CallExpr
) -> tuple[ArraySpec | None, ArraySpec | None]:
    """Check that the layers chain; what the whole takes and returns (None
    where a layer is not known)."""
    layers = call.args[0] if call.args and call.arg_kinds[0] == ARG_POS else None
    if not isinstance(layers, ListExpr | TupleExpr) or not layers.items:
        return None, None
    current: ArraySpec | None = None
    first: ArraySpec | None = None
    source = ""
    seen = False  # a layer that is not element-wise
    for i, layer in enumerate(layers.items):
        if _passthrough(api, layer):
            continue
        io = _layer_io(api.lookup_type_or_none(layer))
        if io is None:
            current, seen = None, True
            continue
        take, give = io
        if not seen:
            first = take
        seen = True
        if current is not None:
            check_value(
                api,
                [take],
                current,
                Memo(),
                f'Layer {i} of "Sequential" receives the output of {source}, which',
                f"layer {i}",
                layer,
            )
        current, source = give, f"layer {i}"
    return first, current
