"""Semantic-analysis check: `self.y = ...` where `y` is not a field.

At run time a Module's `__setattr__` only lets `__init__` / `__post_init__`
assign the class's dataclass fields: any other name raises `AttributeError`
(inside `__init__`) or `ModuleFrozenError` (after it). mypy instead takes
`self.y = ...` in a method as declaring a new instance attribute, and its type
checker never asks the attribute hook about such a defining assignment, so
`_frozen.py` cannot see it. This check reads the methods of a Module class
body (as written: at this point mypy has not analysed the method bodies of a
module-level class yet) and reports:

- in `__init__` / `__post_init__` (and closures defined there), an assignment
  to a name that is not a field: `eqx-undeclared`. Names mypy already rejects
  (class variables, read-only properties, methods, final names) are left to
  mypy, so each line gets one error;
- in any other method, an assignment to a name declared nowhere in the class
  hierarchy, or to a property with a setter: `eqx-frozen` (what the run time
  raises there). Assignments to other declared names outside `__init__` go
  through the attribute hook instead, which leaves these to this check.

`self.y += ...` with `y` not even an implicit attribute is left to mypy (it
reports reading `y`).

Fields are what the run time takes as fields: annotated class attributes of
Module classes (not `ClassVar`, `InitVar`, `KW_ONLY` or abstract ones), and
the fields of stdlib dataclass bases. Each Module class records its own in
`metadata["equinox"]["fields"]`; when a base's fields are unknown the class is
not checked.
"""

from collections.abc import Iterator
from typing import cast

from mypy.nodes import (
    AssignmentStmt,
    Block,
    ClassDef,
    Decorator,
    Expression,
    ForStmt,
    FuncDef,
    IfStmt,
    ListExpr,
    MatchStmt,
    MemberExpr,
    NameExpr,
    OperatorAssignmentStmt,
    OverloadedFuncDef,
    PlaceholderNode,
    StarExpr,
    Statement,
    SymbolTableNode,
    TempNode,
    TryStmt,
    TupleExpr,
    TypeInfo,
    Var,
    WhileStmt,
    WithStmt,
)
from mypy.plugin import ClassDefContext
from mypy.types import Instance, Type, get_proper_type

from ._codes import FROZEN, UNDECLARED
from ._names import INIT_METHODS, METADATA_KEY, MODULE

# `x: InitVar[T]` and `_: KW_ONLY` are annotations but not fields.
_NOT_FIELD_TYPES = frozenset({"dataclasses.InitVar", "dataclasses.KW_ONLY"})
# Methods whose first argument is the class, not an instance.
_CLASS_LEVEL_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


def is_own_field(stmt: AssignmentStmt, info: TypeInfo) -> bool:
    """Whether an (abstract-free) class-body assignment declares a field."""
    lvalue = stmt.lvalues[0]
    if len(stmt.lvalues) != 1 or not isinstance(lvalue, NameExpr):
        return False
    if not stmt.new_syntax:  # `x = 3`, or `x = 3  # type: int`: not a field
        return False
    sym = info.names.get(lvalue.name)
    if sym is not None and isinstance(sym.node, Var) and sym.node.is_classvar:
        return False
    return not _is_not_field_type(stmt.type)


def _is_not_field_type(declared: Var | Type | None) -> bool:
    """Whether an annotation (or a Var's) is `InitVar[...]` or `KW_ONLY`."""
    if isinstance(declared, Var):
        declared = declared.type
    typ = get_proper_type(declared) if declared is not None else None
    return isinstance(typ, Instance) and typ.type.fullname in _NOT_FIELD_TYPES


def field_names(info: TypeInfo) -> set[str] | None:
    """The run-time fields of a Module class, or None when a base's are
    unknown (a Module base not analysed by this plugin, or a stdlib dataclass
    base that mypy has not transformed yet)."""
    names: set[str] = set()
    for base in info.mro:
        if base.fullname == MODULE:
            continue
        if any(b.fullname == MODULE for b in base.mro):
            data = base.metadata.get(METADATA_KEY)
            fields = data.get("fields") if isinstance(data, dict) else None
            if not isinstance(fields, list):
                return None
            names.update(str(name) for name in cast("list[object]", fields))
        elif "dataclass" in base.metadata:
            attributes = base.metadata["dataclass"].get("attributes", [])
            names.update(
                str(attribute["name"])
                for attribute in attributes
                if not attribute.get("is_init_var")
            )
        elif "dataclass_tag" in base.metadata:
            return None
    return names


