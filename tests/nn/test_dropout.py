import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx

KEY = jax.random.key(0)


def test_dropout_scales_survivors_and_drops_about_p() -> None:
    dropout = eqx.nn.Dropout(0.3)
    x = jnp.full((20000,), 2.0)
    y = np.asarray(dropout(x, key=KEY))
    kept = y != 0
    # Survivors are scaled by 1/(1-p) so the expectation is unchanged.
    np.testing.assert_allclose(y[kept], 2.0 / 0.7, rtol=1e-6)
    # 20000 Bernoulli(0.7) draws: 5 standard deviations is about 0.016.
    assert abs(kept.mean() - 0.7) < 0.016
    assert abs(y.mean() - 2.0) < 0.05


def test_dropout_same_key_same_mask_different_key_different_mask() -> None:
    dropout = eqx.nn.Dropout()
    x = jnp.ones(100)
    np.testing.assert_array_equal(dropout(x, key=KEY), dropout(x, key=KEY))
    assert not np.array_equal(dropout(x, key=KEY), dropout(x, key=jax.random.key(1)))


def test_dropout_inference_and_p_zero_are_identity() -> None:
    x = jnp.arange(5.0)
    assert eqx.nn.Dropout(0.5, inference=True)(x) is x
    assert eqx.nn.Dropout(0.5)(x, inference=True) is x
    assert eqx.nn.Dropout(0.0)(x) is x
    # The per-call flag also overrides in the other direction.
    y = eqx.nn.Dropout(0.5, inference=True)(jnp.ones(50), key=KEY, inference=False)
    assert bool(jnp.any(y == 0))


def test_dropout_p_one_gives_zeros_with_finite_gradient() -> None:
    dropout = eqx.nn.Dropout(1.0)
    x = jnp.ones(4)
    np.testing.assert_array_equal(dropout(x, key=KEY), np.zeros(4))
    grad = jax.grad(lambda v: jnp.sum(dropout(v, key=KEY)))(x)
    np.testing.assert_array_equal(grad, np.zeros(4))


def test_dropout_missing_key_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match=r"Dropout\(p=0.5\): a `key` is required"):
        eqx.nn.Dropout(0.5)(jnp.ones(3))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"p": 1.5}, ValueError, r"Dropout: `p` must be in \[0, 1\], got 1.5"),
        ({"p": -0.1}, ValueError, r"Dropout: `p` must be in \[0, 1\]"),
        ({"p": "half"}, TypeError, "Dropout: `p` must be a float"),
        ({"inference": 1}, TypeError, "Dropout: `inference` must be a bool"),
    ],
)
def test_dropout_bad_config(
    kwargs: dict[str, object], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        eqx.nn.Dropout(**kwargs)  # type: ignore[arg-type]  # deliberately wrong


def test_dropout_under_jit_vmap_grad() -> None:
    dropout = eqx.nn.Dropout(0.5)
    keys = jax.random.split(KEY, 3)
    x = jnp.ones((3, 40))
    # `p` and `inference` are leaves; close over the layer for plain jax.jit.
    ys = jax.jit(jax.vmap(lambda xi, k: dropout(xi, key=k)))(x, keys)
    assert ys.shape == (3, 40)
    # Each example draws its own mask.
    assert not np.array_equal(ys[0], ys[1])
    grad = jax.grad(lambda v: jnp.sum(dropout(v, key=KEY)))(jnp.ones(40))
    np.testing.assert_allclose(grad, np.asarray(dropout(jnp.ones(40), key=KEY)))


def test_dropout_p_is_a_traceable_leaf() -> None:
    dropout = eqx.nn.Dropout(0.25)
    assert jax.tree_util.tree_leaves(dropout) == [0.25, False]

    @jax.jit
    def apply(p: jax.Array, x: jax.Array) -> jax.Array:
        layer = eqx.tree_at(lambda d: d.p, dropout, p)
        return layer(x, key=KEY)

    np.testing.assert_allclose(
        apply(jnp.asarray(0.25), jnp.ones(30)), dropout(jnp.ones(30), key=KEY)
    )


def test_deterministic_is_a_deprecated_spelling_of_inference() -> None:
    x = jnp.arange(1.0, 7.0)
    with pytest.warns(UserWarning, match=r"Dropout\(deterministic=...\) is deprecated"):
        off = eqx.nn.Dropout(0.5, deterministic=True)
    assert off.inference
    np.testing.assert_array_equal(off(x, key=KEY), x)
    with pytest.warns(UserWarning, match=r"Dropout\(\)\(deterministic=...\)"):
        # Given per call, it wins over `inference` too.
        y = eqx.nn.Dropout(0.5)(x, key=KEY, inference=False, deterministic=True)
    np.testing.assert_array_equal(y, x)
