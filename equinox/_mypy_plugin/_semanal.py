"""Semantic-analysis hook: read a Module class body before mypy's dataclass
transform turns it into a dataclass.

What it records in `TypeInfo.metadata["equinox"]` (JSON, so it survives the
incremental cache):

- `abstract_vars` / `abstract_classvars`: names declared `AbstractVar[T]` /
  `AbstractClassVar[T]` in this class body;
- `converters`: `{field: {"ref": fullname}}` for `eqx.field(converter=f)`
  with `f` a named function or class, `{field: {}}` when `f` is anything else
  (a lambda, a call...): its input type is then unknown (`Any`);
- `fields`: the fields this class body declares (annotated, not `ClassVar`,
  `InitVar` or abstract), for `eqx-undeclared` in this class and subclasses.

What it changes, so that mypy's dataclass transform matches the runtime:

- an `AbstractVar` annotation is not a field at run time, so the transform
  must not see it (it would add an `__init__` parameter);
- a subclass without its own `__init__` inherits a hand-written `__init__`
  from a Module base at run time (no dataclass `__init__` is generated), so
  the inherited one is made visible in the class's own namespace.
"""

from typing import Any, cast

from mypy.nodes import (
    MDEF,
    AssignmentStmt,
    Block,
    CallExpr,
    Decorator,
    FuncDef,
    IfStmt,
    MemberExpr,
    NameExpr,
    OverloadedFuncDef,
    RefExpr,
    Statement,
    SymbolTableNode,
    TypeInfo,
    Var,
)
from mypy.plugin import ClassDefContext
from mypy.types import Instance, UnboundType, get_proper_type

from ._codes import STATIC_ARRAY
from ._names import (
    ABSTRACT_CLASSVAR,
    ABSTRACT_VAR,
    ARRAY_TYPES,
    CLASSVAR_NAMES,
    FIELD_SPECIFIERS,
    INIT_METHODS,
    METADATA_KEY,
    MODULE,
)
from ._undeclared import check_undeclared_assignments, is_own_field


def is_module_info(info: TypeInfo) -> bool:
    """Whether `info` is `eqx.Module` or one of its subclasses."""
    return any(base.fullname == MODULE for base in info.mro)


def _assignments(block: Block) -> list[AssignmentStmt]:
    """Annotated assignments of a class body, also inside `if` blocks (as the
    dataclass transform sees them)."""
    found: list[AssignmentStmt] = []
    stack: list[Statement] = list(block.body)
    while stack:
        stmt = stack.pop(0)
        if isinstance(stmt, AssignmentStmt):
            found.append(stmt)
        elif isinstance(stmt, IfStmt):
            for body in stmt.body:
                stack.extend(body.body)
            if stmt.else_body is not None:
                stack.extend(stmt.else_body.body)
    return found


def _abstract_kind(stmt: AssignmentStmt, ctx: ClassDefContext) -> str | None:
    """'var', 'classvar' or None for the annotation of `stmt` as written."""
    written = stmt.unanalyzed_type
    if not isinstance(written, UnboundType) or len(stmt.lvalues) != 1:
        return None
    spelled = written.name.rsplit(".", 1)[-1]
    try:
        sym = ctx.api.lookup_qualified(written.name, ctx.cls, suppress_errors=True)
    except Exception:  # lookups of odd names must never crash the plugin
        sym = None
    fullname = sym.node.fullname if sym is not None and sym.node is not None else None
    if fullname == ABSTRACT_VAR or (fullname is None and spelled == "AbstractVar"):
        return "var"
    if fullname == ABSTRACT_CLASSVAR:
        return "classvar"
    # What the name refers to decides, not its spelling: code that aliases
    # `AbstractClassVar` to `typing.ClassVar` for checkers (diffrax does, under
    # TYPE_CHECKING) declares a plain ClassVar. Only an unresolvable name falls
    # back to its spelling.
    if spelled == "AbstractClassVar" and fullname is None:
        return "classvar"
    return None


def _is_classvar_annotation(stmt: AssignmentStmt, ctx: ClassDefContext) -> bool:
    """Whether `stmt` is annotated `ClassVar[...]` (what the name refers to)."""
    written = stmt.unanalyzed_type
    if not isinstance(written, UnboundType):
        return False
    try:
        sym = ctx.api.lookup_qualified(written.name, ctx.cls, suppress_errors=True)
    except Exception:  # lookups of odd names must never crash the plugin
        return False
    return (
        sym is not None
        and sym.node is not None
        and (sym.node.fullname in CLASSVAR_NAMES)
    )


def _inherited_abstract_vars(info: TypeInfo) -> set[str]:
    """Names a Module base declares `AbstractVar`."""
    found: set[str] = set()
    for base in info.mro[1:]:
        data: object = base.metadata.get(METADATA_KEY, {}).get("abstract_vars")
        if isinstance(data, list):
            names = cast("list[object]", data)
            found.update(name for name in names if isinstance(name, str))
    return found


def _provide_by_classvar(stmt: AssignmentStmt, ctx: ClassDefContext, name: str) -> bool:
    """`x: ClassVar[T] = v` providing a base's `AbstractVar` `x`: Equinox
    accepts it at run time, but mypy forbids a class variable overriding an
    instance one. It is declared a plain class-level attribute (not a
    ClassVar, and hidden from the dataclass transform: no field either), as
    `x = v` would be. True when done."""
    if not _is_classvar_annotation(stmt, ctx):
        return False
    if name not in _inherited_abstract_vars(ctx.cls.info):
        return False
    sym = ctx.cls.info.names.get(name)
    if sym is None or not isinstance(sym.node, Var):
        return False
    stmt.new_syntax = False
    sym.node.is_classvar = False
    return True


