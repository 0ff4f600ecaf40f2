from typing import Literal

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox.nn import BatchNorm, State

KEY = jax.random.key(0)
EPS = 1e-5


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
    mode: Literal["ema", "batch", "renorm"], warmup_period: int = 1000
) -> tuple[BatchNorm, State]:
    return eqx.nn.make_with_state(BatchNorm)(
        3, "batch", momentum=0.9, mode=mode, warmup_period=warmup_period
    )


def _stats(x: Array) -> tuple[np.ndarray, np.ndarray]:
    xn = np.asarray(x)
    return xn.mean(axis=(0, 2)), xn.var(axis=(0, 2))


def _normalised(x: Array, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    return np.asarray((np.asarray(x) - mean[:, None]) / np.sqrt(var[:, None] + EPS))


def _data(seed: int, scale: float = 1.0, shift: float = 0.0) -> Array:
    return jax.random.normal(jax.random.key(seed), (8, 3, 5)) * scale + shift


def test_ema_mode_fills_then_averages_and_normalises_with_running_stats() -> None:
    bn, state = _make("ema")
    assert bn.ema_first_time_index is not None and bn.ema_state_index is not None
    assert bn.batch_counter is None and bn.batch_state_index is None
    assert bool(state.get(bn.ema_first_time_index))
    x1, x2 = _data(0, 4, 2), _data(1)
    y1, state = _batched(bn)(x1, state)  # type: ignore[operator]  # vmap result
    mean1, var1 = _stats(x1)
    # First training call: the running statistics become the batch's.
    np.testing.assert_allclose(y1, _normalised(x1, mean1, var1), rtol=1e-4, atol=1e-4)
    assert not bool(state.get(bn.ema_first_time_index))
    running = state.get(bn.ema_state_index)
    np.testing.assert_allclose(running[0], mean1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(running[1], var1, rtol=1e-5)
    # Then an exponential moving average, used for the output too.
    y2, state = _batched(bn)(x2, state)  # type: ignore[operator]  # vmap result
    mean2, var2 = _stats(x2)
    mean, var = 0.9 * mean1 + 0.1 * mean2, 0.9 * var1 + 0.1 * var2
    running = state.get(bn.ema_state_index)
    np.testing.assert_allclose(running[0], mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(running[1], var, rtol=1e-5)
    np.testing.assert_allclose(y2, _normalised(x2, mean, var), rtol=1e-4, atol=1e-4)


def test_batch_mode_uses_batch_stats_and_debiased_averages_at_inference() -> None:
    bn, state = _make("batch")
    assert bn.batch_counter is not None and bn.batch_state_index is not None
    assert bn.ema_first_time_index is None and bn.ema_state_index is None
    x_new = _data(5)
    # Before any training step: the initial averages (mean 0, variance 1).
    y0, _ = _batched(bn, True)(x_new, state)  # type: ignore[operator]  # vmap result
    np.testing.assert_allclose(y0, np.asarray(x_new) / np.sqrt(1 + EPS), rtol=1e-5)
    running_mean, running_var = np.zeros(3), np.ones(3)
    for step, x in enumerate((_data(0, 4, 2), _data(1, 2, -1)), start=1):
        y, state = _batched(bn)(x, state)  # type: ignore[operator]  # vmap result
        mean, var = _stats(x)
        np.testing.assert_allclose(y, _normalised(x, mean, var), rtol=1e-4, atol=1e-4)
        running_mean = 0.9 * running_mean + 0.1 * mean
        running_var = 0.9 * running_var + 0.1 * var
        assert int(state.get(bn.batch_counter)) == step
        stored = state.get(bn.batch_state_index)
        np.testing.assert_allclose(stored[0], running_mean, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(stored[1], running_var, rtol=1e-5)
    debias = 1 - 0.9**2
    y, new_state = _batched(bn, True)(x_new, state)  # type: ignore[operator]  # vmap result
    expected = _normalised(x_new, running_mean / debias, running_var / debias)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    assert eqx.tree_equal(new_state, state)


@pytest.mark.parametrize("mode", ["ema", "batch"])
def test_inference_mode_keeps_state_and_applies_affine(
    mode: Literal["ema", "batch"],
) -> None:
    bn, state = _make(mode)
    _, state = _batched(bn)(_data(0, 2, -1), state)  # type: ignore[operator]  # vmap result
    w = jnp.array([1.0, 2.0, 3.0])
    b = jnp.array([0.5, 0.0, -0.5])
    bn = eqx.tree_at(lambda m: (m.weight, m.bias), bn, (w, b))
    x_new = _data(3)
    plain = eqx.tree_at(lambda m: (m.weight, m.bias), bn, (jnp.ones(3), jnp.zeros(3)))
    y_plain, _ = _batched(plain, True)(x_new, state)  # type: ignore[operator]  # vmap result
    expected = np.asarray(y_plain) * np.asarray(w)[:, None] + np.asarray(b)[:, None]
    for model, flag in ((bn, True), (eqx.nn.inference_mode(bn), None)):
        y, new_state = _batched(model, flag)(x_new, state)  # type: ignore[operator]  # vmap result
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
        assert eqx.tree_equal(new_state, state)


def test_renorm_mode_ramps_from_batch_norm_to_running_statistics() -> None:
    bn, state = _make("renorm", warmup_period=2)
    x1 = _data(0, 3)
    y1, state = _batched(bn)(x1, state)  # type: ignore[operator]  # vmap result
    # First call: warm-up weight 0, i.e. plain batch norm.
    np.testing.assert_allclose(y1, _normalised(x1, *_stats(x1)), rtol=1e-4, atol=1e-4)
    _, state = _batched(bn)(_data(1), state)  # type: ignore[operator]  # vmap result
    # Warm-up over: the output uses the debiased running statistics as they
    # were before this call.
    assert bn.batch_state_index is not None
    running = (np.asarray(a) / (1 - 0.9**2) for a in state.get(bn.batch_state_index))
    x3 = _data(2, 1, 1)
    y3, _ = _batched(bn)(x3, state)  # type: ignore[operator]  # vmap result
    np.testing.assert_allclose(y3, _normalised(x3, *running), rtol=1e-4, atol=1e-4)


def test_mode_left_out_warns_and_means_ema() -> None:
    with pytest.warns(UserWarning, match="defaults to 'ema'"):
        bn = BatchNorm(3, "batch")
    assert bn.mode == "ema"


def test_jit_and_grad() -> None:
    bn, state = _make("batch")
    x = jax.random.normal(KEY, (4, 3))

    @eqx.filter_jit
    def loss(model: BatchNorm, state: State) -> tuple[Array, State]:
        y, state = _batched(model)(x, state)  # type: ignore[operator]  # vmap result
        return jnp.sum(y * jnp.arange(3.0)), state

    grads, _ = eqx.filter_grad(loss, has_aux=True)(bn, state)
    assert grads.weight is not None and grads.bias is not None
    np.testing.assert_allclose(grads.bias, 4 * jnp.arange(3.0), rtol=1e-6)
    _, state = loss(bn, state)
    assert bn.batch_counter is not None
    assert int(state.get(bn.batch_counter)) == 1


def test_options_and_errors() -> None:
    plain = BatchNorm(4, "b", channelwise_affine=False, dtype=jnp.bfloat16, mode="ema")
    assert plain.weight is None and plain.bias is None
    assert plain.ema_state_index is not None
    stats = eqx.nn.State(plain).get(plain.ema_state_index)
    assert stats[0].dtype == jnp.bfloat16
    # A list of axis names is kept as a (hashable) tuple.
    assert BatchNorm(3, ["a", "b"], mode="batch").axis_name == ("a", "b")
    with pytest.raises(ValueError, match="BatchNorm: `input_size` must be >= 1"):
        BatchNorm(0, "b", mode="batch")
    with pytest.raises(ValueError, match="BatchNorm: `momentum` must be in"):
        BatchNorm(3, "b", momentum=1.5, mode="batch")
    with pytest.raises(ValueError, match="BatchNorm: `mode`"):
        BatchNorm(3, "b", mode="other")  # type: ignore[arg-type]  # deliberately wrong
    bn, state = eqx.nn.make_with_state(BatchNorm)(3, "b", mode="batch")
    with pytest.raises(ValueError, match=r"axis name 'b' is not bound.*jax.vmap"):
        bn(jnp.zeros(3), state)
    with pytest.raises((ValueError, TypeError), match="BatchNorm"):
        _batched(bn)(jnp.zeros((2, 4)), state)  # type: ignore[operator]  # vmap result
