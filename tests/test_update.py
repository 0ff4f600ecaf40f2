from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu

import equinox as eqx


class Model(eqx.Module):
    weight: jax.Array
    bias: jax.Array
    activation: Any
    depth: int = eqx.field(static=True, default=2)


def model() -> Model:
    return Model(jnp.ones(2), jnp.zeros(2), jax.nn.relu)


def test_adds_updates_leaf_by_leaf() -> None:
    m = model()
    updates = jtu.tree_map(lambda _: None, m)
    updates = eqx.tree_at(
        lambda u: (u.weight, u.bias),
        updates,
        (jnp.full(2, 0.5), jnp.ones(2)),
        is_leaf=lambda x: x is None,
    )
    out = eqx.apply_updates(m, updates)
    assert isinstance(out, Model)
    assert jnp.array_equal(out.weight, jnp.full(2, 1.5))
    assert jnp.array_equal(out.bias, jnp.ones(2))
    assert out.activation is jax.nn.relu
    assert out.depth == 2
    assert jnp.array_equal(m.weight, jnp.ones(2))  # out of place


def test_none_updates_leave_leaves_unchanged() -> None:
    m = model()
    params, _ = eqx.partition(m, eqx.is_inexact_array)
    grads = jax.grad(lambda p: jnp.sum(eqx.combine(p, m).weight ** 2))(params)
    # `grads.activation` is None: the function must come through untouched.
    assert grads.activation is None
    out = eqx.apply_updates(m, jtu.tree_map(lambda g: -0.5 * g, grads))
    assert jnp.array_equal(out.weight, jnp.zeros(2))
    assert jnp.array_equal(out.bias, m.bias)
    assert out.activation is m.activation


def test_none_update_on_a_whole_subtree() -> None:
    tree: dict[str, Any] = {"a": [jnp.ones(1), jnp.ones(1)], "b": jnp.ones(1)}
    out = eqx.apply_updates(tree, {"a": None, "b": jnp.ones(1)})
    assert out["a"] is not None
    assert jnp.array_equal(out["a"][0], jnp.ones(1))
    assert jnp.array_equal(out["b"], 2 * jnp.ones(1))


def test_under_jit() -> None:
    @jax.jit
    def step(m: Model, u: Model) -> Model:
        return eqx.apply_updates(m, u)

    m = model()
    u = eqx.filter(m, eqx.is_array)
    out = step(eqx.filter(m, eqx.is_array), u)
    assert jnp.array_equal(out.weight, 2 * jnp.ones(2))
