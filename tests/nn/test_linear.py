import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx

KEY = jax.random.key(0)


def test_linear_matches_affine_map() -> None:
    layer = eqx.nn.Linear(3, 4, key=KEY)
    assert layer.weight.shape == (4, 3)
    assert layer.bias is not None and layer.bias.shape == (4,)
    x = jnp.array([1.0, -2.0, 0.5])
    expected = np.asarray(layer.weight) @ np.asarray(x) + np.asarray(layer.bias)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-6)


def test_linear_without_bias() -> None:
    layer = eqx.nn.Linear(3, 2, use_bias=False, key=KEY)
    assert layer.bias is None
    x = jnp.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(layer(x), np.asarray(layer.weight) @ np.asarray(x))


def test_linear_scalar_in_and_out() -> None:
    layer = eqx.nn.Linear("scalar", 3, key=KEY)
    assert layer.weight.shape == (3, 1)
    y = layer(jnp.array(2.0))
    assert y.shape == (3,)
    assert layer.bias is not None
    np.testing.assert_allclose(y, 2.0 * layer.weight[:, 0] + layer.bias, rtol=1e-6)

    layer2 = eqx.nn.Linear(3, "scalar", key=KEY)
    assert layer2.weight.shape == (1, 3)
    z = layer2(jnp.ones(3))
    assert z.shape == ()

    both = eqx.nn.Linear("scalar", "scalar", key=KEY)
    assert both(jnp.array(1.5)).shape == ()


def test_linear_init_range() -> None:
    layer = eqx.nn.Linear(64, 256, key=KEY)
    limit = 1 / math.sqrt(64)
    assert layer.bias is not None
    for param in (layer.weight, layer.bias):
        assert float(jnp.max(jnp.abs(param))) <= limit
        # Uniform over the whole range, not a narrower one.
        assert float(jnp.max(param)) > 0.9 * limit
        assert float(jnp.min(param)) < -0.9 * limit
    # Different keys give different weights.
    other = eqx.nn.Linear(64, 256, key=jax.random.key(1))
    assert not np.allclose(layer.weight, other.weight)


@pytest.mark.parametrize("dtype", [jnp.float16, jnp.bfloat16, jnp.float32])
def test_linear_dtype(dtype: type) -> None:
    layer = eqx.nn.Linear(3, 2, dtype=dtype, key=KEY)
    assert layer.weight.dtype == dtype
    assert layer.bias is not None and layer.bias.dtype == dtype
    assert layer(jnp.ones(3, dtype)).dtype == dtype


def test_linear_default_dtype_is_float32() -> None:
    assert eqx.nn.Linear(2, 2, key=KEY).weight.dtype == jnp.float32


def test_linear_under_jit_vmap_grad() -> None:
    layer = eqx.nn.Linear(3, 2, key=KEY)
    xs = jax.random.normal(jax.random.key(2), (5, 3))
    batched = jax.jit(jax.vmap(layer))(xs)
    assert batched.shape == (5, 2)
    np.testing.assert_allclose(batched[1], layer(xs[1]), rtol=1e-6)

    def loss(model: eqx.nn.Linear, x: jax.Array) -> jax.Array:
        return jnp.sum(model(x))

    grads = jax.jit(jax.grad(loss))(layer, xs[0])
    # d/dW sum(Wx + b) = ones ⊗ x; d/db = ones.
    np.testing.assert_allclose(grads.weight, np.outer(np.ones(2), xs[0]), rtol=1e-6)
    assert grads.bias is not None
    np.testing.assert_allclose(grads.bias, np.ones(2))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 3), "`in_features` must be >= 1, got 0"),
        ((3, -1), "`out_features` must be >= 1, got -1"),
        (("vector", 3), "`in_features` must be a positive int or 'scalar'"),
    ],
)
def test_linear_bad_config(args: tuple[object, object], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message) as info:
        eqx.nn.Linear(*args, key=KEY)  # type: ignore[arg-type]  # deliberately wrong
    assert "Linear" in str(info.value)


def test_linear_bad_dtype() -> None:
    with pytest.raises(TypeError, match="Linear: `dtype` must be a floating-point"):
        eqx.nn.Linear(2, 2, dtype=jnp.int32, key=KEY)


def test_linear_wrong_input_shape() -> None:
    layer = eqx.nn.Linear(3, 2, key=KEY)
    # Caught by the run-time annotation check (a TypeError) when it is on,
    # by the layer's own check (a ValueError) otherwise.
    for bad in (jnp.ones(4), jnp.ones((2, 3))):
        with pytest.raises((TypeError, ValueError), match="Linear") as info:
            layer(bad)
        assert str(bad.shape[-1]) in str(info.value)


def test_identity() -> None:
    layer = eqx.nn.Identity(3, "anything", key=KEY)
    x = jnp.arange(4.0)
    assert layer(x) is x
    assert layer(x, key=KEY) is x
    assert jax.tree_util.tree_leaves(layer) == []
