"""`eqx.Enumeration` under mypy: a class, not an `enum.Enum`, with members.

For type checkers `Enumeration` is declared as an `enum.Enum` (so pyright,
which has no plugins, types `Colour.red` as a `Colour`), and mypy marks every
subclass as an enum (`TypeInfo.is_enum`, from its `EnumMeta` metaclass). Two
of mypy's enum rules contradict the run time, where an enumeration is a
Module whose metaclass collects the members:

- indexing an enum class only takes a string (`Colour["red"]`), but
  `Colour[Colour.red]` is the member's message (a `str`);
- an enum with members cannot be subclassed, but an enumeration can
  (`class More(Colour): green = "..."`; `More.promote(Colour.red)`).

So the base-class hook (semantic analysis, after mypy set `is_enum` from the
metaclass) turns `is_enum` off for each user enumeration and records its own
members in `TypeInfo.metadata[ENUM_METADATA_KEY]` (JSON, and `is_enum` is a
serialised flag: both survive the incremental cache). Indexing then goes
through the static metaclass's `__getitem__` (`-> str`), and subclassing is an
ordinary subclass. What mypy's enum logic still gave is restored by the
attribute hooks: a member read through a class (or an instance of it) is an
instance of *that* class, as at run time (`More.red` is a member of `More`).
Members stay implicitly final (marked while the body was analysed as an enum
body), so `Colour.red = ...` is still an error.

One enum rule was useful: semantic analysis takes `X = Cls[...]` for a type
alias unless `Cls` is an enum, so `msg = Colour[member]` would become an
alias. The type-analysis hook for enumeration classes catches it there and
declares the variable `str` instead (`_declare_as_message`); any other
`Colour[...]` written as a type is reported as `eqx-enum-type-args`.

A member is what the run-time metaclass collects (`_is_member_definition` in
`equinox/_enum.py`): a public name assigned a string in the class body.
"""

from typing import Final, cast

from mypy.errorcodes import ASSIGNMENT
from mypy.nodes import (
    AssignmentStmt,
    Block,
    IfStmt,
    IndexExpr,
    NameExpr,
    RefExpr,
    Statement,
    StrExpr,
    TypeInfo,
    Var,
)
from mypy.plugin import AnalyzeTypeContext, AttributeContext, ClassDefContext
from mypy.types import (
    AnyType,
    FunctionLike,
    Instance,
    LiteralType,
    ProperType,
    Type,
    TypeOfAny,
    TypeType,
    TypeVarType,
    get_proper_type,
)
from mypy.typevars import fill_typevars_with_any

from ._codes import ENUM_TYPE_ARGS

ENUMERATION: Final = "equinox._enum.Enumeration"
# The methods of every enumeration (`_RESERVED` in `equinox/_enum.py`).
RESERVED_NAMES: Final = frozenset({"where", "promote", "is_traced"})
# `TypeInfo.metadata[ENUM_METADATA_KEY]["members"]`: the member names a class
# body defines (not the inherited ones), in order.
ENUM_METADATA_KEY: Final = "equinox-enumeration"


def is_enumeration_info(info: TypeInfo) -> bool:
    """Whether `info` is `eqx.Enumeration` or one of its subclasses."""
    return any(base.fullname == ENUMERATION for base in info.mro)


def _body_assignments(block: Block) -> list[AssignmentStmt]:
    """Assignments of a class body, also inside reachable `if` blocks."""
    found: list[AssignmentStmt] = []
    stack: list[Statement] = list(block.body)
    while stack:
        stmt = stack.pop(0)
        if isinstance(stmt, AssignmentStmt):
            found.append(stmt)
        elif isinstance(stmt, IfStmt):
            for body in [*stmt.body, stmt.else_body]:
                if body is not None and not body.is_unreachable:
                    stack.extend(body.body)
    return found


