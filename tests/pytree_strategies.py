"""Hypothesis strategies for nested pytrees, and bit-exact tree comparison."""

from typing import Any

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np

import equinox as eqx


class Pair(eqx.Module):
    """A small module node for generated trees."""

    first: Any
    second: Any
    label: str = eqx.field(static=True, default="pair")


# 32-bit and narrower only: JAX runs without x64 here.
DTYPES = [np.float32, np.float16, np.int32, np.int8, np.uint8, np.bool_, np.complex64]
_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
numpy_arrays = st.sampled_from(DTYPES).flatmap(lambda dt: hnp.arrays(dt, _shapes))


def _to_jax(array: np.ndarray[Any, Any]) -> jax.Array:
    out: jax.Array = jnp.asarray(array)
    return out


def _to_numpy_scalar(array: np.ndarray[Any, Any]) -> Any:
    return np.zeros((), array.dtype)[()] if array.size == 0 else array.flat[0]


leaves = st.one_of(
    numpy_arrays,
    numpy_arrays.map(_to_jax),
    numpy_arrays.map(_to_numpy_scalar),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.complex_numbers(),
    st.text(max_size=3),
    st.none(),
)

pytrees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.tuples(children, children),
        st.dictionaries(st.text(max_size=2), children, max_size=3),
        st.builds(Pair, children, children),
    ),
    max_leaves=10,
)


def same_leaf(a: Any, b: Any) -> bool:
    """Same type and bit-for-bit the same value (NaNs included)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, jax.Array | np.ndarray | np.generic):
        a_np, b_np = np.asarray(a), np.asarray(b)
        return (
            a_np.dtype == b_np.dtype
            and a_np.shape == b_np.shape
            and a_np.tobytes() == b_np.tobytes()
        )
    if isinstance(a, float | complex):
        return np.asarray(a).tobytes() == np.asarray(b).tobytes()
    return bool(a == b)


def same_tree(a: Any, b: Any) -> bool:
    """Same structure and `same_leaf` leaves."""
    leaves_a, def_a = jtu.tree_flatten(a)
    leaves_b, def_b = jtu.tree_flatten(b)
    return def_a == def_b and all(
        same_leaf(x, y) for x, y in zip(leaves_a, leaves_b, strict=True)
    )
