"""Shape rules of jax.numpy's structural operations, on known shapes.

Each function takes shapes (tuples of terms) and literal arguments, and returns
the result shape or raises `ShapeError` when the operation cannot succeed.
"""

import itertools
import math

from ._broadcast import ShapeError, equal_dims, normalise_axis
from ._terms import Shape, show, show_shape
from ._unify import Term


def _axes(axes: tuple[int, ...], rank: int) -> tuple[int, ...]:
    out = tuple(normalise_axis(a, rank) for a in axes)
    if len(set(out)) != len(out):
        raise ShapeError(f"repeated axis in {axes}")
    return out


def reduce(shape: Shape, axes: tuple[int, ...] | None, keepdims: bool) -> Shape:
    """`sum(x, axis=axes, keepdims=...)`; `axes=None` reduces every axis."""
    chosen = range(len(shape)) if axes is None else _axes(axes, len(shape))
    if keepdims:
        return tuple(1 if i in chosen else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in chosen)


def transpose(shape: Shape, axes: tuple[int, ...] | None) -> Shape:
    if axes is None:
        return shape[::-1]
    if len(axes) != len(shape):
        raise ShapeError(
            f"transpose of {show_shape(shape)} needs {len(shape)} axes, got {len(axes)}"
        )
    return tuple(shape[i] for i in _axes(axes, len(shape)))


def swapaxes(shape: Shape, a: int, b: int) -> Shape:
    i, j = normalise_axis(a, len(shape)), normalise_axis(b, len(shape))
    out = list(shape)
    out[i], out[j] = out[j], out[i]
    return tuple(out)


def moveaxis(shape: Shape, source: int, destination: int) -> Shape:
    i = normalise_axis(source, len(shape))
    j = normalise_axis(destination, len(shape))
    out = list(shape)
    out.insert(j, out.pop(i))
    return tuple(out)


def _size(shape: Shape) -> int | None:
    if all(isinstance(d, int) for d in shape):
        return math.prod(d for d in shape if isinstance(d, int))
    return None


