import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx

KEY = jax.random.key(0)


def _manual(mlp: eqx.nn.MLP, x: np.ndarray) -> np.ndarray:
    """The MLP written out with numpy, ReLU between layers."""
    h = x
    for i, layer in enumerate(mlp.layers):
        h = np.asarray(layer.weight) @ h.reshape(-1)
        if layer.bias is not None:
            h = h + np.asarray(layer.bias)
        if i < len(mlp.layers) - 1:
            h = np.maximum(h, 0)
    return h


def test_mlp_structure_and_numerics() -> None:
    mlp = eqx.nn.MLP(3, 2, width_size=5, depth=2, key=KEY)
    shapes = [layer.weight.shape for layer in mlp.layers]
    assert shapes == [(5, 3), (5, 5), (2, 5)]
    x = np.array([0.3, -1.0, 2.0], np.float32)
    np.testing.assert_allclose(mlp(jnp.asarray(x)), _manual(mlp, x), rtol=1e-5)


def test_mlp_layers_have_distinct_weights() -> None:
    mlp = eqx.nn.MLP(4, 4, width_size=4, depth=2, key=KEY)
    assert not np.allclose(mlp.layers[0].weight, mlp.layers[1].weight)


def test_mlp_depth_zero_is_one_linear() -> None:
    mlp = eqx.nn.MLP(3, 2, width_size=7, depth=0, key=KEY)
    assert len(mlp.layers) == 1
    assert mlp.layers[0].weight.shape == (2, 3)


def test_mlp_bias_flags() -> None:
    mlp = eqx.nn.MLP(
        3, 2, width_size=4, depth=2, use_bias=False, use_final_bias=True, key=KEY
    )
    assert [layer.bias is None for layer in mlp.layers] == [True, True, False]
    mlp2 = eqx.nn.MLP(3, 2, width_size=4, depth=1, use_final_bias=False, key=KEY)
    assert [layer.bias is None for layer in mlp2.layers] == [False, True]


def test_mlp_activations() -> None:
    mlp = eqx.nn.MLP(
        2,
        3,
        width_size=4,
        depth=1,
        activation=jnp.tanh,
        final_activation=jax.nn.sigmoid,
        key=KEY,
    )
    x = jnp.array([0.5, -0.5])
    first, last = mlp.layers
    expected = jax.nn.sigmoid(last(jnp.tanh(first(x))))
    np.testing.assert_allclose(mlp(x), expected, rtol=1e-6)
    assert bool(jnp.all((mlp(x) > 0) & (mlp(x) < 1)))


def test_mlp_scalar_sizes() -> None:
    mlp = eqx.nn.MLP("scalar", "scalar", width_size=3, depth=1, key=KEY)
    assert mlp(jnp.array(1.0)).shape == ()
    assert mlp.in_size == "scalar" and mlp.out_size == "scalar"


def test_mlp_dtype() -> None:
    mlp = eqx.nn.MLP(2, 2, width_size=3, depth=1, dtype=jnp.float16, key=KEY)
    assert all(layer.weight.dtype == jnp.float16 for layer in mlp.layers)


def test_mlp_under_jit_vmap_grad() -> None:
    mlp = eqx.nn.MLP(3, 1, width_size=8, depth=2, key=KEY)
    xs = jax.random.normal(jax.random.key(1), (6, 3))
    params, rest = eqx.partition(mlp, eqx.is_array)

    @jax.jit
    def loss(p: eqx.nn.MLP, x: jax.Array) -> jax.Array:
        model = eqx.combine(p, rest)
        return jnp.mean(jax.vmap(model)(x) ** 2)

    value = loss(params, xs)
    np.testing.assert_allclose(
        value, np.mean([_manual(mlp, np.asarray(x)) ** 2 for x in xs]), rtol=1e-5
    )
    grads = jax.grad(loss)(params, xs)
    # Finite-difference check on one weight entry.
    eps = 1e-3
    bumped = eqx.tree_at(
        lambda m: m.layers[0].weight, params, params.layers[0].weight.at[0, 0].add(eps)
    )
    numeric = (loss(bumped, xs) - value) / eps
    np.testing.assert_allclose(grads.layers[0].weight[0, 0], numeric, rtol=2e-2)


def test_mlp_trainable_activation_is_a_leaf() -> None:
    mlp = eqx.nn.MLP(2, 2, width_size=3, depth=1, activation=eqx.nn.PReLU(), key=KEY)
    leaves = jax.tree_util.tree_leaves(eqx.filter(mlp, eqx.is_array))
    # Two weights, two biases, the PReLU slope.
    assert len(leaves) == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depth": -1}, "MLP: `depth` must be >= 0, got -1"),
        ({"width_size": 0}, "MLP: `width_size` must be >= 1, got 0"),
        ({"activation": 3}, "MLP: `activation` must be callable"),
    ],
)
def test_mlp_bad_config(kwargs: dict[str, object], message: str) -> None:
    config: dict[str, object] = {"width_size": 4, "depth": 1, **kwargs}
    with pytest.raises((ValueError, TypeError), match=message):
        eqx.nn.MLP(2, 2, key=KEY, **config)  # type: ignore[arg-type]  # deliberately wrong


def test_mlp_under_filter_transformations() -> None:
    mlp = eqx.nn.MLP(2, 1, width_size=4, depth=1, activation=jnp.tanh, key=KEY)
    xs = jnp.ones((3, 2))

    @eqx.filter_jit
    def loss(model: eqx.nn.MLP, x: jax.Array) -> jax.Array:
        return jnp.sum(jax.vmap(model)(x))

    grads = eqx.filter_jit(eqx.filter_grad(loss))(mlp, xs)
    # The activation is a (non-array) leaf: no gradient for it, arrays get one.
    assert grads.activation is None
    assert grads.layers[0].weight.shape == (4, 2)
    params, rest = eqx.partition(mlp, eqx.is_array)
    expected = jax.grad(lambda p: loss(eqx.combine(p, rest), xs))(params)
    np.testing.assert_allclose(
        grads.layers[1].weight, expected.layers[1].weight, rtol=1e-6
    )
