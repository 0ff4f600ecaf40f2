import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx


def test_prelu_numerics() -> None:
    prelu = eqx.nn.PReLU()
    x = jnp.array([-2.0, -0.5, 0.0, 3.0])
    np.testing.assert_allclose(prelu(x), [-0.5, -0.125, 0.0, 3.0])
    assert prelu.negative_slope.dtype == jnp.float32


def test_prelu_per_channel_slope() -> None:
    prelu = eqx.nn.PReLU(jnp.array([[[0.1]], [[0.5]]]))
    x = -jnp.ones((2, 3, 3))
    y = prelu(x)
    np.testing.assert_allclose(y[0], -0.1 * np.ones((3, 3)), rtol=1e-6)
    np.testing.assert_allclose(y[1], -0.5 * np.ones((3, 3)), rtol=1e-6)


def test_prelu_gradient_and_vmap() -> None:
    prelu = eqx.nn.PReLU(0.2)
    x = jnp.array([-1.0, -3.0, 2.0])
    grads = jax.jit(jax.grad(lambda m: jnp.sum(m(x))))(prelu)
    # d/d slope of sum(where(x < 0, slope * x, x)) = sum of the negative x.
    np.testing.assert_allclose(grads.negative_slope, -4.0)
    assert jax.vmap(prelu)(jnp.ones((5, 2))).shape == (5, 2)


def test_prelu_bad_slope_shape_and_dtype() -> None:
    with pytest.raises(ValueError, match=r"PReLU: `negative_slope` of shape \(3,\)"):
        eqx.nn.PReLU(jnp.ones(3))(jnp.ones(2))
    with pytest.raises(TypeError, match="PReLU: `dtype` must be a floating-point"):
        eqx.nn.PReLU(dtype=jnp.int32)


def test_lambda_wraps_callable() -> None:
    layer = eqx.nn.Lambda(jax.nn.relu)
    x = jnp.array([-1.0, 2.0])
    np.testing.assert_array_equal(layer(x), [0.0, 2.0])
    np.testing.assert_array_equal(layer(x, key=jax.random.key(0)), [0.0, 2.0])
    np.testing.assert_array_equal(jax.jit(lambda v: layer(v))(x), [0.0, 2.0])


def test_lambda_keeps_a_wrapped_modules_parameters() -> None:
    layer = eqx.nn.Lambda(eqx.nn.PReLU())
    assert len(jax.tree_util.tree_leaves(layer)) == 1
    with pytest.raises(TypeError, match="Lambda: `fn` must be callable"):
        eqx.nn.Lambda(3)  # type: ignore[arg-type]  # deliberately wrong
