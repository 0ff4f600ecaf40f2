"""Call-site checks: unify every argument with its parameter in one memo.

Runs as mypy's function/method hook, after mypy has inferred the arguments. The
callee's declared parameter types come from the type of the callee expression
(a function, a bound method, or a class whose `__init__` the dataclass
transform synthesised from the fields).
"""

from collections.abc import Sequence

from mypy.checker import TypeChecker
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    ARG_STAR2,
    CallExpr,
    Context,
    Expression,
    RefExpr,
    TupleExpr,
    TypeInfo,
)
from mypy.plugin import CheckerPluginInterface, FunctionContext, MethodContext
from mypy.subtypes import is_subtype
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    LiteralType,
    Overloaded,
    TupleType,
    Type,
    UnionType,
    get_proper_type,
)

from ._bound import bound_memo, choose_alternative, sequential_io
from ._check import check_value, expected_specs
from ._encoding import SHAPE_CODE, ArraySpec, attach, spec_of
from ._operands import int_literal, is_none
from ._rebinding import untrusted
from ._report import fail
from ._terms import spec_from, terms_of
from ._transformed import (
    Axes,
    Axis,
    axes_text,
    is_callable,
    is_transformed,
    mark,
    strip_specs,
    vmap_axes,
)
from ._unify import Memo, Term, instantiate


def check_function_call(ctx: FunctionContext) -> Type:
    return _check_call(
        ctx.api, ctx.context, ctx.args, ctx.arg_types, ctx.default_return_type
    )


_ARRAY = "jax._src.basearray.Array"


def _check_sequential_call(ctx: MethodContext) -> Type | None:
    """`model(x)` of a Sequential whose first layer's size is known: check x.
    When the last layer's output is known and no state is passed, the result
    (declared `Any`) is that array; None to keep mypy's."""
    takes, gives = sequential_io(ctx.type)
    api = ctx.api
    if not isinstance(api, TypeChecker) or len(ctx.args) < 1:
        return None
    if takes is not None and len(ctx.args[0]) == 1:
        expr = ctx.args[0][0]
        if not untrusted(api, expr):
            value = spec_of(ctx.arg_types[0][0])
            what = 'Argument "x" to "Sequential"'
            check_value(api, [takes], value, Memo(), what, 'argument "x"', expr)
    stateless = len(ctx.args) > 1 and not ctx.args[1]
    if gives is None or not stateless:
        return None
    if not isinstance(get_proper_type(ctx.default_return_type), AnyType):
        return None
    module, _, name = _ARRAY.rpartition(".")
    tree = api.modules.get(module)
    sym = tree.names.get(name) if tree is not None else None
    if sym is None or not isinstance(sym.node, TypeInfo):
        return None
    return attach(Instance(sym.node, []), gives, api.str_type())


def check_method_call(ctx: MethodContext) -> Type:
    if not is_transformed(ctx.type):
        result = _check_sequential_call(ctx)
        if result is not None:
            return result
    if is_transformed(ctx.type):  # e.g. `jax.vmap(model)(x)`: batched args
        axes = vmap_axes(ctx.type)
        if axes is None or not isinstance(ctx.api, TypeChecker):
            return strip_specs(ctx.default_return_type)
        return _check_call(
            ctx.api,
            ctx.context,
            ctx.args,
            ctx.arg_types,
            strip_specs(ctx.default_return_type),
            receiver=ctx.type,
            axes=axes,
        )
    return _check_call(
        ctx.api,
        ctx.context,
        ctx.args,
        ctx.arg_types,
        ctx.default_return_type,
        receiver=ctx.type,
    )


