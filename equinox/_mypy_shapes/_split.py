"""`jnp.split` and its kin: a `list[Array]` whose parts may differ in shape.

The list's item type carries what every part shares (the split axis unknown
when the parts differ there). The parts themselves ride on the list instance
(`extra_attrs`, as specs do), so that `parts[0]` reads its own shape. Where the
call is unpacked (`a, b = jnp.split(x, [2])`), mypy gives every name the list's
item type; there the call's type is a tuple of the parts instead, which mypy
unpacks name by name (the expression is used for nothing else).
"""

from mypy.checker import TypeChecker
from mypy.nodes import (
    AssignmentStmt,
    CallExpr,
    Expression,
    FuncBase,
    FuncItem,
    ListExpr,
    MypyFile,
    StarExpr,
    Statement,
    TupleExpr,
)
from mypy.plugin import MethodContext
from mypy.types import (
    ExtraAttrs,
    Instance,
    LiteralType,
    TupleType,
    Type,
    get_proper_type,
)

from .._shape_spec import ShapeSpecError, format_shape, parse_shape
from . import _shape_ops as ops
from ._broadcast import ShapeError
from ._encoding import SHAPE_CODE, ArraySpec, attach
from ._operands import Operand, arg, int_literal, operand
from ._report import fail
from ._statements import nested_blocks
from ._terms import Shape, spec_from, terms_of

_ARRAY = "jax._src.basearray.Array"
_PARTS = "__jaxtyping_parts__"
# jnp name -> (split axis: None when passed as `axis=`, equal parts required)
SPLITS: dict[str, tuple[int | None, bool]] = {
    "split": (None, True),
    "array_split": (None, False),
    "vsplit": (0, True),
    "hsplit": (1, True),
    "dsplit": (2, True),
}


def _sections(
    api: TypeChecker, expr: Expression | None
) -> int | tuple[int, ...] | None:
    """`indices_or_sections`: an int, or a literal list/tuple of ints."""
    if isinstance(expr, ListExpr | TupleExpr):
        values = [int_literal(api, item) for item in expr.items]
        if any(v is None for v in values):
            return None
        return tuple(v for v in values if v is not None)
    return int_literal(api, expr)


def _axis(api: TypeChecker, name: str, call: CallExpr, rank: int) -> int | None:
    fixed, _ = SPLITS[name]
    if name == "hsplit":
        return 1 if rank >= 2 else 0  # as NumPy: columns, or a 1-D array's only axis
    if fixed is not None:
        return fixed
    given = arg(call, 2, "axis")
    return 0 if given is None else int_literal(api, given)


def parts_of(
    api: TypeChecker, name: str, call: CallExpr, x: Operand
) -> list[Shape] | None:
    """The shapes of the parts, or None when not known. Raises `ShapeError`."""
    sections = _sections(api, arg(call, 1, "indices_or_sections"))
    if x.shape is None or sections is None:
        return None
    axis = _axis(api, name, call, len(x.shape))
    if axis is None:
        return None
    return ops.split(x.shape, sections, axis, even=SPLITS[name][1])


def _common(parts: list[Shape]) -> Shape:
    first = parts[0]
    return tuple(
        d if all(p[k] == d for p in parts) else None for k, d in enumerate(first)
    )