def _abstract_vars(info: TypeInfo) -> set[str]:
    """Names declared `AbstractVar` by this class or a Module base."""
    names: set[str] = set()
    for base in info.mro:
        data = base.metadata.get(METADATA_KEY)
        found = data.get("abstract_vars") if isinstance(data, dict) else None
        if isinstance(found, list):
            names.update(str(n) for n in cast("list[object]", found))
    return names


def declaration(info: TypeInfo, name: str) -> SymbolTableNode | None:
    """The first explicit declaration of `name` along the MRO: attributes that
    mypy created from `self.name = ...` in a method do not count."""
    for base in info.mro:
        sym = base.names.get(name)
        if sym is not None and not sym.implicit:
            return sym
    return None


def _non_field_kind(sym: SymbolTableNode) -> str | None:
    """What a declared non-field name is, when assigning it through `self` is
    accepted by mypy but fails at run time; None when mypy reports the
    assignment itself (or cannot tell yet)."""
    node = sym.node
    if isinstance(node, Var):
        if node.is_classvar or node.is_final or _is_not_field_type(node):
            # mypy: cannot assign to a class variable / a final name; an
            # `InitVar` is removed from the class by the dataclass transform.
            return None
        if node.is_property:
            return "a property" if node.is_settable_property else None
        return "a class attribute"
    if isinstance(node, Decorator):
        return "a property" if node.var.is_settable_property else None
    if isinstance(node, OverloadedFuncDef) and _has_setter(node):
        return "a property"
    return None  # methods, nested classes, placeholders: mypy has its say


def _has_setter(node: OverloadedFuncDef) -> bool:
    """Whether a multi-part definition is a property with a setter. mypy
    analyses such a definition with the method bodies, so in the class being
    analysed it is still as parsed: `@<name>.setter` tells then."""
    first = node.items[0] if node.items else None
    if node.is_property and isinstance(first, Decorator):
        return first.var.is_settable_property
    return any(
        isinstance(item, Decorator)
        and any(
            isinstance(decorator, MemberExpr)
            and decorator.name == "setter"
            and isinstance(decorator.expr, NameExpr)
            and decorator.expr.name == node.name
            for decorator in item.original_decorators
        )
        for item in node.items[1:]
    )


def _methods(block: Block) -> Iterator[FuncDef]:
    """Functions defined in a class body (also in `if` blocks), with every
    overload item and implementation."""
    for stmt in block.body:
        if isinstance(stmt, FuncDef):
            yield stmt
        elif isinstance(stmt, Decorator):
            yield stmt.func
        elif isinstance(stmt, OverloadedFuncDef):
            for item in stmt.items:
                yield item.func if isinstance(item, Decorator) else item
            if stmt.impl is not None:
                impl = stmt.impl
                yield impl.func if isinstance(impl, Decorator) else impl
        elif isinstance(stmt, IfStmt):
            for body in stmt.body:
                yield from _methods(body)
            if stmt.else_body is not None:
                yield from _methods(stmt.else_body)


def _targets(lvalue: Expression) -> Iterator[Expression]:
    if isinstance(lvalue, TupleExpr | ListExpr):
        for item in lvalue.items:
            yield from _targets(item)
    elif isinstance(lvalue, StarExpr):
        yield from _targets(lvalue.expr)
    else:
        yield lvalue


def _blocks(stmt: Statement) -> Iterator[Block]:
    if isinstance(stmt, Block):
        yield stmt
    elif isinstance(stmt, IfStmt):
        yield from stmt.body
        if stmt.else_body is not None:
            yield stmt.else_body
    elif isinstance(stmt, WhileStmt | ForStmt):
        yield stmt.body
        if stmt.else_body is not None:
            yield stmt.else_body
    elif isinstance(stmt, WithStmt):
        yield stmt.body
    elif isinstance(stmt, TryStmt):
        yield stmt.body
        yield from stmt.handlers
        if stmt.else_body is not None:
            yield stmt.else_body
        if stmt.finally_body is not None:
            yield stmt.finally_body
    elif isinstance(stmt, MatchStmt):
        yield from stmt.bodies


