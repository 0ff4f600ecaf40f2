"""A field read through an object other than the method's own `self`.

Inside a method, `self.weight` carries its annotation's dimension names, the
names the method's own signature binds (the runtime checker binds them in one
memo). Another object's fields (`other.weight`, `self.sub.weight`, `m.weight`
in a plain function) were bound by *that* object's construction: a name they
share with the current scope is a coincidence, not the same size. So there the
names are replaced by what the object's construction bound (`eqx.nn.Linear(3,
4)` binds its sizes), and left unknown otherwise.
"""

from mypy.checker import TypeChecker
from mypy.nodes import MemberExpr, NameExpr
from mypy.plugin import AttributeContext
from mypy.types import Instance, Type, UnionType, get_proper_type

from ._bound import bound_memo
from ._encoding import ArraySpec, attach, spec_of
from ._unify import Memo, instantiate

# Attributes of these packages are never Module fields of user code.
_FOREIGN = ("builtins.", "typing.", "jax.", "jaxlib.", "numpy.", "mypy.")


def may_be_field(fullname: str) -> bool:
    return not fullname.startswith(_FOREIGN)


def _is_own_self(api: TypeChecker, receiver: object) -> bool:
    """Whether `receiver` is the first parameter of the method being checked."""
    func = api.scope.current_function()
    if func is None or not func.info or func.is_static or not func.arguments:
        return False
    if func.is_class:
        return False
    return (
        isinstance(receiver, NameExpr) and receiver.node is func.arguments[0].variable
    )


def _rescoped(typ: Type, memo: Memo, api: TypeChecker) -> Type:
    proper = get_proper_type(typ)
    if isinstance(proper, UnionType):
        items = [_rescoped(item, memo, api) for item in proper.items]
        return UnionType(items, proper.line, proper.column)
    spec = spec_of(proper)
    if spec is None or spec.shape is None or not isinstance(proper, Instance):
        return typ
    shape = instantiate(spec.shape, memo)
    if shape == spec.shape:
        return typ
    return attach(proper, ArraySpec(spec.dtype, shape), api.named_type("builtins.str"))


def field_through(ctx: AttributeContext) -> Type:
    """The type of `obj.field`: `self`'s names kept, another object's not."""
    api, context = ctx.api, ctx.context
    if ctx.is_lvalue or not isinstance(api, TypeChecker):
        return ctx.default_attr_type
    if not isinstance(context, MemberExpr) or _is_own_self(api, context.expr):
        return ctx.default_attr_type
    return _rescoped(ctx.default_attr_type, bound_memo(ctx.type), api)
