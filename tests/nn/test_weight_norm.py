import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox.nn import Linear, WeightNorm

KEY = jax.random.key(0)


def test_initially_equivalent_and_weight_formula() -> None:
    linear = Linear(3, 4, key=KEY)
    wn = WeightNorm(linear)
    x = jnp.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(wn(x), linear(x), rtol=1e-5)
    assert wn.g.shape == (4, 1)
    # Scale g: each output row's weight is rescaled, whatever the direction v.
    wn = eqx.tree_at(lambda m: m.g, wn, 2 * wn.g)
    w = np.asarray(linear.weight)
    np.testing.assert_allclose(wn.weight, 2 * w, rtol=1e-5)
    v = eqx.tree_at(lambda m: m.layer.weight, wn, 3 * linear.weight)
    np.testing.assert_allclose(v.weight, 2 * w, rtol=1e-5)
    whole = WeightNorm(linear, axis=None)
    assert whole.g.shape == (1, 1)
    np.testing.assert_allclose(whole.g[0, 0], np.linalg.norm(w), rtol=1e-5)


def test_gradients_reach_g_and_v() -> None:
    wn = WeightNorm(Linear(3, 2, key=KEY))
    xs = jax.random.normal(KEY, (5, 3))

    def loss(m: WeightNorm[Linear]) -> Array:
        return jnp.sum(jax.vmap(m)(xs) ** 2)

    grads = eqx.filter_jit(eqx.filter_grad(loss))(wn)
    assert grads.g.shape == (2, 1) and float(jnp.abs(grads.g).sum()) > 0
    assert float(jnp.abs(grads.layer.weight).sum()) > 0


def test_conv_weight_and_errors() -> None:
    conv = eqx.nn.Conv2d(2, 3, 3, key=KEY)
    wn = WeightNorm(conv)
    x = jax.random.normal(KEY, (2, 5, 5))
    np.testing.assert_allclose(wn(x), conv(x), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match=r"WeightNorm: `layer.kernel` must be"):
        WeightNorm(Linear(2, 2, key=KEY), weight_name="kernel")
    with pytest.raises(ValueError, match="WeightNorm: `axis` 2 is out of range"):
        WeightNorm(Linear(2, 2, key=KEY), axis=2)
