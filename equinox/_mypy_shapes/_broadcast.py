"""Shape arithmetic of element-wise operations and matrix products.

Terms that cannot be shown different never fail: a name against a size, or an
unknown against anything. Two different names fail only when both belong to
the current scope's signature (`distinct`), where jaxtyping binds them to
different sizes: that is the `jaxtyping-names` strictness.
"""

from collections.abc import Iterable

from mypy.errorcodes import ErrorCode

from ._encoding import NAMES_CODE, SHAPE_CODE
from ._terms import Shape, show, show_shape
from ._unify import Sym, Term


class ShapeError(Exception):
    """An operation whose operands cannot fit; `code` is the error code."""

    def __init__(self, message: str, code: ErrorCode = SHAPE_CODE) -> None:
        super().__init__(message)
        self.code = code


def differ(a: Term, b: Term, distinct: frozenset[str]) -> ErrorCode | None:
    """Why terms `a` and `b` are provably different sizes (the error code)."""
    if isinstance(a, int) and isinstance(b, int):
        return SHAPE_CODE if a != b else None
    if isinstance(a, Sym) and isinstance(b, Sym) and a != b:
        if a.name in distinct and b.name in distinct:
            return NAMES_CODE
    return None


def equal_dims(a: Term, b: Term, distinct: frozenset[str], what: str) -> Term:
    """The common size of two dimensions that must be equal (e.g. contracted)."""
    code = differ(a, b, distinct)
    if code is not None:
        raise ShapeError(f"{what}: {show(a)} and {show(b)} differ", code)
    if isinstance(a, int) or b is None:
        return a
    return b


def _broadcast_pair(a: Term, b: Term, distinct: frozenset[str]) -> Term:
    if a == 1:
        return b
    if b == 1:
        return a
    if a == b:
        return a
    code = differ(a, b, distinct)
    if code is not None:
        raise ShapeError(f"{show(a)} vs {show(b)}", code)
    # A known size other than 1 wins: the other side must be it, or 1.
    if isinstance(a, int):
        return a
    if isinstance(b, int):
        return b
    return None


def broadcast(shapes: Iterable[Shape], distinct: frozenset[str]) -> Shape:
    """NumPy broadcasting of known shapes."""
    out: list[Term] = []
    listed = list(shapes)
    rank = max((len(s) for s in listed), default=0)
    for axis in range(-rank, 0):
        dims = [s[axis] for s in listed if len(s) >= -axis]
        term = dims[0]
        for other in dims[1:]:
            try:
                term = _broadcast_pair(term, other, distinct)
            except ShapeError as e:
                shown = " and ".join(show_shape(s) for s in listed)
                raise ShapeError(
                    f"shapes {shown} do not broadcast ({e})", e.code
                ) from None
        out.append(term)
    return tuple(out)


def matmul(a: Shape, b: Shape, distinct: frozenset[str]) -> Shape:
    """`a @ b` with NumPy's rules (1-D operands, batch broadcasting)."""
    if not a or not b:
        raise ShapeError("matmul of a scalar (use * instead)")
    left = a if len(a) > 1 else (1, *a)
    right = b if len(b) > 1 else (*b, 1)
    what = f"contracting {show_shape(a)} with {show_shape(b)}"
    equal_dims(left[-1], right[-2], distinct, what)
    batch = broadcast([left[:-2], right[:-2]], distinct)
    out = (*batch, left[-2], right[-1])
    if len(a) == 1:
        out = (*out[:-2], out[-1])
    if len(b) == 1:
        out = out[:-1]
    return out


def normalise_axis(axis: int, rank: int) -> int:
    if not -rank <= axis < rank:
        raise ShapeError(f"axis {axis} is out of bounds for rank {rank}")
    return axis % rank