def reshape(shape: Shape | None, new: Shape) -> Shape:
    """`x.reshape(new)` where `new` may hold one -1 (None: input unknown)."""
    holes = [i for i, d in enumerate(new) if d == -1]
    if len(holes) > 1:
        raise ShapeError("reshape can infer at most one dimension (-1)")
    total = None if shape is None else _size(shape)
    rest = _size(tuple(d for d in new if d != -1))
    if total is None or rest is None:
        if holes:
            # The same names on both sides cancel out: (n, 4) -> (n, -1) is 4.
            return _reshape_names(shape, new, holes[0])
        return new
    if holes:
        if rest == 0 or total % rest:
            raise ShapeError(
                f"cannot reshape {show_shape(shape or ())} to {show_shape(new)}"
            )
        return tuple(total // rest if d == -1 else d for d in new)
    if total != rest:
        raise ShapeError(
            f"cannot reshape {show_shape(shape or ())} ({total} elements)"
            f" to {show_shape(new)} ({rest} elements)"
        )
    return new


def _reshape_names(shape: Shape | None, new: Shape, hole: int) -> Shape:
    filled: Term = None
    if shape is not None:
        left = list(shape)
        right = [d for i, d in enumerate(new) if i != hole]
        for d in list(right):
            if d is not None and not isinstance(d, int) and d in left:
                left.remove(d)
                right.remove(d)
        l_size, r_size = _size(tuple(left)), _size(tuple(right))
        if l_size is not None and r_size and l_size % r_size == 0:
            filled = l_size // r_size
        elif len(left) == 1 and not right:
            filled = left[0]
    return tuple(filled if i == hole else d for i, d in enumerate(new))


def squeeze(shape: Shape, axes: tuple[int, ...] | None) -> Shape:
    if axes is None:
        if any(d is None or not isinstance(d, int) for d in shape):
            raise _Unknown
        return tuple(d for d in shape if d != 1)
    chosen = _axes(axes, len(shape))
    for i in chosen:
        if isinstance(shape[i], int) and shape[i] != 1:
            raise ShapeError(f"cannot squeeze axis {i} of size {shape[i]}")
    return tuple(d for i, d in enumerate(shape) if i not in chosen)


class _Unknown(Exception):
    """The result's rank depends on sizes that are not known."""


Unknown = _Unknown


def expand_dims(shape: Shape, axes: tuple[int, ...]) -> Shape:
    rank = len(shape) + len(axes)
    chosen = _axes(axes, rank)
    it = iter(shape)
    return tuple(1 if i in chosen else next(it) for i in range(rank))


def concatenate(
    shapes: list[Shape], axis: int | None, distinct: frozenset[str]
) -> Shape:
    if axis is None:  # flattened first
        sizes = [_size(s) for s in shapes]
        return (
            (sum(s for s in sizes if s is not None),) if None not in sizes else (None,)
        )
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        ranks = ", ".join(show_shape(s) for s in shapes)
        raise ShapeError(f"cannot concatenate arrays of different ranks: {ranks}")
    if rank == 0:
        raise ShapeError("cannot concatenate zero-dimensional arrays")
    i = normalise_axis(axis, rank)
    out: list[Term] = []
    for k in range(rank):
        dims = [s[k] for s in shapes]
        if k == i:
            known = [d for d in dims if isinstance(d, int)]
            out.append(sum(known) if len(known) == len(dims) else None)
            continue
        term = dims[0]
        for d in dims[1:]:
            term = equal_dims(
                term, d, distinct, f"concatenating along axis {i}, axis {k}"
            )
        out.append(term)
    return tuple(out)


def stack(shapes: list[Shape], axis: int, distinct: frozenset[str]) -> Shape:
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        listed = ", ".join(show_shape(s) for s in shapes)
        raise ShapeError(f"cannot stack arrays of different shapes: {listed}")
    common: list[Term] = []
    for k in range(rank):
        term = shapes[0][k]
        for s in shapes[1:]:
            term = equal_dims(term, s[k], distinct, f"stacking, axis {k}")
        common.append(term)
    i = normalise_axis(axis, rank + 1)
    common.insert(i, len(shapes))
    return tuple(common)


def split(
    shape: Shape, sections: int | tuple[int, ...], axis: int, even: bool
) -> list[Shape]:
    """The pieces of `jnp.split` (`even`) or `jnp.array_split`: `sections`
    equal parts, or the parts between the indices given as a tuple. As at run
    time, an equal split must divide the axis, and indices must not decrease
    (they give the part sizes `[i0, i1 - i0, ..., size - ik]`, none negative)."""
    i = normalise_axis(axis, len(shape))
    size = shape[i]
    sizes: list[Term]
    if isinstance(sections, int):
        sizes = _sections(size, sections, i, even)
    elif not sections:
        sizes = [size]
    else:
        bounds = [0, *sections]
        sizes = [b - a for a, b in itertools.pairwise(bounds)]
        sizes.append(size - bounds[-1] if isinstance(size, int) else None)
        if any(isinstance(s, int) and s < 0 for s in sizes):
            raise ShapeError(
                f"split indices {list(sections)} give a negative part size on"
                f" axis {i} of size {show(size)}"
            )
    return [(*shape[:i], s, *shape[i + 1 :]) for s in sizes]


def _sections(size: Term, sections: int, axis: int, even: bool) -> list[Term]:
    if sections <= 0:
        raise ShapeError(f"cannot split into {sections} sections")
    if sections == 1:
        return [size]
    if not isinstance(size, int):
        return [None] * sections
    quotient, rest = divmod(size, sections)
    if even and rest:
        raise ShapeError(
            f"axis {axis} of size {size} does not split into {sections} equal parts"
        )
    sizes: list[Term] = [quotient + 1] * rest
    return sizes + [quotient] * (sections - rest)
