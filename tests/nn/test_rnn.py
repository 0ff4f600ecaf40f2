import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox.nn import GRUCell, LSTMCell

KEY = jax.random.key(0)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-x)))


def _gru_reference(cell: GRUCell, x: np.ndarray, h: np.ndarray) -> np.ndarray:
    w_ih, w_hh = np.asarray(cell.weight_ih), np.asarray(cell.weight_hh)
    b = np.zeros(w_ih.shape[0]) if cell.bias is None else np.asarray(cell.bias)
    b_n = np.zeros(h.shape) if cell.bias_n is None else np.asarray(cell.bias_n)
    n = h.shape[0]
    w_ir, w_iz, w_in = w_ih[:n], w_ih[n : 2 * n], w_ih[2 * n :]
    w_hr, w_hz, w_hn = w_hh[:n], w_hh[n : 2 * n], w_hh[2 * n :]
    r = _sigmoid(w_ir @ x + b[:n] + w_hr @ h)
    z = _sigmoid(w_iz @ x + b[n : 2 * n] + w_hz @ h)
    cand = np.tanh(w_in @ x + b[2 * n :] + r * (w_hn @ h + b_n))
    return np.asarray((1 - z) * cand + z * h)


def _lstm_reference(
    cell: LSTMCell, x: np.ndarray, h: np.ndarray, c: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = h.shape[0]
    b = np.zeros(4 * n) if cell.bias is None else np.asarray(cell.bias)
    pre = np.asarray(cell.weight_ih) @ x + np.asarray(cell.weight_hh) @ h + b
    i, f, g, o = (pre[j * n : (j + 1) * n] for j in range(4))
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c_new), c_new


def test_gru_matches_equations() -> None:
    x = np.asarray(jax.random.normal(jax.random.key(1), (3,)))
    h = np.asarray(jax.random.normal(jax.random.key(2), (5,)))
    for use_bias in (True, False):
        cell = GRUCell(3, 5, use_bias=use_bias, key=KEY)
        assert cell.weight_ih.shape == (15, 3) and cell.weight_hh.shape == (15, 5)
        assert (cell.bias is None) == (not use_bias)
        np.testing.assert_allclose(
            cell(jnp.asarray(x), jnp.asarray(h)),
            _gru_reference(cell, x, h),
            rtol=1e-5,
            atol=1e-6,
        )
    # Initialisation is uniform in +-1/sqrt(hidden_size).
    assert float(jnp.max(jnp.abs(cell.weight_ih))) <= 1 / np.sqrt(5)


def test_lstm_matches_equations() -> None:
    x = np.asarray(jax.random.normal(jax.random.key(1), (3,)))
    h = np.asarray(jax.random.normal(jax.random.key(2), (4,)))
    c = np.asarray(jax.random.normal(jax.random.key(3), (4,)))
    for use_bias in (True, False):
        cell = LSTMCell(3, 4, use_bias=use_bias, key=KEY)
        h_new, c_new = cell(jnp.asarray(x), (jnp.asarray(h), jnp.asarray(c)))
        h_ref, c_ref = _lstm_reference(cell, x, h, c)
        np.testing.assert_allclose(h_new, h_ref, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(c_new, c_ref, rtol=1e-5, atol=1e-6)


def test_scan_vmap_grad() -> None:
    cell = GRUCell(2, 3, key=KEY)
    xs = jax.random.normal(KEY, (4, 6, 2))  # batch 4, sequence 6

    def final_state(model: GRUCell, seq: Array) -> Array:
        def step(h: Array, x: Array) -> tuple[Array, None]:
            return model(x, h), None

        h: Array
        h, _ = jax.lax.scan(step, jnp.zeros(3), seq)
        return h

    def loss(model: GRUCell) -> Array:
        return jnp.sum(jax.vmap(lambda s: final_state(model, s))(xs) ** 2)

    value, grads = eqx.filter_jit(eqx.filter_value_and_grad(loss))(cell)
    assert grads.weight_ih.shape == (9, 2) and bool(jnp.isfinite(value))
    # Compare with a step-by-step Python loop on one sequence.
    h = np.zeros(3)
    for x in np.asarray(xs[0]):
        h = _gru_reference(cell, x, h)
    np.testing.assert_allclose(final_state(cell, xs[0]), h, rtol=1e-5, atol=1e-6)


def test_dtypes_and_errors() -> None:
    cell = LSTMCell(2, 3, dtype=jnp.bfloat16, key=KEY)
    assert cell.weight_hh.dtype == jnp.bfloat16
    with pytest.raises(ValueError, match="GRUCell: `hidden_size` must be >= 1"):
        GRUCell(2, 0, key=KEY)
    with pytest.raises(TypeError, match="LSTMCell: `dtype`"):
        LSTMCell(2, 3, dtype=jnp.int32, key=KEY)
    gru = GRUCell(2, 3, key=KEY)
    with pytest.raises((ValueError, TypeError), match="GRUCell"):
        gru(jnp.zeros(3), jnp.zeros(3))  # type: ignore[jaxtyping-shape]  # deliberately wrong
    lstm = LSTMCell(2, 3, key=KEY)
    with pytest.raises(TypeError, match="LSTMCell"):
        lstm(jnp.zeros(2), jnp.zeros(3))  # type: ignore[arg-type]  # deliberately wrong
