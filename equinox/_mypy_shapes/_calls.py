"""Call-site checks: unify every argument with its parameter in one memo.

Runs as mypy's function/method hook, after mypy has inferred the arguments. The
callee's declared parameter types come from the type of the callee expression
(a function, a bound method, or a class whose `__init__` the dataclass
transform synthesised from the fields).
"""

from collections.abc import Sequence

from mypy.checker import TypeChecker
from mypy.nodes import ARG_STAR2, CallExpr, Context, Expression
from mypy.plugin import CheckerPluginInterface, FunctionContext, MethodContext
from mypy.types import (
    CallableType,
    Instance,
    TupleType,
    Type,
    UnionType,
    get_proper_type,
)

from ._bound import bound_memo, choose_alternative
from ._check import check_value, expected_specs
from ._encoding import ArraySpec, attach, spec_of
from ._transformed import is_callable, is_transformed, mark, strip_specs
from ._rebinding import untrusted
from ._unify import Memo, instantiate


def check_function_call(ctx: FunctionContext) -> Type:
    return _check_call(
        ctx.api, ctx.context, ctx.args, ctx.arg_types, ctx.default_return_type
    )


def check_method_call(ctx: MethodContext) -> Type:
    if is_transformed(ctx.type):  # e.g. `jax.vmap(model)(x)`: batched args
        return strip_specs(ctx.default_return_type)
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
) -> Type:
    if _makes_transformed(arg_types, default):
        default = mark(default)
    if not isinstance(context, CallExpr) or not isinstance(api, TypeChecker):
        return default
    callee_type = api.lookup_type_or_none(context.callee)
    if is_transformed(callee_type):
        return strip_specs(default)
    callee = get_proper_type(callee_type)
    skip = 0  # leading parameters the call does not pass (`self`)
    if isinstance(callee, Instance):  # a callable object: its __call__
        owner = callee.type.name
        call = callee.type.get_method("__call__")
        callee = None if call is None else get_proper_type(call.type)
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
    for i, (formal, actuals) in enumerate(zip(formals, arg_types, strict=True)):
        expected = expected_specs(formal)
        if expected is None or callee.arg_kinds[i + skip] == ARG_STAR2:
            continue
        param = callee.arg_names[i + skip]
        who = f'argument "{param}"' if param else f"argument {i + 1}"
        for expr, actual in zip(args[i], actuals, strict=False):
            if untrusted(api, expr):
                continue
            check_value(
                api,
                expected,
                spec_of(actual),
                memo,
                f'{who.capitalize()} to "{_short(name)}"',
                who,
                expr,
            )
    declared = choose_alternative(callee.ret_type, memo) if bound else callee.ret_type
    return _instantiate_return(declared, default, memo, api)


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
        new = proper.copy_modified()
        new.extra_attrs = proper.extra_attrs.copy() if proper.extra_attrs else None
        return new
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
        chosen = [
            i for i in default_p.items if isinstance(get_proper_type(i), Instance)
        ]
        if spec_of(declared_p) is not None and chosen:
            default_p = get_proper_type(chosen[0])
        else:
            items = [_copied(i) for i in default_p.items]
            return UnionType(items, default_p.line, default_p.column)
    spec = spec_of(declared_p)
    if spec is None or not isinstance(default_p, Instance):
        return default
    shape = None if spec.shape is None else instantiate(spec.shape, memo)
    return attach(default_p, ArraySpec(spec.dtype, shape), api.str_type())
