"""`ω`: leafwise arithmetic on pytrees. Expected values and errors were
measured on Equinox 0.13.8."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from equinox.internal import ω

A = {"x": jnp.array([1.0, 2.0]), "y": jnp.array(3.0)}
B = {"x": jnp.array([4.0, 5.0]), "y": jnp.array(6.0)}


def _close(tree: Any, expected: Any) -> None:
    jax.tree_util.tree_map(
        lambda a, b: np.testing.assert_allclose(np.asarray(a), np.asarray(b)),
        tree,
        expected,
    )


def test_arithmetic_between_trees() -> None:
    _close((A**ω + B**ω).ω, {"x": [5.0, 7.0], "y": 9.0})
    _close((A**ω - B**ω).ω, {"x": [-3.0, -3.0], "y": -3.0})
    _close((A**ω / B**ω).ω, {"x": [0.25, 0.4], "y": 0.5})
    _close((ω(A) < ω(B)).ω, {"x": [True, True], "y": True})


def test_arithmetic_with_scalars_both_sides() -> None:
    _close((A**ω * 2).ω, {"x": [2.0, 4.0], "y": 6.0})
    _close((2 * A**ω).ω, {"x": [2.0, 4.0], "y": 6.0})
    _close((1 - A**ω).ω, {"x": [0.0, -1.0], "y": -2.0})
    _close(((A**ω) ** 2).ω, {"x": [1.0, 4.0], "y": 9.0})
    _close((A**ω // 2).ω, {"x": [0.0, 1.0], "y": 1.0})
    _close((A**ω % 2).ω, {"x": [1.0, 0.0], "y": 1.0})
    _close((ω(A) == 2.0).ω, {"x": [False, True], "y": False})
    t = (jnp.array([1.0, 2.0]), jnp.array([3.0, 4.0]))
    _close((2 ** ω(t)).ω, ([2.0, 4.0], [8.0, 16.0]))
    _close((ω(t) * jnp.array([1.0, 2.0])).ω, ([1.0, 4.0], [3.0, 8.0]))


def test_unary() -> None:
    _close((-(A**ω)).ω, {"x": [-1.0, -2.0], "y": -3.0})
    _close(abs(-(A**ω)).ω, {"x": [1.0, 2.0], "y": 3.0})


def test_call_getitem_and_at() -> None:
    _close(ω(A).call(jnp.sin).ω, {"x": [0.84147096, 0.9092974], "y": 0.14112})
    t = (jnp.array([1.0, 2.0]), jnp.array([3.0, 4.0]))
    _close(ω(t)[0].ω, (1.0, 3.0))
    _close(ω(t).at[0].set(5.0).ω, ([5.0, 2.0], [5.0, 4.0]))
    _close(ω(t).at[0].add(5.0).ω, ([6.0, 2.0], [8.0, 4.0]))
    _close(ω(t).at[0].multiply(5.0).ω, ([5.0, 2.0], [15.0, 4.0]))


def test_is_a_leaf_and_unwraps_to_the_same_object() -> None:
    wrapped = A**ω
    assert wrapped.ω is A
    assert jax.tree_util.tree_leaves(wrapped) == [wrapped]
    assert repr(3**ω) == "ω(3)"
    assert ω(ω(A)).ω.ω is A  # no unwrapping of nested ω


def test_works_under_jit() -> None:
    t = (jnp.array([1.0, 2.0]), jnp.array([3.0, 4.0]))
    _close(jax.jit(lambda z: (z**ω + 1).ω)(t), ([2.0, 3.0], [4.0, 5.0]))


def test_is_leaf() -> None:
    only = ω(A, is_leaf=lambda x: isinstance(x, dict)).call(lambda d: d["y"]).ω
    assert float(only) == 3.0
    mixed = (ω(A) + ω(A, is_leaf=lambda x: False)).ω  # one side sets it: fine
    _close(mixed, {"x": [2.0, 4.0], "y": 6.0})
    with pytest.raises(ValueError, match="`is_leaf` must match"):
        _ = ω(A, is_leaf=lambda x: False) + ω(A, is_leaf=lambda x: False)


def test_errors() -> None:
    with pytest.raises(ValueError, match="PyTree structures must match"):
        _ = A**ω + {"x": 1} ** ω
    with pytest.raises(RuntimeError, match="Type of `other` not understood"):
        _ = ω(A) + A
    with pytest.raises(RuntimeError, match="Type of `other` not understood"):
        _ = ω(A) + None
    with pytest.raises(RuntimeError, match="Type of `other` not understood"):
        _ = ω(A) ** ω
