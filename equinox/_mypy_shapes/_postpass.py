"""Checks of return statements and assignments, after a module is type-checked.

mypy has no plugin hook for `return x` or `y: T = x`. So before semantic
analysis we append one harmless function whose body is `len("")` to each
module that imports jaxtyping; when the checker reaches it (the module's last
function body) the function hook below recognises that exact node and walks
the module, reading the types mypy inferred for return values and assigned
values.
Functions mypy defers to its second pass are not covered.
"""

import dataclasses

from mypy.checker import TypeChecker
from mypy.nodes import (
    ARG_POS,
    MISSING_FALLBACK,
    AssertTypeExpr,
    AssignmentStmt,
    Block,
    CallExpr,
    ClassDef,
    Decorator,
    Expression,
    ExpressionStmt,
    ForStmt,
    FuncDef,
    FuncItem,
    IfStmt,
    Import,
    ImportAll,
    ImportFrom,
    MatchStmt,
    MemberExpr,
    MypyFile,
    NameExpr,
    OverloadedFuncDef,
    RaiseStmt,
    ReturnStmt,
    RevealExpr,
    Statement,
    StrExpr,
    TryStmt,
    Var,
    WhileStmt,
    WithStmt,
)
from mypy.plugin import AnalyzeTypeContext, FunctionContext
from mypy.semanal import SemanticAnalyzer
from mypy.typeanal import TypeAnalyser
from mypy.types import (
    CallableType,
    Instance,
    TupleType,
    Type,
    UnboundType,
    get_proper_type,
)

from ._check import check_value, expected_specs
from ._encoding import spec_of
from ._rebinding import untrusted_in
from ._scope import signature_names
from ._unify import Memo

_SENTINEL_NAME = "__eqx_shapes_check__"


@dataclasses.dataclass(slots=True)
class _Scope:
    """The function being walked: its declared return type and, in a custom
    `__init__`, the memo shared by the field assignments on `self`."""

    returns: Type | None
    fields: Memo | None
    self_name: str | None
    func: FuncItem | None = None
    # Names of the signature (and fields, in a method): pairwise different.
    distinct: frozenset[str] = frozenset()


# The sentinel calls appended so far, by id (the nodes are kept alive here).
_sentinels: dict[int, CallExpr] = {}


def _imports_jaxtyping(file: MypyFile) -> bool:
    for imp in file.imports:
        if isinstance(imp, ImportFrom | ImportAll) and imp.id.startswith("jaxtyping"):
            return True
        if isinstance(imp, Import) and any(
            name.startswith("jaxtyping") for name, _ in imp.ids
        ):
            return True
    return False


def _may_end_module(stmt: Statement) -> bool:
    """`raise SystemExit(...)`, `sys.exit(...)`: code after it is unreachable
    (unchecked, and flagged by mypy's --warn-unreachable)."""
    if isinstance(stmt, RaiseStmt):
        return True
    if isinstance(stmt, ExpressionStmt) and isinstance(stmt.expr, CallExpr):
        callee = stmt.expr.callee
        name = callee.name if isinstance(callee, NameExpr | MemberExpr) else ""
        return name in {"exit", "quit", "_exit", "abort"}
    return False


def _installed(path: str) -> bool:
    """Third-party code is analysed with errors silenced: don't walk it."""
    return "site-packages" in path or "dist-packages" in path


def _none_signature() -> CallableType:
    """`() -> None` as the parser would produce it (analysed later by mypy)."""
    return CallableType([], [], [], UnboundType("None"), Instance(MISSING_FALLBACK, []))


def inject_sentinel(file: MypyFile) -> None:
    """Append `def __eqx_shapes_check__() -> None: len("")` to the module.

    mypy checks function bodies after all top-level code, in definition order,
    so a function defined last is checked last.
    """
    if file.is_stub or not file.defs or _installed(file.path):
        return
    if not _imports_jaxtyping(file):
        return
    # Before a final `raise SystemExit`, so that the function stays reachable.
    at = len(file.defs) - 1 if _may_end_module(file.defs[-1]) else len(file.defs)
    last = file.defs[max(at - 1, 0)]
    line = max(last.end_line or last.line, last.line)
    call = CallExpr(NameExpr("len"), [StrExpr("")], [ARG_POS], [None])
    stmt = ExpressionStmt(call)
    func = FuncDef(_SENTINEL_NAME, [], Block([stmt]), _none_signature())
    func.unanalyzed_type = _none_signature()
    for node in (func, func.body, stmt, call, call.callee, call.args[0]):
        node.set_line(line)
    file.defs.insert(at, func)
    _sentinels[id(call)] = call


