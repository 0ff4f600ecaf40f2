import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx


def test_closed_over_arrays_become_leaves() -> None:
    w = jnp.array([1.0, 2.0])
    converted = eqx.filter_closure_convert(
        lambda x, n: (x * w * n, "tag"), jnp.ones(2), 3
    )
    out, tag = converted(jnp.full(2, 2.0), 3)
    np.testing.assert_allclose(out, [6.0, 12.0])
    assert tag == "tag"
    leaves = jtu.tree_leaves(converted)
    assert any(
        leaf is w or (leaf.shape == (2,) and bool(jnp.all(leaf == w)))
        for leaf in leaves
    )


def test_closure_over_tracers_is_differentiable() -> None:
    x0 = jnp.array([1.0, 2.0, 3.0])

    def outer(y: Array) -> Array:
        fn = eqx.filter_closure_convert(lambda x: jnp.sum(x * y), x0)
        # The converted function's leaves carry the tracer of `y`.
        return fn(x0)

    np.testing.assert_allclose(jax.grad(outer)(jnp.array(2.0)), jnp.sum(x0))
    np.testing.assert_allclose(eqx.filter_jit(outer)(jnp.array(2.0)), 12.0)


def test_wrong_arguments() -> None:
    converted = eqx.filter_closure_convert(lambda x, n: x * n, jnp.ones(2), 3)
    with pytest.raises(ValueError, match="same structure, shapes, dtypes and static"):
        converted(jnp.ones(3), 3)
    with pytest.raises(ValueError, match="same structure"):
        converted(jnp.ones(2), 4)
