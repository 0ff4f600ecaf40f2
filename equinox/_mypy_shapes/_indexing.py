"""The shape of `x[index]`: integers drop an axis, slices keep it (sized when
literal), `None` inserts one, `...` fills; array indices make it unknown."""

from mypy.checker import TypeChecker
from mypy.nodes import EllipsisExpr, Expression, SliceExpr, TupleExpr
from mypy.types import Instance, LiteralType, get_proper_type

from ._broadcast import ShapeError
from ._operands import int_literal, is_none
from ._terms import Shape, show_shape
from ._unify import Term

_DROP, _NEW, _FILL = "drop", "new", "fill"


def _kind(api: TypeChecker, item: Expression) -> str | Term | slice | None:
    """What one index item does: drop/new/fill, a slice, or None (unknown)."""
    if isinstance(item, EllipsisExpr):
        return _FILL
    if is_none(item):
        return _NEW
    if isinstance(item, SliceExpr):
        parts = [item.begin_index, item.end_index, item.stride]
        values = [None if p is None else int_literal(api, p) for p in parts]
        if any(
            p is not None and v is None for p, v in zip(parts, values, strict=False)
        ):
            return slice(None, None, 0)  # a slice of unknown length
        return slice(*values)
    proper = get_proper_type(api.lookup_type_or_none(item))
    if isinstance(proper, LiteralType):
        proper = proper.fallback
    if isinstance(proper, Instance) and proper.type.fullname == "builtins.int":
        return _DROP
    return None


def _sliced(dim: Term, s: slice) -> Term:
    if s.step == 0:
        return None
    if s == slice(None):
        return dim
    if isinstance(dim, int):
        return len(range(dim)[s])
    return None


def index(api: TypeChecker, shape: Shape, expr: Expression) -> Shape | None:
    items = expr.items if isinstance(expr, TupleExpr) else [expr]
    kinds = [_kind(api, item) for item in items]
    if any(k is None for k in kinds):
        return None
    used = sum(k in (_DROP,) or isinstance(k, slice) for k in kinds)
    if used > len(shape):
        raise ShapeError(
            f"too many indices ({used}) for an array of shape {show_shape(shape)}"
        )
    if kinds.count(_FILL) > 1:
        raise ShapeError("an index can only have a single ellipsis ('...')")
    if _FILL not in kinds:
        kinds.append(_FILL)
    out: list[Term] = []
    axis = 0
    for k in kinds:
        if k == _FILL:
            rest = len(shape) - used
            out.extend(shape[axis : axis + rest])
            axis += rest
        elif k == _NEW:
            out.append(1)
        elif k == _DROP:
            axis += 1
        elif isinstance(k, slice):
            out.append(_sliced(shape[axis], k))
            axis += 1
    return tuple(out)