def _has_sentinel(file: MypyFile) -> bool:
    # Injected last, or just before a final `raise SystemExit`.
    return any(
        isinstance(stmt, FuncDef) and stmt.name == _SENTINEL_NAME
        for stmt in file.defs[-2:]
    )


def inject_sentinel_late(ctx: AnalyzeTypeContext) -> None:
    """Inject the sentinel into the module whose top level is being analysed.

    mypy asks plugins for a module's dependencies (where `inject_sentinel`
    normally runs) only when it has no valid cache entry for the module. A
    module whose entry is valid but which is re-checked because a dependency
    changed is parsed again without that call, so it would lose these checks
    on warm runs. Annotations at its top level (signatures, fields) are
    analysed while mypy iterates over `file.defs`, so a function appended
    then is analysed and checked like any other.
    """
    analyzer = ctx.api.api if isinstance(ctx.api, TypeAnalyser) else None
    if not isinstance(analyzer, SemanticAnalyzer) or analyzer.is_func_scope():
        return
    file = analyzer.cur_mod_node
    if not _has_sentinel(file):
        inject_sentinel(file)


def is_sentinel(ctx: FunctionContext) -> bool:
    return _sentinels.get(id(ctx.context)) is ctx.context


def run_sentinel(ctx: FunctionContext) -> Type:
    if isinstance(ctx.api, TypeChecker):
        _walk(ctx.api.tree.defs, ctx.api, None)
    return ctx.default_return_type


def _walk(body: list[Statement], api: TypeChecker, scope: _Scope | None) -> None:
    for stmt in body:
        _visit(stmt, api, scope)


def _visit(stmt: Statement, api: TypeChecker, scope: _Scope | None) -> None:
    match stmt:
        case FuncDef():
            if stmt.name != _SENTINEL_NAME:
                _visit_func(stmt, api)
        case Decorator():
            _visit_func(stmt.func, api)
        case OverloadedFuncDef():
            if stmt.impl is not None:
                _visit(stmt.impl, api, None)
        case ClassDef():
            _walk(stmt.defs.body, api, None)
        case Block():
            _walk(stmt.body, api, scope)
        case IfStmt():
            for block in stmt.body:
                _walk(block.body, api, scope)
            if stmt.else_body is not None:
                _walk(stmt.else_body.body, api, scope)
        case ForStmt() | WhileStmt():
            _walk(stmt.body.body, api, scope)
            if stmt.else_body is not None:
                _walk(stmt.else_body.body, api, scope)
        case WithStmt():
            _walk(stmt.body.body, api, scope)
        case TryStmt():
            blocks: list[Block | None] = [stmt.body, *stmt.handlers]
            for maybe in [*blocks, stmt.else_body, stmt.finally_body]:
                if maybe is not None:
                    _walk(maybe.body, api, scope)
        case MatchStmt():
            for block in stmt.bodies:
                _walk(block.body, api, scope)
        case ReturnStmt():
            if (
                scope is not None
                and scope.returns is not None
                and stmt.expr is not None
                and not (scope.func and untrusted_in(api, scope.func, stmt.expr))
            ):
                _check(
                    api,
                    scope.returns,
                    stmt.expr,
                    "Return value",
                    "the return value",
                    distinct=scope.distinct,
                )
        case AssignmentStmt():
            _visit_assignment(stmt, api, scope)
            _reveal(stmt.rvalue, api, scope)
        case ExpressionStmt():
            _reveal(stmt.expr, api, scope)
            _assert_type(stmt.expr, api)
        case _:
            pass