def _is_str(expr: object, var: Var | None) -> bool:
    """Whether an assigned value is a string (a literal, or anything mypy
    already typed `str`, such as a `Final` string constant)."""
    if isinstance(expr, StrExpr):
        return True
    candidates: list[Type | None] = [var.type if var is not None else None]
    if isinstance(expr, RefExpr) and isinstance(expr.node, Var):
        candidates.append(expr.node.type)
    for typ in candidates:
        proper = get_proper_type(typ) if typ is not None else None
        if isinstance(proper, Instance) and proper.type.fullname == "builtins.str":
            return True
    return False


def _defined_members(info: TypeInfo, block: Block) -> tuple[list[str], list[str]]:
    """(members, candidates): the public names assigned a value known to be a
    string, and the others assigned an unannotated value whose type semantic
    analysis cannot know yet (`singular = _MESSAGE.format(...)`): those are
    members when type checking infers `str` for them (`is_member`)."""
    members: list[str] = []
    candidates: list[str] = []
    for stmt in _body_assignments(block):
        for lvalue in stmt.lvalues:
            if not isinstance(lvalue, NameExpr) or lvalue.name.startswith("_"):
                continue
            sym = info.names.get(lvalue.name)
            var = sym.node if sym is not None and isinstance(sym.node, Var) else None
            if var is None or lvalue.name in members:
                continue
            if _is_str(stmt.rvalue, var):
                members.append(lvalue.name)
                if lvalue.name in candidates:
                    candidates.remove(lvalue.name)
            elif stmt.unanalyzed_type is None and lvalue.name not in candidates:
                candidates.append(lvalue.name)
    return members, candidates


def analyze_enumeration_class(ctx: ClassDefContext) -> None:
    """Base-class hook for every subclass of `Enumeration`. Idempotent: mypy
    may call it several times for one class (and sets `is_enum` again before
    each pass over the body)."""
    info = ctx.cls.info
    if info.fullname == ENUMERATION:
        return
    members, candidates = _defined_members(info, ctx.cls.defs)
    info.metadata[ENUM_METADATA_KEY] = {"members": members, "candidates": candidates}
    info.is_enum = False
    _report_reserved_members(ctx)


def _report_reserved_members(ctx: ClassDefContext) -> None:
    """A member named after a method of every enumeration is a TypeError at
    run time. mypy's enum rules let a member shadow a method, and with
    `is_enum` off the member looks like any class attribute: say it here
    (mypy drops the repeats when the hook runs again)."""
    for stmt in _body_assignments(ctx.cls.defs):
        for lvalue in stmt.lvalues:
            if not isinstance(lvalue, NameExpr) or lvalue.name not in RESERVED_NAMES:
                continue
            sym = ctx.cls.info.names.get(lvalue.name)
            var = sym.node if sym is not None and isinstance(sym.node, Var) else None
            if _is_str(stmt.rvalue, var):
                ctx.api.fail(
                    f'"{lvalue.name}" is a method of every Enumeration and cannot '
                    "be a member name",
                    lvalue,
                    code=ASSIGNMENT,
                )


def _own_names(info: TypeInfo, key: str) -> list[str]:
    data: object = info.metadata.get(ENUM_METADATA_KEY, {}).get(key)
    if not isinstance(data, list):
        return []
    return [name for name in cast("list[object]", data) if isinstance(name, str)]


def _inferred_str(var: Var) -> bool:
    """Whether type checking inferred a string for `var` (a candidate member:
    its class body has been checked before any use elsewhere reads it)."""
    proper = get_proper_type(var.type) if var.type is not None else None
    if isinstance(proper, Instance) and proper.last_known_value is not None:
        proper = proper.last_known_value.fallback
    elif isinstance(proper, LiteralType):
        proper = proper.fallback
    return isinstance(proper, Instance) and proper.type.fullname == "builtins.str"


def is_member(info: TypeInfo, name: str) -> bool:
    """Whether `name`, looked up on `info`, is a member of an enumeration
    (one that `info` defines or inherits, and no subclass shadows)."""
    if not is_enumeration_info(info):
        return False
    sym = info.get(name)
    node = sym.node if sym is not None else None
    if not isinstance(node, Var):
        return False
    if name in _own_names(node.info, "members"):
        return True
    return name in _own_names(node.info, "candidates") and _inferred_str(node)


