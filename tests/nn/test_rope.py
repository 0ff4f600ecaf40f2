import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx
from equinox.nn import RotaryPositionalEmbedding


def _reference(x: np.ndarray, theta: float) -> np.ndarray:
    """Feature j and j + d/2 as one complex number, times exp(i p theta_j)."""
    seq, d = x.shape
    half = d // 2
    freqs = theta ** (-2 * np.arange(half) / d)
    z = (x[:, :half] + 1j * x[:, half:]) * np.exp(1j * np.arange(seq)[:, None] * freqs)
    return np.concatenate([z.real, z.imag], axis=1)


def test_matches_complex_rotation() -> None:
    x = jax.random.normal(jax.random.key(0), (5, 8))
    for theta in (10_000.0, 3.0):
        rope = RotaryPositionalEmbedding(8, theta=theta)
        np.testing.assert_allclose(
            eqx.filter_jit(rope)(x),
            _reference(np.asarray(x, np.float64), theta),
            rtol=1e-4,
            atol=1e-5,
        )


def test_scores_depend_only_on_relative_position() -> None:
    rope = RotaryPositionalEmbedding(6)
    q = jax.random.normal(jax.random.key(1), (6,))
    k = jax.random.normal(jax.random.key(2), (6,))
    rq = rope(jnp.tile(q, (7, 1)))
    rk = rope(jnp.tile(k, (7, 1)))
    np.testing.assert_allclose(rq[3] @ rk[1], rq[5] @ rk[3], rtol=1e-4)
    np.testing.assert_allclose(rq[0], q, rtol=1e-6)  # position 0: no rotation


def test_vmap_over_heads_and_dtypes() -> None:
    rope = RotaryPositionalEmbedding(4)
    heads = jax.random.normal(jax.random.key(3), (5, 3, 4))
    out = jax.vmap(rope, in_axes=1, out_axes=1)(heads)
    np.testing.assert_allclose(out[:, 1], rope(heads[:, 1]), rtol=1e-6)
    assert rope(heads[:, 0].astype(jnp.bfloat16)).dtype == jnp.bfloat16


def test_errors() -> None:
    with pytest.raises(ValueError, match="`embedding_size` must be even"):
        RotaryPositionalEmbedding(5)
    with pytest.raises(ValueError, match="`theta` must be a positive float"):
        RotaryPositionalEmbedding(4, theta=0.0)
    with pytest.raises((ValueError, TypeError), match="RotaryPositionalEmbedding"):
        RotaryPositionalEmbedding(4)(jnp.zeros((3, 6)))  # type: ignore[jaxtyping-shape]  # deliberately wrong
