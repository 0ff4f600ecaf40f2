import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox.nn import Linear, MultiheadAttention

KEY = jax.random.key(0)


def _proj(linear: Linear, x: np.ndarray) -> np.ndarray:
    out = x @ np.asarray(linear.weight).T
    return np.asarray(out if linear.bias is None else out + np.asarray(linear.bias))


def _reference(
    mha: MultiheadAttention,
    q: Array,
    k: Array,
    v: Array,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """softmax(q k^T / sqrt(d)) v per head, written out directly in numpy."""
    h = mha.num_heads
    qh = _proj(mha.query_proj, np.asarray(q)).reshape(q.shape[0], h, -1)
    kh = _proj(mha.key_proj, np.asarray(k)).reshape(k.shape[0], h, -1)
    vh = _proj(mha.value_proj, np.asarray(v)).reshape(v.shape[0], h, -1)
    heads = []
    for i in range(h):
        logits = qh[:, i] @ kh[:, i].T / np.sqrt(mha.qk_size)
        if mask is not None:
            head_mask = mask if mask.ndim == 2 else mask[i]
            logits = np.where(head_mask, logits, -np.inf)
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        heads.append(weights @ vh[:, i])
    return _proj(mha.output_proj, np.concatenate(heads, axis=1))


def _inputs() -> tuple[Array, Array, Array]:
    kq, kk, kv = jax.random.split(jax.random.key(1), 3)
    return (
        jax.random.normal(kq, (4, 8)),
        jax.random.normal(kk, (6, 5)),
        jax.random.normal(kv, (6, 3)),
    )


def test_matches_softmax_formula_with_all_sizes_and_biases() -> None:
    mha = MultiheadAttention(
        num_heads=2,
        query_size=8,
        key_size=5,
        value_size=3,
        output_size=7,
        qk_size=3,
        vo_size=4,
        use_query_bias=True,
        use_key_bias=True,
        use_value_bias=True,
        use_output_bias=True,
        key=KEY,
    )
    assert mha.query_proj.weight.shape == (6, 8)
    assert mha.value_proj.weight.shape == (8, 3)
    assert mha.output_proj.weight.shape == (7, 8)
    q, k, v = _inputs()
    out = eqx.filter_jit(mha)(q, k, v)
    assert out.shape == (4, 7)
    np.testing.assert_allclose(out, _reference(mha, q, k, v), rtol=1e-4, atol=1e-5)


def test_masks_two_dimensional_and_per_head() -> None:
    mha = MultiheadAttention(2, 8, 5, 3, key=KEY)
    q, k, v = _inputs()
    rng = np.random.default_rng(0)
    mask2 = rng.random((4, 6)) > 0.4
    mask2[:, 0] = True  # every query attends somewhere
    np.testing.assert_allclose(
        mha(q, k, v, jnp.asarray(mask2)),
        _reference(mha, q, k, v, mask2),
        rtol=1e-4,
        atol=1e-5,
    )
    mask3 = rng.random((2, 4, 6)) > 0.4
    mask3[..., 1] = True
    np.testing.assert_allclose(
        mha(q, k, v, jnp.asarray(mask3)),
        _reference(mha, q, k, v, mask3),
        rtol=1e-4,
        atol=1e-5,
    )
    with pytest.raises((ValueError, TypeError), match="MultiheadAttention"):
        mha(q, k, v, jnp.ones((6, 4), bool))


def test_process_heads_is_applied() -> None:
    mha = MultiheadAttention(2, 8, key=KEY)
    q, _, _ = _inputs()
    kv = jax.random.normal(KEY, (6, 8))
    calls: list[tuple[int, ...]] = []

    def zero_queries(qh: Array, kh: Array, vh: Array) -> tuple[Array, Array, Array]:
        calls.append(qh.shape)
        return jnp.zeros_like(qh), kh, vh

    out = mha(q, kv, kv, process_heads=zero_queries)
    assert calls == [(4, 2, 4)]
    # Zero logits: every query averages the projected values.
    values = _proj(mha.value_proj, np.asarray(kv)).mean(axis=0)
    expected = _proj(mha.output_proj, np.broadcast_to(values, (4, 8)))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match=r"process_heads.*unchanged shapes"):
        mha(q, kv, kv, process_heads=lambda a, b, c: (a[:2], b, c))