def _class_of(typ: ProperType, *, through_class: bool) -> tuple[TypeInfo, Type] | None:
    """The class an attribute is read from, and the type of its members there
    (a type variable such as `Self` is kept: `cls.red` is a `Self`)."""
    if through_class:
        if isinstance(typ, FunctionLike) and typ.is_type_obj():
            info = typ.type_object()
            return info, fill_typevars_with_any(info)
        if not isinstance(typ, TypeType):
            return None
        typ = typ.item
    if isinstance(typ, Instance):
        return typ.type, fill_typevars_with_any(typ.type)
    if isinstance(typ, TypeVarType):
        bound = get_proper_type(typ.upper_bound)
        if isinstance(bound, Instance):
            return bound.type, typ
    return None


def member_type(ctx: AttributeContext, name: str, *, through_class: bool) -> Type:
    """The type of `Cls.name` (`through_class`) or `obj.name`: an instance of
    the class it is read from when `name` is one of its members."""
    found = _class_of(ctx.type, through_class=through_class)
    if found is None or not is_member(found[0], name):
        return ctx.default_attr_type
    return found[1]


def _declare_as_message(ctx: AnalyzeTypeContext, fullname: str) -> bool:
    """`msg = Colour[member]`, unannotated, is read by mypy's semantic
    analysis as a type alias (a subscripted class on the right). It is meant
    as a value, the member's message: declare the variable `str`, as if
    written `msg: str = Colour[member]`, and have the statement analysed
    again. Only for exactly that statement, outside class bodies, and when
    analysis can still be deferred; False when not done."""
    analyzer = getattr(ctx.api, "api", None)  # the semantic analyzer
    stmt = getattr(analyzer, "statement", None)
    if not isinstance(stmt, AssignmentStmt) or stmt.unanalyzed_type is not None:
        return False
    if len(stmt.lvalues) != 1 or not isinstance(stmt.lvalues[0], NameExpr):
        return False
    rvalue = stmt.rvalue
    if not (
        isinstance(rvalue, IndexExpr)
        and isinstance(rvalue.base, RefExpr)
        and rvalue.base.fullname == fullname
        and (rvalue.line, rvalue.column) == (ctx.type.line, ctx.type.column)
    ):
        return False
    is_class_scope = getattr(analyzer, "is_class_scope", None)
    record_incomplete_ref = getattr(analyzer, "record_incomplete_ref", None)
    if (
        getattr(analyzer, "final_iteration", True) is not False
        or not callable(is_class_scope)
        or is_class_scope()
        or not callable(record_incomplete_ref)
    ):
        return False
    str_type = ctx.api.named_type("builtins.str", [])
    record_incomplete_ref()
    stmt.unanalyzed_type = str_type
    return True


def enumeration_instance(info: TypeInfo, ctx: AnalyzeTypeContext) -> Type:
    """`Colour` as a type: an instance of the class, as mypy would make it."""
    instance = fill_typevars_with_any(info)
    instance.set_line(ctx.type)
    return instance


def analyze_enumeration_type(ctx: AnalyzeTypeContext, info: TypeInfo) -> Type:
    """`Colour` written as a type. An enumeration takes no type arguments:
    `Colour[...]` seen as a type is `msg = Colour[member]` (see
    `_declare_as_message`), or a mistake, reported in plain words rather than
    as mypy's errors about type arguments."""
    written = ctx.type
    if not written.args and not written.empty_tuple_index:
        return enumeration_instance(info, ctx)
    if _declare_as_message(ctx, info.fullname):
        return AnyType(TypeOfAny.special_form)
    ctx.api.fail(
        f'Enumeration "{info.name}" takes no type arguments (for the message of '
        f"a member, a value, annotate the variable: `msg: str = {info.name}[member]`)",
        ctx.context,
        code=ENUM_TYPE_ARGS,
    )
    return AnyType(TypeOfAny.from_error)
