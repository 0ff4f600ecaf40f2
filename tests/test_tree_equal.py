from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx


class Pair(eqx.Module):
    a: Any
    b: Any


def test_equal_trees_without_jax_arrays_give_python_true() -> None:
    x = {"w": np.arange(3.0), "n": 2, "s": "text", "m": Pair(np.ones(2), None)}
    y = {"w": np.arange(3.0), "n": 2, "s": "text", "m": Pair(np.ones(2), None)}
    assert eqx.tree_equal(x, y) is True


def test_equal_jax_arrays_give_a_jax_boolean() -> None:
    # As in Equinox 0.13.8: comparing JAX arrays gives a JAX scalar bool.
    x = {"w": jnp.arange(3.0), "n": 2, "m": Pair(np.ones(2), None)}
    y = {"w": jnp.arange(3.0), "n": 2, "m": Pair(np.ones(2), None)}
    out = eqx.tree_equal(x, y)
    assert isinstance(out, jax.Array)
    assert out.dtype == jnp.bool_ and out.shape == ()
    assert bool(out) is True


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (jnp.arange(3.0), jnp.arange(3.0) + 1),  # values
        (jnp.zeros(3), jnp.zeros(4)),  # shape
        (jnp.zeros((2, 3)), jnp.zeros((3, 2))),  # shape, same size
        (jnp.zeros(3), jnp.zeros(3, jnp.int32)),  # dtype
        ([1, 2], [1, 2, 3]),  # structure
        ([1, 2], (1, 2)),  # container type
        ({"a": 1}, {"b": 1}),  # keys
        (Pair(1, 2), Pair(1, 3)),  # module field
        ("x", "y"),  # non-array leaves
        (jnp.zeros(1), 0.0),  # array against non-array
    ],
)
def test_unequal_trees_give_false(a: Any, b: Any) -> None:
    assert not eqx.tree_equal(a, b)
    assert not eqx.tree_equal(b, a)


def test_static_fields_are_compared_through_the_treedef() -> None:
    class Named(eqx.Module):
        w: jax.Array
        name: str = eqx.field(static=True)

    assert bool(eqx.tree_equal(Named(jnp.ones(1), "a"), Named(jnp.ones(1), "a")))
    assert eqx.tree_equal(Named(jnp.ones(1), "a"), Named(jnp.ones(1), "b")) is False


def test_many_trees() -> None:
    assert eqx.tree_equal([1], [1], [1]) is True
    assert eqx.tree_equal([1], [1], [2]) is False
    assert eqx.tree_equal([1]) is True


def test_numpy_and_jax_arrays_are_never_equal() -> None:
    # As in Equinox 0.13.8, even with equal values, dtypes and tolerances.
    numpy_array = np.arange(3.0, dtype=np.float32)
    assert eqx.tree_equal(numpy_array, jnp.arange(3.0)) is False
    assert eqx.tree_equal(jnp.arange(3.0), numpy_array) is False
    assert eqx.tree_equal(numpy_array, jnp.arange(3.0), atol=1.0) is False


def test_typematch() -> None:
    assert eqx.tree_equal(1, 1.0) is True
    assert eqx.tree_equal(1, 1.0, typematch=True) is False
    numpy_array = np.arange(3.0, dtype=np.float32)
    assert eqx.tree_equal(numpy_array, jnp.arange(3.0), typematch=True) is False
    assert bool(eqx.tree_equal(jnp.arange(3.0), jnp.arange(3.0), typematch=True))


def test_rtol_atol() -> None:
    x = jnp.array([1.0, 100.0])
    y = x + jnp.array([1e-3, 1e-1])
    assert not eqx.tree_equal(x, y)
    assert eqx.tree_equal(x, y, atol=0.2)
    assert not eqx.tree_equal(x, y, atol=1e-2)
    assert eqx.tree_equal(x, y, rtol=2e-3)
    assert not eqx.tree_equal(x, y, rtol=1e-4)
    xn, yn = np.asarray(x), np.asarray(y)
    assert eqx.tree_equal(xn, yn, atol=0.2) is True
    assert eqx.tree_equal(xn, yn, rtol=1e-4) is False


def test_inside_jit_gives_traced_bool() -> None:
    @jax.jit
    def same(a: jax.Array, b: jax.Array) -> Any:
        out = eqx.tree_equal(a, b)
        assert isinstance(out, jax.Array)  # a traced value, not a Python bool
        return out

    result = same(jnp.arange(3.0), jnp.arange(3.0))
    assert result.dtype == jnp.bool_ and result.shape == ()
    assert bool(result) is True
    assert bool(same(jnp.arange(3.0), jnp.arange(3.0) + 1)) is False


def test_inside_jit_with_tolerance() -> None:
    @jax.jit
    def close(a: jax.Array, b: jax.Array) -> Any:
        return eqx.tree_equal(a, b, atol=0.1)

    assert bool(close(jnp.ones(2), jnp.ones(2) + 0.05)) is True
    assert bool(close(jnp.ones(2), jnp.ones(2) + 0.5)) is False


def test_inside_jit_static_mismatch_is_known_at_trace_time() -> None:
    @jax.jit
    def f(a: jax.Array, b: jax.Array) -> Any:
        out = eqx.tree_equal(a, b)
        assert out is False  # shapes differ: decided without tracing values
        return jnp.asarray(out)

    assert bool(f(jnp.ones(2), jnp.ones(3))) is False


def test_inside_jit_combines_several_leaves() -> None:
    @jax.jit
    def f(x: Any, y: Any) -> Any:
        return eqx.tree_equal(x, y)

    a = [jnp.ones(2), jnp.zeros(3)]
    assert bool(f(a, [jnp.ones(2), jnp.zeros(3)])) is True
    assert bool(f(a, [jnp.ones(2), jnp.ones(3)])) is False
    assert bool(f(a, [jnp.zeros(2), jnp.zeros(3)])) is False