def split_result(name: str, api: TypeChecker, call: CallExpr, result: Type) -> Type:
    """The type of `jnp.<name>(x, ...)`: parts with their shapes (see module doc)."""
    proper = get_proper_type(result)
    if not isinstance(proper, Instance) or len(proper.args) != 1:
        return result
    array = get_proper_type(proper.args[0])
    x = operand(api, arg(call, 0, "ary"))
    if not isinstance(array, Instance) or array.type.fullname != _ARRAY:
        return result
    if x is None or x.dtype.startswith("weak:"):
        return result
    str_type = api.named_type("builtins.str")
    try:
        parts = parts_of(api, name, call, x)
    except ShapeError as e:
        fail(api, f'"jnp.{name}": {e}', call, e.code)
        return result
    if parts is None:
        item = attach(array, spec_from(x.dtype, None), str_type)
        return _list_of(proper, item, None)
    typed = [attach(array, spec_from(x.dtype, p), str_type) for p in parts]
    item = attach(array, spec_from(x.dtype, _common(parts)), str_type)
    targets = _unpacked_into(api, call)
    if targets is not None and targets != len(parts):
        fail(
            api,
            f'"jnp.{name}" gives {len(parts)} arrays, unpacked into {targets} names',
            call,
            SHAPE_CODE,
        )
    elif targets is not None:
        fallback = api.named_generic_type("builtins.tuple", [item])
        return TupleType(list(typed), fallback, call.line, call.column)
    return _list_of(proper, item, LiteralType(_encode(x.dtype, parts), str_type))


def _list_of(base: Instance, item: Instance, parts: LiteralType | None) -> Instance:
    """`list[item]`, carrying the parts' shapes if given."""
    new = Instance(base.type, [item], base.line, base.column)
    if parts is not None:
        new.extra_attrs = ExtraAttrs({_PARTS: parts}, {_PARTS})
    return new


def _encode(dtype: str, parts: list[Shape]) -> str:
    shapes = [spec_from(dtype, p).shape for p in parts]
    return "|".join([dtype, *(format_shape(s) for s in shapes if s is not None)])


def _decode(value: str) -> list[ArraySpec] | None:
    dtype, *shapes = value.split("|")
    try:
        return [ArraySpec(dtype, parse_shape(s)) for s in shapes]
    except ShapeSpecError:
        return None


def part_at(ctx: MethodContext, result: Type) -> Type:
    """`parts[i]` of a list from `jnp.split` with known parts: part i's shape."""
    receiver = get_proper_type(ctx.type)
    proper = get_proper_type(result)
    api = ctx.api
    if not isinstance(receiver, Instance) or receiver.extra_attrs is None:
        return result
    literal = receiver.extra_attrs.attrs.get(_PARTS)
    if not isinstance(literal, LiteralType) or not isinstance(literal.value, str):
        return result
    if not isinstance(proper, Instance) or not isinstance(api, TypeChecker):
        return result
    parts = _decode(literal.value)
    index = int_literal(api, ctx.args[0][0]) if ctx.args and ctx.args[0] else None
    if parts is None or index is None or not -len(parts) <= index < len(parts):
        return result
    spec = parts[index]
    if terms_of(spec) is None:
        return result
    return attach(proper, spec, api.named_type("builtins.str"))


# -- where a call is unpacked ----------------------------------------------------

_unpacks: dict[int, tuple[object, dict[int, int]]] = {}


def _unpacked_into(api: TypeChecker, call: CallExpr) -> int | None:
    """How many names `a, b = <call>` unpacks `call` into (None: not unpacked,
    or with a starred name)."""
    func = api.scope.current_function()
    node: FuncItem | MypyFile = api.tree if func is None else func
    cached = _unpacks.get(id(node))
    if cached is None or cached[0] is not node:
        table: dict[int, int] = {}
        _index(node.defs if isinstance(node, MypyFile) else node.body.body, table)
        cached = (node, table)
        _unpacks[id(node)] = cached
    return cached[1].get(id(call))


def _index(stmts: list[Statement], table: dict[int, int]) -> None:
    for stmt in stmts:
        if isinstance(stmt, FuncBase):
            continue
        if isinstance(stmt, AssignmentStmt) and len(stmt.lvalues) == 1:
            target = stmt.lvalues[0]
            if isinstance(target, TupleExpr | ListExpr) and not any(
                isinstance(item, StarExpr) for item in target.items
            ):
                table[id(stmt.rvalue)] = len(target.items)
        for block in nested_blocks(stmt, into_classes=True):
            _index(block.body, table)
