from typing import Literal

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox.nn import BatchNorm, State

KEY = jax.random.key(0)


def _batched(bn: BatchNorm, inference: bool | None = None) -> object:
    # Compiled whole: much quicker than running the vmapped ops one by one.
    return eqx.filter_jit(
        jax.vmap(
            lambda x, s: bn(x, s, inference=inference),
            axis_name="batch",
            in_axes=(0, None),
            out_axes=(0, None),
        )
    )


def _make(
    mode: Literal["ema", "batch"] = "ema", warmup_period: int = 1000
) -> tuple[BatchNorm, State]:
    return eqx.nn.make_with_state(BatchNorm)(
        3, "batch", momentum=0.9, mode=mode, warmup_period=warmup_period
    )


def _stats(x: Array) -> tuple[np.ndarray, np.ndarray]:
    xn = np.asarray(x)
    return xn.mean(axis=(0, 2)), xn.var(axis=(0, 2))


def test_training_normalises_with_batch_statistics_and_stores_them() -> None:
    bn, state = _make()
    x = jax.random.normal(KEY, (8, 3, 5)) * 4 + 2
    y, state = _batched(bn)(x, state)  # type: ignore[operator]  # vmap result
    mean, var = _stats(x)
    expected = (np.asarray(x) - mean[:, None]) / np.sqrt(var[:, None] + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    # First training call: the running statistics become the batch's.
    running_mean, running_var = state.get(bn.state_index)
    np.testing.assert_allclose(running_mean, mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(running_var, var, rtol=1e-5)
    # Second call: exponential moving average with momentum 0.9.
    x2 = jax.random.normal(jax.random.key(1), (8, 3, 5))
    _, state = _batched(bn)(x2, state)  # type: ignore[operator]  # vmap result
    mean2, var2 = _stats(x2)
    new_mean, new_var = state.get(bn.state_index)
    np.testing.assert_allclose(new_mean, 0.9 * mean + 0.1 * mean2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(new_var, 0.9 * var + 0.1 * var2, rtol=1e-5)


def test_inference_uses_running_statistics_and_keeps_state() -> None:
    bn, state = _make()
    x = jax.random.normal(KEY, (8, 3, 4)) * 2 - 1
    _, state = _batched(bn)(x, state)  # type: ignore[operator]  # vmap result
    w = jnp.array([1.0, 2.0, 3.0])
    b = jnp.array([0.5, 0.0, -0.5])
    bn = eqx.tree_at(lambda m: (m.weight, m.bias), bn, (w, b))
    mean, var = state.get(bn.state_index)
    x_new = jax.random.normal(jax.random.key(3), (2, 3, 4))
    expected = (np.asarray(x_new) - np.asarray(mean)[:, None]) / np.sqrt(
        np.asarray(var)[:, None] + 1e-5
    ) * np.asarray(w)[:, None] + np.asarray(b)[:, None]
    for model, flag in ((bn, True), (eqx.nn.inference_mode(bn), None)):
        y, new_state = _batched(model, flag)(x_new, state)  # type: ignore[operator]  # vmap result
        np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)
        assert eqx.tree_equal(new_state, state)


def test_batch_mode_renormalises_towards_running_statistics() -> None:
    bn, state = _make("batch", warmup_period=2)
    x1 = jax.random.normal(KEY, (8, 3, 5)) * 3
    y1, state = _batched(bn)(x1, state)  # type: ignore[operator]  # vmap result
    # First call: warm-up weight 0, i.e. plain batch norm.
    mean1, var1 = _stats(x1)
    np.testing.assert_allclose(
        y1,
        (np.asarray(x1) - mean1[:, None]) / np.sqrt(var1[:, None] + 1e-5),
        rtol=1e-4,
        atol=1e-4,
    )
    _, state = _batched(bn)(jax.random.normal(jax.random.key(1), (8, 3, 5)), state)  # type: ignore[operator]  # vmap result
    # Warm-up over: the forward value uses the running statistics as they were
    # before this call.
    running_mean, running_var = (np.asarray(a) for a in state.get(bn.state_index))
    x3 = jax.random.normal(jax.random.key(2), (8, 3, 5)) + 1
    y3, _ = _batched(bn)(x3, state)  # type: ignore[operator]  # vmap result
    expected = (np.asarray(x3) - running_mean[:, None]) / np.sqrt(
        running_var[:, None] + 1e-5
    )
    np.testing.assert_allclose(y3, expected, rtol=1e-4, atol=1e-4)


def test_jit_and_grad() -> None:
    bn, state = _make()
    x = jax.random.normal(KEY, (4, 3))

    @eqx.filter_jit
    def loss(model: BatchNorm, state: State) -> tuple[Array, State]:
        y, state = _batched(model)(x, state)  # type: ignore[operator]  # vmap result
        return jnp.sum(y * jnp.arange(3.0)), state

    grads, _ = eqx.filter_grad(loss, has_aux=True)(bn, state)
    assert grads.weight is not None and grads.bias is not None
    np.testing.assert_allclose(grads.bias, 4 * jnp.arange(3.0), rtol=1e-6)
    _, state = loss(bn, state)
    assert int(state.get(bn.count_index)) == 1


def test_options_and_errors() -> None:
    bn = BatchNorm(4, "b", channelwise_affine=False, dtype=jnp.bfloat16)
    assert bn.weight is None and bn.bias is None
    assert eqx.nn.State(bn).get(bn.state_index)[0].dtype == jnp.bfloat16
    # A list of axis names is kept as a (hashable) tuple.
    assert BatchNorm(3, ["a", "b"]).axis_name == ("a", "b")
    with pytest.raises(ValueError, match="BatchNorm: `input_size` must be >= 1"):
        BatchNorm(0, "b")
    with pytest.raises(ValueError, match="BatchNorm: `momentum` must be in"):
        BatchNorm(3, "b", momentum=1.5)
    with pytest.raises(ValueError, match="BatchNorm: `mode`"):
        BatchNorm(3, "b", mode="other")  # type: ignore[arg-type]  # deliberately wrong
    bn, state = eqx.nn.make_with_state(BatchNorm)(3, "b")
    with pytest.raises(ValueError, match=r"axis name 'b' is not bound.*jax.vmap"):
        bn(jnp.zeros(3), state)
    with pytest.raises((ValueError, TypeError), match="BatchNorm"):
        _batched(bn)(jnp.zeros((2, 4)), state)  # type: ignore[operator]  # vmap result