def _check_call(
    api: CheckerPluginInterface,
    context: Context,
    args: list[list[Expression]],
    arg_types: list[list[Type]],
    default: Type,
    receiver: Type | None = None,
    axes: tuple[Axes, Axes] | None = None,
) -> Type:
    """Check the arguments, instantiate the return. `axes`: the call is of a
    vmapped callable, whose arguments carry the mapped axis `axes[0]` (one
    for all, or one per positional argument) and whose result gains it at
    `axes[1]`."""
    if _makes_transformed(arg_types, default):
        vmap = _vmap_literal(api, context)
        if arg_types and arg_types[0] and is_transformed(arg_types[0][0]):
            vmap = None  # vmap of a vmap (or of a partial...): not modelled
        if vmap is not None and arg_types and arg_types[0]:
            # `filter_vmap(f)` is typed `Callable[P, R]`, inferred without
            # shapes: the mapped callable keeps `f`'s own type instead.
            default = arg_types[0][0]
        default = mark(default, vmap)
    if not isinstance(context, CallExpr) or not isinstance(api, TypeChecker):
        return default
    callee_type = api.lookup_type_or_none(context.callee)
    if is_transformed(callee_type) and axes is None:
        axes = vmap_axes(callee_type)
        default = strip_specs(default)
        if axes is None:
            return default
    callee = get_proper_type(callee_type)
    skip = 0  # leading parameters the call does not pass (`self`)
    if isinstance(callee, Instance):  # a callable object: its __call__
        owner = callee.type.name
        call = callee.type.get_method("__call__")
        callee = None if call is None else get_proper_type(call.type)
        if isinstance(callee, Overloaded):
            callee = _matched_item(callee, arg_types, skip=1)
        if isinstance(callee, CallableType):
            callee = callee.with_name(f"__call__ of {owner}")
        skip = 1
    if not isinstance(callee, CallableType):
        return default
    formals = callee.arg_types[skip:]
    if len(formals) != len(arg_types):
        return default
    # Dimensions bound by the construction of the called object.
    memo = bound_memo(receiver if receiver is not None else callee_type)
    bound = bool(memo.single or memo.variadic)
    name = callee.name or "function"
    if axes is not None and _generic(callee):
        # Type variables were solved from the batched arguments themselves.
        return strip_specs(default)
    mapped: _Mapped | None = None
    if axes is not None:
        fitted = _Mapped.of(axes[0], context)
        if not isinstance(fitted, _Mapped):  # in_axes do not fit the call
            if fitted is not None:
                fail(
                    api,
                    f'Call of vmapped "{_short(name)}": {fitted}',
                    context,
                    SHAPE_CODE,
                )
            return strip_specs(default)
        mapped = fitted
    for i, (formal, actuals) in enumerate(zip(formals, arg_types, strict=True)):
        expected = expected_specs(formal)
        if expected is None or callee.arg_kinds[i + skip] == ARG_STAR2:
            continue
        param = callee.arg_names[i + skip]
        who = f'argument "{param}"' if param else f"argument {i + 1}"
        for expr, actual in zip(args[i], actuals, strict=False):
            if untrusted(api, expr):
                continue
            value = spec_of(actual)
            what = f'{who.capitalize()} to "{_short(name)}"'
            if mapped is not None and mapped.axis_of(expr) is not None:
                value = mapped.unbatch(api, value, expr, what)
                what += " (one mapped slice)"
            check_value(api, expected, value, memo, what, who, expr)
    declared = choose_alternative(callee.ret_type, memo) if bound else callee.ret_type
    result = _instantiate_return(declared, default, memo, api)
    if mapped is not None and axes is not None:
        return mapped.batch_all(result, axes[1], api)
    return result


def _matched_item(
    callee: Overloaded, arg_types: list[list[Type]], skip: int
) -> CallableType | None:
    """The overload mypy chose for this call (the hook's arguments are grouped
    by its parameters): the first item every argument fits, by arity and
    type. `LayerNorm(5)(x)` takes the `state: None` item, `(x, state)` the
    other. None when no item fits (an `Any` argument fits any: the first such
    item then checks, and its return is only used where mypy's agrees)."""
    for item in callee.items:
        formals = item.arg_types[skip:]
        if len(formals) != len(arg_types):
            continue
        fits = all(
            is_subtype(actual, formal)
            for formal, actuals in zip(formals, arg_types, strict=True)
            for actual in actuals
        )
        if fits:
            return item
    return None


def _generic(callee: CallableType) -> bool:
    """Whether the callee (as defined) has type variables."""
    if callee.variables:
        return True
    definition = callee.definition
    declared = getattr(definition, "type", None)
    return isinstance(declared, CallableType) and bool(declared.variables)