def test_dropout_needs_key_unless_inference() -> None:
    mha = MultiheadAttention(2, 8, dropout_p=0.5, key=KEY)
    q = jax.random.normal(KEY, (3, 8))
    with pytest.raises(
        RuntimeError, match=r"MultiheadAttention: dropout_p=0.5 needs a `key`"
    ):
        mha(q, q, q)
    a = mha(q, q, q, key=jax.random.key(1))
    b = mha(q, q, q, key=jax.random.key(2))
    assert not np.allclose(a, b)
    det = eqx.nn.inference_mode(mha)
    np.testing.assert_allclose(det(q, q, q), mha(q, q, q, inference=True), rtol=1e-6)
    np.testing.assert_allclose(
        det(q, q, q), _reference(mha, q, q, q), rtol=1e-4, atol=1e-5
    )


def test_vmap_and_grad() -> None:
    mha = MultiheadAttention(4, 8, key=KEY)
    xs = jax.random.normal(KEY, (3, 5, 8))
    out = jax.vmap(lambda x: mha(x, x, x))(xs)
    assert out.shape == (3, 5, 8)

    def loss(m: MultiheadAttention) -> Array:
        return jnp.sum(jax.vmap(lambda x: m(x, x, x))(xs) ** 2)

    grads = eqx.filter_grad(loss)(mha)
    assert grads.query_proj.weight.shape == (8, 8)
    assert bool(jnp.all(jnp.isfinite(grads.key_proj.weight)))
    assert float(jnp.abs(grads.query_proj.weight).sum()) > 0


def test_configuration_errors() -> None:
    with pytest.raises(
        ValueError, match=r"`num_heads` \(3\) must divide `query_size` \(8\)"
    ):
        MultiheadAttention(3, 8, key=KEY)
    # Explicit per-head sizes lift the divisibility requirement.
    assert MultiheadAttention(3, 8, qk_size=2, vo_size=2, key=KEY).qk_size == 2
    with pytest.raises(ValueError, match="`num_heads` must be >= 1"):
        MultiheadAttention(0, 8, key=KEY)
    with pytest.raises(ValueError, match="`key_size` must be >= 1"):
        MultiheadAttention(2, 8, key_size=-1, key=KEY)
    mha = MultiheadAttention(2, 8, key=KEY)
    with pytest.raises((ValueError, TypeError), match="MultiheadAttention"):
        mha(jnp.zeros((3, 7)), jnp.zeros((3, 8)), jnp.zeros((3, 8)))  # type: ignore[jaxtyping-shape]  # deliberately wrong


def test_deterministic_spelling_and_per_head_helpers() -> None:
    from equinox.nn._attention import (
        dot_product_attention,
        dot_product_attention_weights,
    )

    mha = MultiheadAttention(2, 4, dropout_p=0.5, key=KEY)
    q, kv = jnp.ones((2, 4)), jnp.arange(12.0).reshape(3, 4) / 10
    with pytest.warns(UserWarning, match=r"MultiheadAttention\(\)\(deterministic"):
        y = mha(q, kv, kv, deterministic=True)
    np.testing.assert_array_equal(y, mha(q, kv, kv, inference=True))
    query, key_ = jnp.arange(6.0).reshape(3, 2) / 5, jnp.ones((4, 2))
    weights = dot_product_attention_weights(query, key_)
    # Equal keys: every query attends uniformly.
    np.testing.assert_allclose(weights, np.full((3, 4), 0.25), rtol=1e-6)
    value = jnp.arange(8.0).reshape(4, 2)
    np.testing.assert_allclose(
        dot_product_attention(query, key_, value), np.tile([3.0, 4.0], (3, 1))
    )
