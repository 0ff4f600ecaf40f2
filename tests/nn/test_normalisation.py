import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx

KEY = jax.random.key(0)


def _layer_norm_ref(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float
) -> np.ndarray:
    return np.asarray((x - x.mean()) / np.sqrt(x.var() + eps) * w + b)


def test_layer_norm_matches_formula() -> None:
    x = jax.random.normal(KEY, (3, 4)) * 3 + 1
    layer = eqx.nn.LayerNorm((3, 4), eps=1e-3)
    w = jax.random.normal(jax.random.key(1), (3, 4))
    b = jax.random.normal(jax.random.key(2), (3, 4))
    layer = eqx.tree_at(lambda m: (m.weight, m.bias), layer, (w, b))
    expected = _layer_norm_ref(np.asarray(x), np.asarray(w), np.asarray(b), 1e-3)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(eqx.filter_jit(layer)(x), expected, rtol=1e-5, atol=1e-5)


def test_layer_norm_options_and_state_passthrough() -> None:
    layer = eqx.nn.LayerNorm(5, use_weight=False, use_bias=False)
    assert layer.weight is None and layer.bias is None and layer.shape == (5,)
    assert eqx.nn.LayerNorm(5, elementwise_affine=False).weight is None
    x = jnp.arange(5.0)
    state = eqx.nn.State(layer)
    out, same = layer(x, state)
    assert same is state
    np.testing.assert_allclose(
        out, _layer_norm_ref(np.arange(5.0), np.ones(5), np.zeros(5), 1e-5), rtol=1e-5
    )


def test_layer_norm_vmap_normalises_each_example_and_grads() -> None:
    layer = eqx.nn.LayerNorm(6)
    xs = jax.random.normal(KEY, (4, 6)) * 5
    ys = jax.vmap(layer)(xs)
    np.testing.assert_allclose(ys.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(ys.std(axis=1), 1, atol=1e-3)

    def loss(m: eqx.nn.LayerNorm) -> jax.Array:
        return jnp.sum(jax.vmap(m)(xs) ** 3)

    grads = jax.grad(loss)(layer)
    assert grads.weight is not None and grads.bias is not None
    # d/d bias of sum(y^3) = sum over batch of 3 y^2.
    np.testing.assert_allclose(grads.bias, jnp.sum(3 * ys**2, axis=0), rtol=1e-4)


def test_layer_norm_dtypes() -> None:
    layer = eqx.nn.LayerNorm(4, dtype=jnp.bfloat16)
    assert layer.weight is not None and layer.weight.dtype == jnp.bfloat16
    x16 = jnp.arange(4.0, dtype=jnp.float16)
    assert eqx.nn.LayerNorm(4)(x16).dtype == jnp.float16
    with pytest.raises(TypeError, match=r"LayerNorm.*dtype"):
        eqx.nn.LayerNorm(4, dtype=jnp.int32)


def test_layer_norm_errors() -> None:
    with pytest.raises(ValueError, match=r"LayerNorm: `shape` must be >= 1, got -2"):
        eqx.nn.LayerNorm(-2)
    with pytest.raises(ValueError, match="LayerNorm: `eps`"):
        eqx.nn.LayerNorm(3, eps=-1.0)
    # Caught by the annotation check when run-time checking is on, else by the
    # layer itself; either way the error names the layer.
    with pytest.raises((ValueError, TypeError), match="LayerNorm"):
        eqx.nn.LayerNorm(3)(jnp.zeros(4))  # type: ignore[jaxtyping-shape]  # deliberately wrong


def test_rms_norm_matches_formula() -> None:
    x = jax.random.normal(KEY, (7,)) + 2
    layer = eqx.nn.RMSNorm(7, eps=1e-4)
    w = jax.random.normal(jax.random.key(1), (7,))
    layer = eqx.tree_at(lambda m: m.weight, layer, w)
    xn = np.asarray(x)
    expected = xn / np.sqrt(np.mean(xn**2) + 1e-4) * np.asarray(w)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5)
    assert eqx.nn.RMSNorm(7, use_bias=False).bias is None
    with pytest.raises((ValueError, TypeError), match="RMSNorm"):
        layer(jnp.zeros((7, 1)))


def _group_norm_ref(x: np.ndarray, groups: int, eps: float) -> np.ndarray:
    c = x.shape[0]
    g = x.reshape(groups, c // groups, *x.shape[1:])
    axes = tuple(range(1, g.ndim))
    mean = g.mean(axis=axes, keepdims=True)
    var = g.var(axis=axes, keepdims=True)
    return np.asarray((g - mean) / np.sqrt(var + eps)).reshape(x.shape)


def test_group_norm_matches_formula() -> None:
    x = jax.random.normal(KEY, (6, 3, 5)) * 2 + 1
    layer = eqx.nn.GroupNorm(3, 6)
    w = jax.random.normal(jax.random.key(1), (6,))
    b = jax.random.normal(jax.random.key(2), (6,))
    layer = eqx.tree_at(lambda m: (m.weight, m.bias), layer, (w, b))
    ref = _group_norm_ref(np.asarray(x), 3, 1e-5)
    expected = ref * np.asarray(w)[:, None, None] + np.asarray(b)[:, None, None]
    np.testing.assert_allclose(layer(x), expected, rtol=1e-4, atol=1e-5)
    # Without affine parameters the channel count is not needed.
    plain = eqx.nn.GroupNorm(2, channelwise_affine=False)
    np.testing.assert_allclose(
        eqx.filter_jit(plain)(x),
        _group_norm_ref(np.asarray(x), 2, 1e-5),
        rtol=1e-4,
        atol=1e-5,
    )


def test_group_norm_errors() -> None:
    with pytest.raises(
        ValueError, match=r"`groups` \(4\) must divide `channels` \(6\)"
    ):
        eqx.nn.GroupNorm(4, 6)
    with pytest.raises(ValueError, match="`channels` is required"):
        eqx.nn.GroupNorm(2)
    with pytest.raises(ValueError, match="GroupNorm: `groups` must be >= 1"):
        eqx.nn.GroupNorm(0, 4)
    with pytest.raises((ValueError, TypeError), match="GroupNorm"):
        eqx.nn.GroupNorm(2, 4)(jnp.zeros((6, 2)))  # type: ignore[jaxtyping-shape]  # deliberately wrong
    with pytest.raises(ValueError, match="must divide the number of channels"):
        eqx.nn.GroupNorm(4, channelwise_affine=False)(jnp.zeros((6, 2)))
