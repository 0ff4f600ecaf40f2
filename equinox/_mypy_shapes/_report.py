"""Reporting a shape or dtype error, except where the code expects one.

Inside `with pytest.raises(...)` (or `self.assertRaises(...)`) a call that
fails at run time is the point of the test: a test of the run-time checker
passes a wrong shape on purpose. Shape and dtype errors there are not
reported.
"""

from mypy.checker import TypeChecker
from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    Block,
    CallExpr,
    ClassDef,
    Context,
    Decorator,
    ForStmt,
    FuncDef,
    IfStmt,
    MatchStmt,
    MemberExpr,
    MypyFile,
    OverloadedFuncDef,
    RefExpr,
    Statement,
    TryStmt,
    WhileStmt,
    WithStmt,
)
from mypy.plugin import CheckerPluginInterface

_RAISES = frozenset({"raises", "assertRaises", "assertRaisesRegex"})
_ranges: dict[int, tuple[MypyFile, list[tuple[int, int]]]] = {}


def _expects_error(stmt: WithStmt) -> bool:
    for manager in stmt.expr:
        if isinstance(manager, CallExpr):
            callee = manager.callee
            name = callee.name if isinstance(callee, RefExpr | MemberExpr) else ""
            if name in _RAISES:
                return True
    return False


def _walk(stmts: list[Statement], found: list[tuple[int, int]]) -> None:
    for stmt in stmts:
        if isinstance(stmt, WithStmt) and _expects_error(stmt):
            end = stmt.body.end_line or stmt.line
            found.append((stmt.line, max(end, stmt.line)))
        for block in _blocks(stmt):
            _walk(block.body, found)


def _blocks(stmt: Statement) -> list[Block]:
    match stmt:
        case FuncDef() | ClassDef():
            return [stmt.body if isinstance(stmt, FuncDef) else stmt.defs]
        case Decorator():
            return [stmt.func.body]
        case OverloadedFuncDef():
            return [] if stmt.impl is None else _blocks(stmt.impl)
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


def _expected_ranges(tree: MypyFile) -> list[tuple[int, int]]:
    cached = _ranges.get(id(tree))
    if cached is not None and cached[0] is tree:
        return cached[1]
    found: list[tuple[int, int]] = []
    _walk(tree.defs, found)
    _ranges[id(tree)] = (tree, found)
    return found


def fail(
    api: CheckerPluginInterface, message: str, context: Context, code: ErrorCode
) -> None:
    if isinstance(api, TypeChecker):
        line = context.line
        if any(start <= line <= end for start, end in _expected_ranges(api.tree)):
            return
    api.fail(message, context, code=code)