def _reveal(expr: Expression, api: TypeChecker, scope: _Scope | None) -> None:
    """Complete `reveal_type` with the dtype and shape mypy cannot display."""
    if not isinstance(expr, CallExpr) or not isinstance(expr.analyzed, RevealExpr):
        return
    reveal = expr.analyzed
    if reveal.expr is None:
        return
    if scope is not None and scope.func and untrusted_in(api, scope.func, reveal.expr):
        return
    typ = get_proper_type(api.lookup_type_or_none(reveal.expr))
    spec = spec_of(typ)
    if spec is not None and isinstance(typ, Instance):
        shape = spec.shape_text()
        api.note(
            f'Revealed jaxtyping type is {spec.dtype}[{typ.type.name}, "{shape}"]',
            reveal.expr,
        )


def _assert_type(expr: Expression, api: TypeChecker) -> None:
    """`assert_type(x, Float[Array, "3 4"])` also asserts that the inferred
    dtype family and shape fit the annotation (mypy compares plain types):
    known sizes must match it and its names must bind consistently."""
    if isinstance(expr, CallExpr) and isinstance(expr.analyzed, AssertTypeExpr):
        expr = expr.analyzed
    if not isinstance(expr, AssertTypeExpr):
        return
    want = spec_of(expr.type)
    if want is None:
        return
    got = spec_of(api.lookup_type_or_none(expr.expr))
    check_value(api, [want], got, Memo(), "Expression", "the expression", expr)


def _visit_func(func: FuncDef, api: TypeChecker) -> None:
    returns = None
    if isinstance(func.type, CallableType) and not func.is_generator:
        returns = func.type.ret_type
    # A custom `__init__` fills the fields: one memo for all of them, as the
    # fields of a Module are checked together once construction ends.
    fields = Memo() if func.name == "__init__" and func.info else None
    self_name = func.arg_names[0] if func.arg_names else None
    distinct = signature_names(func)
    scope = _Scope(returns, fields, self_name, func, distinct)
    _walk(func.body.body, api, scope)


def _visit_assignment(
    stmt: AssignmentStmt, api: TypeChecker, scope: _Scope | None
) -> None:
    for lvalue in stmt.lvalues:
        declared: Type | None = None
        memo = Memo()
        distinct: frozenset[str] = frozenset()
        if isinstance(lvalue, NameExpr) and isinstance(lvalue.node, Var):
            # Only where the annotation is written: a later `x = layer(x)`
            # rebinds the name to a new shape, as every model does.
            if not lvalue.node.is_inferred and stmt.type is not None:
                declared = lvalue.node.type
            name = lvalue.name
        elif isinstance(lvalue, MemberExpr):
            declared = api.lookup_type_or_none(lvalue)
            name = lvalue.name
            if (
                scope is not None
                and scope.fields is not None
                and _is_self(lvalue, scope)
            ):
                memo = scope.fields
                distinct = scope.distinct
        else:
            continue
        if declared is not None:
            what = f'Value assigned to "{name}"'
            _check(api, declared, stmt.rvalue, what, f'"{name}"', memo, distinct)


def _is_self(lvalue: MemberExpr, scope: _Scope) -> bool:
    return isinstance(lvalue.expr, NameExpr) and lvalue.expr.name == scope.self_name


def _check(
    api: TypeChecker,
    declared: Type,
    expr: Expression,
    what: str,
    who: str,
    memo: Memo | None = None,
    distinct: frozenset[str] = frozenset(),
) -> None:
    actual = api.lookup_type_or_none(expr)
    if actual is None:
        return
    want_p, got_p = get_proper_type(declared), get_proper_type(actual)
    if isinstance(want_p, TupleType) and isinstance(got_p, TupleType):
        if len(want_p.items) == len(got_p.items):
            memo = Memo()
            for i, (w, g) in enumerate(zip(want_p.items, got_p.items, strict=False)):
                expected = expected_specs(w)
                if expected is not None:
                    check_value(
                        api,
                        expected,
                        spec_of(g),
                        memo,
                        f"{what} item {i}",
                        who,
                        expr,
                        distinct,
                    )
        return
    expected = expected_specs(want_p)
    if expected is not None:
        check_value(
            api,
            expected,
            spec_of(got_p),
            Memo() if memo is None else memo,
            what,
            who,
            expr,
            distinct,
        )