def _converter_spec(stmt: AssignmentStmt) -> dict[str, Any] | None:
    """The recorded converter of `x: T = field(..., converter=f)`, if any."""
    call = stmt.rvalue
    if not isinstance(call, CallExpr) or not isinstance(call.callee, RefExpr):
        return None
    if call.callee.fullname not in FIELD_SPECIFIERS:
        return None
    for name, arg in zip(call.arg_names, call.args, strict=True):
        if name != "converter":
            continue
        if isinstance(arg, RefExpr) and arg.fullname and "." in arg.fullname:
            return {"ref": arg.fullname}
        return {}
    return None


def _is_static(stmt: AssignmentStmt) -> bool:
    call = stmt.rvalue
    if not isinstance(call, CallExpr) or not isinstance(call.callee, RefExpr):
        return False
    if call.callee.fullname not in FIELD_SPECIFIERS:
        return False
    for name, arg in zip(call.arg_names, call.args, strict=True):
        if name == "static":
            return isinstance(arg, NameExpr) and arg.fullname == "builtins.True"
    return False


def _check_static_array(stmt: AssignmentStmt, ctx: ClassDefContext, name: str) -> None:
    """`x: Array = eqx.field(static=True)` puts an array in the treedef: it is
    never traced and is compared on every JIT call (the runtime warns too)."""
    typ = get_proper_type(stmt.type) if stmt.type is not None else None
    if (
        isinstance(typ, Instance)
        and typ.type.fullname in ARRAY_TYPES
        and _is_static(stmt)
    ):
        ctx.api.fail(
            f'Field "{name}" holds an array but is marked static=True: it would be '
            "kept in the treedef and never traced; make it an ordinary field",
            stmt,
            code=STATIC_ARRAY,
        )


def _inherited_custom_init(info: TypeInfo) -> SymbolTableNode | None:
    """The hand-written `__init__` a Module subclass without its own inherits."""
    for base in info.mro[1:]:
        if base.fullname == MODULE or not is_module_info(base):
            return None
        sym = base.names.get("__init__")
        if sym is None:
            continue
        if sym.plugin_generated or not isinstance(
            sym.node, FuncDef | OverloadedFuncDef | Decorator
        ):
            return None
        return sym
    return None


def _expose_inherited_init(info: TypeInfo) -> None:
    own = info.names.get("__init__")
    inherited = _inherited_custom_init(info)
    if own is not None or inherited is None:
        # The class writes its own __init__, or an earlier pass of this hook
        # already exposed the inherited one, or there is none to expose.
        return
    info.names["__init__"] = SymbolTableNode(
        MDEF, inherited.node, plugin_generated=False
    )


def _set_in_init(body: Block) -> set[str]:
    """Attributes `self.x = ...` assigned by the class's own init methods."""
    found: set[str] = set()
    for stmt in body.body:
        func = stmt.func if isinstance(stmt, Decorator) else stmt
        if not isinstance(func, FuncDef) or func.name not in INIT_METHODS:
            continue
        if not func.arg_names or func.arg_names[0] is None:
            continue
        me = func.arg_names[0]
        stack: list[Statement] = list(func.body.body)
        while stack:
            inner = stack.pop()
            if isinstance(inner, AssignmentStmt):
                for lvalue in inner.lvalues:
                    if (
                        isinstance(lvalue, MemberExpr)
                        and isinstance(lvalue.expr, NameExpr)
                        and lvalue.expr.name == me
                    ):
                        found.add(lvalue.name)
            elif isinstance(inner, IfStmt):
                for block in inner.body:
                    stack.extend(block.body)
                if inner.else_body is not None:
                    stack.extend(inner.else_body.body)
            elif isinstance(inner, Block):
                stack.extend(inner.body)
    return found


def analyze_module_class(ctx: ClassDefContext) -> None:
    """Base-class hook for every class with a Module base. Idempotent: mypy
    may call it several times for one class."""
    info = ctx.cls.info
    abstract_vars: list[str] = []
    abstract_classvars: list[str] = []
    converters: dict[str, dict[str, Any]] = {}
    fields: list[str] = []
    for stmt in _assignments(ctx.cls.defs):
        lvalue = stmt.lvalues[0]
        if not isinstance(lvalue, NameExpr):
            continue
        kind = _abstract_kind(stmt, ctx)
        if kind is not None:
            (abstract_vars if kind == "var" else abstract_classvars).append(lvalue.name)
            # Not a field at run time: hide it from the dataclass transform.
            stmt.new_syntax = False
            sym = info.names.get(lvalue.name)
            if sym is not None and isinstance(sym.node, Var):
                if kind == "classvar":
                    sym.node.is_classvar = True
                elif lvalue.name not in _set_in_init(ctx.cls.defs):
                    # Read-only, so a subclass may provide it as a property or
                    # a class attribute too. (When the class's own __init__ or
                    # __post_init__ sets it, subclasses provide a field.)
                    sym.node.is_property = True
            continue
        if _provide_by_classvar(stmt, ctx, lvalue.name):
            continue
        if is_own_field(stmt, info):
            fields.append(lvalue.name)
        spec = _converter_spec(stmt)
        if spec is not None:
            converters[lvalue.name] = spec
        _check_static_array(stmt, ctx, lvalue.name)
    info.metadata[METADATA_KEY] = {
        "abstract_vars": abstract_vars,
        "abstract_classvars": abstract_classvars,
        "converters": converters,
        "fields": fields,
    }
    _expose_inherited_init(info)
    check_undeclared_assignments(ctx)
