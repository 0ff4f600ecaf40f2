"""Attribute hook: modules are frozen once `__init__` returns.

`self.x = ...` is allowed inside the `__init__` / `__post_init__` of a Module
(also in a closure defined there); any other assignment to an attribute of a
module instance is reported as `eqx-frozen` (`self.y = ...` in a method with
`y` declared nowhere is reported by `_undeclared.py` instead, which also sees
the assignment that mypy takes as declaring `y`). Inside `__init__`, a field
declared with `eqx.field(converter=f)` accepts what `f` accepts: the converter
runs on the assigned value once `__init__` returns.
"""

from mypy.nodes import FuncDef, MemberExpr, NameExpr, TypeInfo, Var
from mypy.plugin import AttributeContext
from mypy.types import Instance, Type, get_proper_type

from ._codes import FROZEN
from ._construct import Lookup, converter_input, field_converters
from ._names import INIT_METHODS
from ._semanal import is_module_info
from ._undeclared import declaration, field_names


def _enclosing_method(ctx: AttributeContext) -> tuple[FuncDef, TypeInfo] | None:
    """The innermost function of the current scope that is a method, and its
    class."""
    scope = getattr(ctx.api, "scope", None)
    stack: list[object] = list(getattr(scope, "stack", ()))
    for index in range(len(stack) - 1, 0, -1):
        item = stack[index]
        owner = stack[index - 1]
        if isinstance(item, FuncDef) and isinstance(owner, TypeInfo):
            return item, owner
    return None


def _assigns_own_self(ctx: AttributeContext, method: FuncDef) -> bool:
    """Whether the target is `self.<name>` with `self` the method's first arg."""
    target = ctx.context
    if not isinstance(target, MemberExpr) or not isinstance(target.expr, NameExpr):
        return False
    if not method.arguments or method.is_static:
        return False
    return target.expr.name == method.arguments[0].variable.name


def _never_declared(info: TypeInfo, name: str) -> bool:
    """`name` is only an attribute because a method assigns `self.<name>`."""
    fields = field_names(info)
    return fields is not None and name not in fields and declaration(info, name) is None


def check_assignment(ctx: AttributeContext, name: str, lookup: Lookup) -> Type:
    if not ctx.is_lvalue:
        return ctx.default_attr_type
    owner = get_proper_type(ctx.type)
    if not isinstance(owner, Instance) or not is_module_info(owner.type):
        return ctx.default_attr_type
    sym = owner.type.get(name)
    if sym is None or not isinstance(sym.node, Var) or sym.node.is_classvar:
        return ctx.default_attr_type  # mypy reports class variables itself
    found = _enclosing_method(ctx)
    # `self.<name> = ...` inside a method of a Module.
    on_own_self = (
        found is not None
        and is_module_info(found[1])
        and _assigns_own_self(ctx, found[0])
    )
    if on_own_self and found is not None and found[0].name in INIT_METHODS:
        spec = field_converters(owner.type).get(name)
        return ctx.default_attr_type if spec is None else converter_input(spec, lookup)
    if on_own_self and _never_declared(owner.type, name):
        # `y` declared nowhere: reported once per line by the
        # semantic-analysis check (`_undeclared.py`).
        return ctx.default_attr_type
    ctx.api.fail(
        f'Cannot assign to field "{name}" of module "{owner.type.name}": modules '
        "are frozen after __init__; use eqx.tree_at to build an updated copy",
        ctx.context,
        code=FROZEN,
    )
    return ctx.default_attr_type