_VMAPS = frozenset(
    {
        "jax._src.api.vmap",
        "jax.vmap",
        "equinox._vmap_pmap.filter_vmap",
        "equinox.filter_vmap",
    }
)


_JAX_VMAPS = frozenset({"jax._src.api.vmap", "jax.vmap"})
# Arguments of vmap that leave the shapes alone.
_SHAPELESS = frozenset({"fun", "axis_name", "spmd_axis_name"})


def _axes_literal(api: TypeChecker, expr: Expression) -> Axes | None:
    """`0`, `-1`, `(0, None)`: literal axes (None when not literal)."""
    if isinstance(expr, TupleExpr):
        items: list[Axis] = []
        for item in expr.items:
            value = None if is_none(item) else int_literal(api, item)
            if value is None and not is_none(item):
                return None
            items.append(value)
        return tuple(items)
    return int_literal(api, expr)


def _vmap_literal(api: CheckerPluginInterface, context: Context) -> LiteralType | None:
    """For `jax.vmap(f, in_axes=..., out_axes=...)` with literal axes (an int,
    or a tuple of ints and None; or the defaults), the mark that lets its
    calls map the axis; else None."""
    if not isinstance(context, CallExpr) or not isinstance(api, TypeChecker):
        return None
    callee = context.callee
    if not isinstance(callee, RefExpr) or callee.fullname not in _VMAPS:
        return None
    found: dict[str, Axes] = {"in_axes": 0, "out_axes": 0}
    # jax.vmap also takes the axes positionally, after the function.
    order = ["fun", "in_axes", "out_axes"] if callee.fullname in _JAX_VMAPS else ["fun"]
    for i, (expr, kind, keyword) in enumerate(
        zip(context.args, context.arg_kinds, context.arg_names, strict=False)
    ):
        if kind == ARG_POS and i < len(order):
            keyword = order[i]
        elif kind != ARG_NAMED:
            return None
        if keyword in _SHAPELESS:
            continue
        if keyword not in found:
            return None
        value = _axes_literal(api, expr)
        if value is None:
            return None
        found[keyword] = value
    text = f"{axes_text(found['in_axes'])}:{axes_text(found['out_axes'])}"
    return LiteralType(text, api.named_type("builtins.str"))


