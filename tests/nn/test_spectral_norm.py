import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox.nn import Linear, SpectralNorm, State

KEY = jax.random.key(0)


def _top_singular_value(w: Array) -> float:
    return float(
        np.linalg.svd(np.asarray(w).reshape(w.shape[0], -1), compute_uv=False)[0]
    )


def test_divides_weight_by_largest_singular_value() -> None:
    linear = Linear(5, 4, key=KEY)
    sn, state = eqx.nn.make_with_state(SpectralNorm)(
        linear, num_power_iterations=20, key=jax.random.key(1)
    )
    step = eqx.filter_jit(lambda m, x, s: m(x, s))
    x = jnp.arange(5.0)
    for _ in range(3):
        y, state = step(sn, x, state)
    sigma = _top_singular_value(linear.weight)
    expected = np.asarray(linear.weight) @ np.asarray(x) / sigma + np.asarray(
        linear.bias
    )
    np.testing.assert_allclose(y, expected, rtol=1e-4)


def test_inference_keeps_state_and_training_updates_it() -> None:
    sn, state = eqx.nn.make_with_state(SpectralNorm)(Linear(3, 3, key=KEY), key=KEY)
    x = jnp.ones(3)
    _, same = sn(x, state, inference=True)
    assert eqx.tree_equal(same, state)
    _, same = eqx.nn.inference_mode(sn)(x, state)
    assert eqx.tree_equal(same, state)
    _, new = sn(x, state)
    assert isinstance(new, State)
    u_old, _ = state.get(sn.uv_index)
    u_new, _ = new.get(sn.uv_index)
    assert u_new.shape == u_old.shape == (3,)


def test_conv_grad_and_errors() -> None:
    conv = eqx.nn.Conv1d(2, 3, 3, key=KEY)
    sn, state = eqx.nn.make_with_state(SpectralNorm)(conv, key=KEY)
    x = jax.random.normal(KEY, (2, 6))

    def loss(m: SpectralNorm[eqx.nn.Conv1d], s: State) -> Array:
        y, _ = m(x, s)
        return jnp.sum(y**2)

    grads = eqx.filter_jit(eqx.filter_grad(loss))(sn, state)
    assert grads.layer.weight.shape == (3, 2, 3)
    assert bool(jnp.all(jnp.isfinite(grads.layer.weight)))
    with pytest.raises(ValueError, match=r"SpectralNorm: `layer.nope` must be"):
        SpectralNorm(Linear(2, 2, key=KEY), weight_name="nope", key=KEY)
    with pytest.raises(ValueError, match="`num_power_iterations` must be >= 1"):
        SpectralNorm(Linear(2, 2, key=KEY), num_power_iterations=0, key=KEY)
