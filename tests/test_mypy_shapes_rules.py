"""The shape rules behind static inference, as pure functions (no mypy run).

Expected shapes are what jax.numpy returns for the same operation (checked
against jax at the time of writing and frozen here as literals).
"""

import pytest

from equinox._mypy_shapes import _shape_ops as ops
from equinox._mypy_shapes._broadcast import ShapeError, broadcast, matmul
from equinox._mypy_shapes._einsum import einsum
from equinox._mypy_shapes._encoding import NAMES_CODE, SHAPE_CODE
from equinox._mypy_shapes._promote import inexact, promote, summed
from equinox._mypy_shapes._unify import Sym

N, M, D = Sym("n"), Sym("m"), Sym("d")
SCOPE = frozenset({"n", "m", "d"})


@pytest.mark.parametrize(
    ("shapes", "expected"),
    [
        ([(3, 4), (4,)], (3, 4)),
        ([(3, 1), (1, 4)], (3, 4)),
        ([(2, 1, 4), (3, 1)], (2, 3, 4)),
        ([(), (5,)], (5,)),
        ([(N, D), (D,)], (N, D)),
        ([(N, 1), (1, M)], (N, M)),
        ([(N,), (3,)], (3,)),
        ([(None, 4), (3, 4)], (3, 4)),
    ],
)
def test_broadcast(
    shapes: list[tuple[object, ...]], expected: tuple[object, ...]
) -> None:
    assert broadcast(shapes, SCOPE) == expected  # type: ignore[arg-type]  # literal terms


def test_broadcast_errors_name_the_code() -> None:
    with pytest.raises(ShapeError) as shape:
        broadcast([(3, 4), (3,)], SCOPE)
    assert shape.value.code == SHAPE_CODE
    assert "(3, 4) and (3,)" in str(shape.value)
    with pytest.raises(ShapeError) as names:
        broadcast([(N,), (M,)], SCOPE)
    assert names.value.code == NAMES_CODE
    # Names from another scope are not known to differ.
    assert broadcast([(N,), (M,)], frozenset()) == (None,)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((3, 4), (4, 5), (3, 5)),
        ((4,), (4, 5), (5,)),
        ((3, 4), (4,), (3,)),
        ((4,), (4,), ()),
        ((7, 3, 4), (4, 5), (7, 3, 5)),
        ((7, 1, 3, 4), (6, 4, 5), (7, 6, 3, 5)),
        ((N, D), (D, M), (N, M)),
    ],
)
def test_matmul(
    a: tuple[object, ...], b: tuple[object, ...], expected: tuple[object, ...]
) -> None:
    assert matmul(a, b, SCOPE) == expected  # type: ignore[arg-type]  # literal terms


def test_matmul_contraction_errors() -> None:
    with pytest.raises(ShapeError, match="4 and 3 differ"):
        matmul((3, 4), (3, 4), SCOPE)
    with pytest.raises(ShapeError) as e:
        matmul((N, D), (N, D), SCOPE)
    assert e.value.code == NAMES_CODE
    with pytest.raises(ShapeError, match="scalar"):
        matmul((), (3,), SCOPE)


def test_reshape() -> None:
    assert ops.reshape((3, 4), (-1,)) == (12,)
    assert ops.reshape((3, 4), (2, -1)) == (2, 6)
    assert ops.reshape((3, 4), (6, 2)) == (6, 2)
    assert ops.reshape((N, 4), (N, -1)) == (N, 4)
    assert ops.reshape(None, (3, -1)) == (3, None)
    with pytest.raises(ShapeError, match="12 elements"):
        ops.reshape((3, 4), (5, 2))
    with pytest.raises(ShapeError):
        ops.reshape((3, 4), (5, -1))
    with pytest.raises(ShapeError, match="at most one"):
        ops.reshape((3, 4), (-1, -1))


def test_structural_ops() -> None:
    assert ops.transpose((2, 3, 4), None) == (4, 3, 2)
    assert ops.transpose((2, 3, 4), (1, 2, 0)) == (3, 4, 2)
    assert ops.squeeze((1, 3, 1), None) == (3,)
    assert ops.squeeze((1, 3), (0,)) == (3,)
    assert ops.expand_dims((3, 4), (0,)) == (1, 3, 4)
    assert ops.expand_dims((3, 4), (-1,)) == (3, 4, 1)
    assert ops.swapaxes((2, 3, 4), 0, 2) == (4, 3, 2)
    assert ops.moveaxis((2, 3, 4), 0, -1) == (3, 4, 2)
    assert ops.concatenate([(2, 4), (3, 4)], 0, SCOPE) == (5, 4)
    assert ops.concatenate([(2, 3), (2, 3)], None, SCOPE) == (12,)
    assert ops.stack([(3,), (3,)], 1, SCOPE) == (3, 2)
    with pytest.raises(ShapeError, match="cannot squeeze"):
        ops.squeeze((2, 3), (0,))
    with pytest.raises(ShapeError):
        ops.stack([(3,), (4,)], 0, SCOPE)


