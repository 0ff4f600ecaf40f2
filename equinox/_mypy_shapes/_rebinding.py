"""Where a variable's type may no longer describe its shape.

mypy narrows `x = layer(x)` to the new shape in straight-line code, but where
branches or loop iterations meet it joins the types, ignoring shapes: after a
loop that rebinds `x`, `x` shows an earlier shape (often the declared one). So
from the first line of any loop, `if`, `try`, `with` or `match` that assigns
a name, the shape read from that name is not trusted (unknown, never an error).
"""

from mypy.checker import TypeChecker
from mypy.nodes import (
    AssignmentStmt,
    Block,
    ClassDef,
    Decorator,
    Expression,
    ForStmt,
    FuncBase,
    FuncItem,
    IfStmt,
    ListExpr,
    Lvalue,
    MatchStmt,
    MypyFile,
    NameExpr,
    OperatorAssignmentStmt,
    StarExpr,
    Statement,
    TryStmt,
    TupleExpr,
    Var,
    WhileStmt,
    WithStmt,
)

_Table = dict[int, int]  # id(Var) -> first untrusted line
_tables: dict[int, tuple[object, _Table]] = {}


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
        for block in _blocks(stmt):
            _assigned(block.body, out)


def _blocks(stmt: Statement) -> list[Block]:
    match stmt:
        case IfStmt():
            return [*stmt.body, *([stmt.else_body] if stmt.else_body else [])]
        case ForStmt() | WhileStmt():
            return [stmt.body, *([stmt.else_body] if stmt.else_body else [])]
        case WithStmt():
            return [stmt.body]
        case TryStmt():
            extra = [stmt.else_body, stmt.finally_body]
            return [stmt.body, *stmt.handlers, *(b for b in extra if b is not None)]
        case MatchStmt():
            return list(stmt.bodies)
        case Block():
            return [stmt]
        case _:
            return []


def _build(stmts: list[Statement], table: _Table) -> None:
    for stmt in stmts:
        if isinstance(stmt, FuncBase | Decorator | ClassDef):
            continue
        blocks = _blocks(stmt)
        if not blocks:
            continue
        found: list[Var] = []
        if isinstance(stmt, ForStmt):
            _targets(stmt.index, found)
        for block in blocks:
            _assigned(block.body, found)
        for var in found:
            table[id(var)] = min(table.get(id(var), stmt.line), stmt.line)


def _table(node: FuncItem | MypyFile) -> _Table:
    cached = _tables.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    table: _Table = {}
    body = node.defs if isinstance(node, MypyFile) else node.body.body
    _build(body, table)
    _tables[id(node)] = (node, table)
    return table


def untrusted_in(node: FuncItem | MypyFile, expr: Expression) -> bool:
    if not isinstance(expr, NameExpr) or not isinstance(expr.node, Var):
        return False
    start = _table(node).get(id(expr.node))
    return start is not None and expr.line >= start


def untrusted(api: TypeChecker, expr: Expression | None) -> bool:
    """Whether the shape of `expr` (read now, while checking) may be stale."""
    if expr is None:
        return False
    func = api.scope.current_function()
    return untrusted_in(api.tree if func is None else func, expr)
