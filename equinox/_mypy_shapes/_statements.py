"""The statement blocks nested directly in a statement (mypy's AST)."""

from mypy.nodes import (
    Block,
    ClassDef,
    ForStmt,
    IfStmt,
    MatchStmt,
    Statement,
    TryStmt,
    WhileStmt,
    WithStmt,
)


def nested_blocks(stmt: Statement, *, into_classes: bool = False) -> list[Block]:
    """The blocks of an `if`/loop/`with`/`try`/`match` (or a bare block), and
    with `into_classes` a class body."""
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
        case ClassDef() if into_classes:
            return [stmt.defs]
        case Block():
            return [stmt]
        case _:
            return []