class _Mapped:
    """The mapped dimension of one vmapped call, from its arguments."""

    def __init__(self, axes: dict[int, Axis] | int) -> None:
        # One axis for every argument, or by id of the argument expression.
        self.axes = axes
        self.size: Term = None
        self.known = True  # every mapped array argument had a known shape

    @staticmethod
    def of(in_axes: Axes, call: Context) -> "_Mapped | str | None":
        """The mapping of this call; a string saying why it fails at run time
        (as `jax.vmap` and `eqx.filter_vmap` raise); None when unknown."""
        if isinstance(in_axes, int):
            return _Mapped(in_axes)
        if not isinstance(call, CallExpr) or any(
            kind not in (ARG_POS, ARG_NAMED) for kind in call.arg_kinds
        ):
            return None  # `*args`: the count is unknown
        count = sum(kind == ARG_POS for kind in call.arg_kinds)
        if count != len(in_axes):
            return (
                f"in_axes has {_count(len(in_axes), 'entry', 'entries')} but the"
                f" call passes {_count(count, 'positional argument')}"
            )
        if all(axis is None for axis in in_axes):
            return "every in_axes entry is None: nothing is mapped"
        if count != len(call.args):
            return None  # keyword arguments: mapped over their leading axis
        return _Mapped({id(e): a for e, a in zip(call.args, in_axes, strict=True)})

    def axis_of(self, expr: Expression) -> Axis:
        return self.axes if isinstance(self.axes, int) else self.axes.get(id(expr))

    def unbatch(
        self, api: TypeChecker, value: ArraySpec | None, expr: Expression, what: str
    ) -> ArraySpec | None:
        """The argument as the function sees it: without its mapped axis."""
        axis = self.axis_of(expr)
        if axis is None:
            return value  # not mapped (`in_axes=None` for it)
        shape = terms_of(value)
        if value is None or shape is None:
            self.known = False
            return None
        if not -len(shape) <= axis < len(shape):
            fail(
                api,
                f"{what} has {len(shape)} dimensions: it has no axis {axis}"
                " to map over",
                expr,
                SHAPE_CODE,
            )
            self.known = False
            return None
        i = axis % len(shape)
        size = shape[i]
        if isinstance(size, int) and isinstance(self.size, int) and size != self.size:
            fail(
                api,
                f"{what} is mapped over an axis of size {size}, but an earlier"
                f" argument over one of size {self.size}",
                expr,
                SHAPE_CODE,
            )
        elif self.size is None or isinstance(size, int):
            self.size = size
        return spec_from(value.dtype, shape[:i] + shape[i + 1 :])

    def batch_all(self, result: Type, out_axes: Axes, api: TypeChecker) -> Type:
        """The result with the mapped axis: every output at `out_axes`, or
        output k of a tuple at `out_axes[k]` (None: not mapped)."""
        proper = get_proper_type(result)
        if isinstance(proper, TupleType):
            if isinstance(out_axes, int):
                out_axes = (out_axes,) * len(proper.items)
            if len(out_axes) != len(proper.items):
                return strip_specs(result)
            items = [
                item if axis is None else self.batch(item, axis, api)
                for item, axis in zip(proper.items, out_axes, strict=True)
            ]
            return proper.copy_modified(items=items)
        if not isinstance(out_axes, int):
            return strip_specs(result)
        return self.batch(result, out_axes, api)

    def batch(self, result: Type, out_axis: int, api: TypeChecker) -> Type:
        proper = get_proper_type(result)
        spec = spec_of(proper)
        shape = terms_of(spec)
        if spec is None or shape is None or not isinstance(proper, Instance):
            return strip_specs(result)
        if not -len(shape) - 1 <= out_axis <= len(shape):
            return strip_specs(result)
        i = out_axis % (len(shape) + 1)
        size = self.size if self.known else None
        new = (*shape[:i], size, *shape[i:])
        return attach(proper, spec_from(spec.dtype, new), api.str_type())


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _makes_transformed(arg_types: list[list[Type]], result: Type) -> bool:
    """A callable made from a callable (vmap, partial, decorators...)."""
    if not is_callable(result):
        return False
    return any(is_callable(t) for actuals in arg_types for t in actuals)


def _short(name: str) -> str:
    """`f` for "f of C"; `C` for "__call__ of C" (calling a module)."""
    function, _, owner = name.partition(" of ")
    return owner if function == "__call__" and owner else function


def _copied(typ: Type) -> Type:
    proper = get_proper_type(typ)
    if isinstance(proper, Instance):
        extra = proper.extra_attrs.copy() if proper.extra_attrs else None
        return Instance(
            proper.type,
            proper.args,
            proper.line,
            proper.column,
            last_known_value=proper.last_known_value,
            extra_attrs=extra,
        )
    return typ


def _instantiate_return(
    declared: Type, default: Type, memo: Memo, api: TypeChecker
) -> Type:
    declared_p, default_p = get_proper_type(declared), get_proper_type(default)
    if isinstance(declared_p, TupleType) and isinstance(default_p, TupleType):
        if len(declared_p.items) != len(default_p.items):
            return default
        items: Sequence[Type] = [
            _instantiate_return(d, r, memo, api)
            for d, r in zip(declared_p.items, default_p.items, strict=False)
        ]
        return default_p.copy_modified(items=list(items))
    if isinstance(default_p, UnionType):
        # A union straight from the signature: mypy's union simplification
        # drops differing `extra_attrs` *in place*, which would erase the
        # callee's own annotation. Return the chosen alternative, or copies.
        items = [get_proper_type(i) for i in default_p.items]
        first = items[0]
        if isinstance(first, Instance) and all(
            isinstance(i, Instance) and i.type == first.type for i in items
        ):
            default_p = first  # `Array | Array` is one array type
            if spec_of(declared_p) is None:
                return strip_specs(first)
        else:
            copies = [_copied(i) for i in default_p.items]
            return UnionType(copies, default_p.line, default_p.column)
    spec = spec_of(declared_p)
    if spec is None or not isinstance(default_p, Instance):
        return default
    shape = None if spec.shape is None else instantiate(spec.shape, memo)
    return attach(default_p, ArraySpec(spec.dtype, shape), api.str_type())