def _self_assignments(
    block: Block, self_name: str
) -> Iterator[tuple[MemberExpr, bool, bool]]:
    """`(target, annotated, augmented)` for every assignment to an attribute
    of `self_name` in `block`, closures included (unless they rebind it)."""
    for stmt in block.body:
        lvalues: list[Expression] = []
        annotated = augmented = False
        if isinstance(stmt, AssignmentStmt):
            if isinstance(stmt.rvalue, TempNode) and stmt.rvalue.no_rhs:
                continue  # `self.y: int` alone assigns nothing
            lvalues = list(stmt.lvalues)
            annotated = stmt.unanalyzed_type is not None and stmt.new_syntax
        elif isinstance(stmt, OperatorAssignmentStmt):
            lvalues = [stmt.lvalue]
            augmented = True
        elif isinstance(stmt, ForStmt):
            lvalues = [stmt.index]
        elif isinstance(stmt, WithStmt):
            lvalues = [target for target in stmt.target if target is not None]
        for lvalue in lvalues:
            for target in _targets(lvalue):
                if (
                    isinstance(target, MemberExpr)
                    and isinstance(target.expr, NameExpr)
                    and target.expr.name == self_name
                ):
                    yield target, annotated, augmented
        nested: FuncDef | None = None
        if isinstance(stmt, FuncDef):
            nested = stmt
        elif isinstance(stmt, Decorator):
            nested = stmt.func
        if nested is not None:
            if all(arg.variable.name != self_name for arg in nested.arguments):
                yield from _self_assignments(nested.body, self_name)
        elif not isinstance(stmt, ClassDef | OverloadedFuncDef):
            for body in _blocks(stmt):
                yield from _self_assignments(body, self_name)


def _undeclared_message(
    cls: str, name: str, method: str, kind: str | None, annotated: bool
) -> str:
    if kind is not None:
        why = f" ({kind} is not a field)"
    elif annotated:
        why = " (an annotation inside a method does not declare one)"
    else:
        why = ""
    return (
        f'Module "{cls}" has no field "{name}"{why}, so {method} cannot assign '
        f'it; declare it as an annotated field in the class body ("{name}: T")'
    )


def check_undeclared_assignments(ctx: ClassDefContext) -> None:
    """Report `self.<name> = ...` in the methods of a Module class body when
    `<name>` is not a field (see the module docstring)."""
    info = ctx.cls.info
    if any(isinstance(sym.node, PlaceholderNode) for sym in info.names.values()):
        return  # incomplete: mypy analyses the class body again
    fields = field_names(info)
    if fields is None:
        return
    found = [
        (method, target, annotated, augmented)
        for method, target, annotated, augmented in _assignments_in_methods(
            ctx.cls.defs, ctx.api.options.check_untyped_defs
        )
        if target.name not in fields
    ]
    # Names mypy takes as (implicit) attributes: `self.y += ...` on any other
    # is reported by mypy itself, as reading an attribute that does not exist.
    implicit = {
        target.name
        for _, target, _, augmented in _assignments_in_methods(ctx.cls.defs, True)
        if not augmented
    }
    for method, target, annotated, augmented in found:
        name = target.name
        sym = declaration(info, name)
        if sym is None and augmented and not _is_implicit(info, name, implicit):
            continue
        kind = None if sym is None else _non_field_kind(sym)
        if method.name in INIT_METHODS and name in _abstract_vars(info):
            continue  # a concrete subclass provides it as a field
        if method.name in INIT_METHODS:
            if sym is not None and kind is None:
                continue  # mypy reports it (class variable, method, ...)
            ctx.api.fail(
                _undeclared_message(info.name, name, method.name, kind, annotated),
                target,
                code=UNDECLARED,
            )
        elif sym is None or kind == "a property":
            # Declared fields and class attributes get `eqx-frozen` from the
            # attribute hook; these never reach it.
            ctx.api.fail(
                f'Cannot assign to "{name}" of module "{info.name}": it is not '
                "a declared field, and modules are frozen after __init__",
                target,
                code=FROZEN,
            )


def _assignments_in_methods(
    body: Block, check_untyped: bool
) -> Iterator[tuple[FuncDef, MemberExpr, bool, bool]]:
    """`(method, target, annotated, augmented)` for each `self.<name>` target
    in the instance methods of a class body."""
    for method in _methods(body):
        if method.is_static or method.is_class or method.name in _CLASS_LEVEL_METHODS:
            continue
        if not method.arguments or (method.is_dynamic() and not check_untyped):
            continue
        self_name = method.arguments[0].variable.name
        for target, annotated, augmented in _self_assignments(method.body, self_name):
            yield method, target, annotated, augmented


def _is_implicit(info: TypeInfo, name: str, assigned_here: set[str]) -> bool:
    """Whether mypy knows `name` from `self.<name> = ...` in a method of the
    class or a base (a base analysed earlier has it in its symbol table; one
    analysed in this pass does not yet, but its body is at hand)."""
    if name in assigned_here:
        return True
    for base in info.mro[1:]:
        sym = base.names.get(name)
        if sym is not None and sym.implicit:
            return True
        if any(
            target.name == name and not augmented
            for _, target, _, augmented in _assignments_in_methods(
                base.defn.defs, check_untyped=True
            )
        ):
            return True
    return False
