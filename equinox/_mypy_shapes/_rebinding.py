"""Where a variable's type may no longer describe its shape.

mypy narrows `x = layer(x)` to the new shape in straight-line code, but where
branches or loop iterations meet it joins the types, ignoring shapes: after a
loop that rebinds `x`, `x` shows an earlier shape (often the declared one). So
from the first line of any loop, `if`, `try`, `with` or `match` that assigns
a name, the shape read from that name is not trusted (unknown, never an error).
In straight-line code a name reads the shape of the value last assigned to
it; when mypy shows another one (it keeps a variable's first inferred type
when the new value's type differs only in its shape), that is not trusted
either.
"""

from mypy.checker import TypeChecker
from mypy.nodes import (
    AssignmentStmt,
    ClassDef,
    Decorator,
    Expression,
    ForStmt,
    FuncBase,
    FuncItem,
    ListExpr,
    Lvalue,
    MypyFile,
    NameExpr,
    OperatorAssignmentStmt,
    StarExpr,
    Statement,
    TupleExpr,
    Var,
    WithStmt,
)

from ._encoding import spec_of
from ._statements import nested_blocks

# Stands for the value of an annotated assignment `x: T = v`, after which mypy
# shows `x` as `T` or as `v`'s type: both describe the value, so trusted.
_ANNOTATED: Expression = NameExpr("<annotated>")

_Table = dict[int, int]  # id(Var) -> first untrusted line
# id(Var) -> (line, value) of its straight-line assignments (None: unpacked).
_Assigned = dict[int, list[tuple[int, Expression | None]]]
_tables: dict[int, tuple[object, _Table, _Assigned]] = {}


def _targets(lvalue: Lvalue | Expression, out: list[Var]) -> None:
    if isinstance(lvalue, NameExpr) and isinstance(lvalue.node, Var):
        out.append(lvalue.node)
    elif isinstance(lvalue, TupleExpr | ListExpr):
        for item in lvalue.items:
            _targets(item, out)
    elif isinstance(lvalue, StarExpr):
        _targets(lvalue.expr, out)


def _assigned(stmts: list[Statement], out: list[Var]) -> None:
    """Every variable assigned anywhere in `stmts` (not in nested functions)."""
    for stmt in stmts:
        match stmt:
            case AssignmentStmt():
                for lvalue in stmt.lvalues:
                    _targets(lvalue, out)
            case OperatorAssignmentStmt():
                _targets(stmt.lvalue, out)
            case ForStmt():
                _targets(stmt.index, out)
            case WithStmt():
                for target in stmt.target:
                    if target is not None:
                        _targets(target, out)
            case _:
                pass
        for block in nested_blocks(stmt):
            _assigned(block.body, out)


def _straight(stmt: Statement, assigned: _Assigned) -> None:
    if not isinstance(stmt, AssignmentStmt):
        return
    for lvalue in stmt.lvalues:
        if isinstance(lvalue, NameExpr) and isinstance(lvalue.node, Var):
            # `x: T = v` shows T (or v's type): None marks "annotated here".
            value = stmt.rvalue if stmt.type is None else _ANNOTATED
            assigned.setdefault(id(lvalue.node), []).append((stmt.line, value))
        else:
            found: list[Var] = []
            _targets(lvalue, found)
            for var in found:
                assigned.setdefault(id(var), []).append((stmt.line, None))


def _build(stmts: list[Statement], table: _Table, assigned: _Assigned) -> None:
    for stmt in stmts:
        if isinstance(stmt, FuncBase | Decorator | ClassDef):
            continue
        _straight(stmt, assigned)
        blocks = nested_blocks(stmt)
        if not blocks:
            continue
        found: list[Var] = []
        if isinstance(stmt, ForStmt):
            _targets(stmt.index, found)
        for block in blocks:
            _assigned(block.body, found)
        for var in found:
            table[id(var)] = min(table.get(id(var), stmt.line), stmt.line)


def _tables_of(node: FuncItem | MypyFile) -> tuple[_Table, _Assigned]:
    cached = _tables.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1], cached[2]
    table: _Table = {}
    assigned: _Assigned = {}
    body = node.defs if isinstance(node, MypyFile) else node.body.body
    _build(body, table, assigned)
    _tables[id(node)] = (node, table, assigned)
    return table, assigned


def untrusted_in(api: TypeChecker, node: FuncItem | MypyFile, expr: Expression) -> bool:
    if not isinstance(expr, NameExpr) or not isinstance(expr.node, Var):
        return False
    table, assigned = _tables_of(node)
    start = table.get(id(expr.node))
    if start is not None and expr.line >= start:
        return True
    # `x = f(x)` reads the old x on its own line: earlier lines only.
    earlier = [a for a in assigned.get(id(expr.node), []) if a[0] < expr.line]
    if not earlier:
        return False
    value = earlier[-1][1]
    if value is None:  # unpacked: the first binding of a local is trusted
        params = [] if isinstance(node, MypyFile) else node.arguments
        is_param = any(a.variable is expr.node for a in params)
        return is_param or len(earlier) > 1
    if value is _ANNOTATED:
        return False
    shown = spec_of(api.lookup_type_or_none(expr))
    return shown is not None and shown != spec_of(api.lookup_type_or_none(value))


def untrusted(api: TypeChecker, expr: Expression | None) -> bool:
    """Whether the shape of `expr` (read now, while checking) may be stale."""
    if expr is None:
        return False
    func = api.scope.current_function()
    return untrusted_in(api, api.tree if func is None else func, expr)