# (shape, indices_or_sections, axis, equal parts required) -> the parts' shapes,
# as jnp.split (True) / jnp.array_split (False) return them (jax 0.10.2).
SPLITS = [
    ((6, 4), 3, 0, True, [(2, 4)] * 3),
    ((4, 6), (1, 3), 1, True, [(4, 1), (4, 2), (4, 3)]),
    ((4, 6), (2,), -1, True, [(4, 2), (4, 4)]),
    ((4, 6), (), 1, True, [(4, 6)]),
    ((4, 6), 1, 1, True, [(4, 6)]),
    ((4, 7), 3, 1, False, [(4, 3), (4, 2), (4, 2)]),
    ((4, 7), (2,), 1, False, [(4, 2), (4, 5)]),
    ((4, 7), 9, 1, False, [(4, 1)] * 7 + [(4, 0)] * 2),
    ((N, 6), 2, 1, True, [(N, 3), (N, 3)]),
    ((N, D), 2, 1, True, [(N, None), (N, None)]),
    ((N, D), (2,), 1, True, [(N, 2), (N, None)]),
]


@pytest.mark.parametrize(("shape", "sections", "axis", "even", "parts"), SPLITS)
def test_split(
    shape: tuple[object, ...],
    sections: int | tuple[int, ...],
    axis: int,
    even: bool,
    parts: list[tuple[object, ...]],
) -> None:
    assert ops.split(shape, sections, axis, even) == parts  # type: ignore[arg-type]  # literal terms


@pytest.mark.parametrize(
    ("shape", "sections", "axis", "match"),
    [
        # Each fails at run time too: ValueError, ZeroDivisionError, IndexError.
        ((4, 6), 4, 1, "does not split into 4 equal parts"),
        ((4, 6), 0, 1, "cannot split into 0 sections"),
        ((4, 6), 2, 2, "out of bounds"),
        ((4, 6), (4, 2), 1, "negative part size"),
        ((10,), (12,), 0, "negative part size"),
        ((N, D), (4, 2), 1, "negative part size"),
        ((), 1, 0, "out of bounds"),
    ],
)
def test_split_errors(
    shape: tuple[object, ...], sections: int | tuple[int, ...], axis: int, match: str
) -> None:
    with pytest.raises(ShapeError, match=match):
        ops.split(shape, sections, axis, even=True)  # type: ignore[arg-type]  # literal terms


def test_reductions() -> None:
    assert ops.reduce((3, 4), (0,), keepdims=False) == (4,)
    assert ops.reduce((3, 4), (-1,), keepdims=True) == (3, 1)
    assert ops.reduce((3, 4), None, keepdims=False) == ()
    assert ops.reduce((2, 3, 4), (0, 2), keepdims=False) == (3,)
    with pytest.raises(ShapeError, match="out of bounds"):
        ops.reduce((3, 4), (2,), keepdims=False)


def test_einsum() -> None:
    assert einsum("ij,jk->ik", [(3, 4), (4, 5)], SCOPE) == (3, 5)
    assert einsum("ij,jk", [(3, 4), (4, 5)], SCOPE) == (3, 5)
    assert einsum("bij,bjk->bik", [(N, 3, 4), (N, 4, 5)], SCOPE) == (N, 3, 5)
    assert einsum("i,i->", [(3,), (3,)], SCOPE) == ()
    assert einsum("...ij->...ji", [(2, 3)], SCOPE) is None  # not modelled
    with pytest.raises(ShapeError, match='index "j"'):
        einsum("ij,jk->ik", [(3, 4), (5, 6)], SCOPE)
    with pytest.raises(ShapeError, match="operands"):
        einsum("ij,jk->ik", [(3, 4)], SCOPE)


def test_promotion() -> None:
    assert promote("Int", "Float") == "Float"
    assert promote("Int32", "Int32") == "Int32"
    assert promote("Float32", "Float64") == "Float"
    assert promote("Bool", "Int") == "Int"
    assert promote("Int32", "weak:2") == "Float"  # 2.0 * int array
    assert promote("Float32", "weak:1") == "Float32"  # 2 * float32 array
    assert promote("Shaped", "Float") == "Shaped"
    assert inexact("Int") == "Float"
    assert inexact("Float32") == "Float32"
    assert summed("Bool") == "Int"
