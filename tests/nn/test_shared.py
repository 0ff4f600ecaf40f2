import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox.nn import Embedding, Linear, Shared

KEY = jax.random.key(0)


def _tied() -> Shared[tuple[Embedding, Linear]]:
    k1, k2 = jax.random.split(KEY)
    embedding = Embedding(10, 4, key=k1)
    linear = Linear(4, 10, key=k2)
    # Linear's weight is (10, 4), like the embedding table: tie them.
    return Shared(
        (embedding, linear),
        where=lambda pair: pair[1].weight,
        get=lambda pair: pair[0].weight,
    )


def test_tied_nodes_are_filled_in_and_stored_once() -> None:
    shared = _tied()
    embedding, linear = shared()
    assert linear.weight is embedding.weight
    # The stored pytree holds the table once: embedding weight + linear bias.
    leaves = jax.tree_util.tree_leaves(shared)
    assert sorted(leaf.shape for leaf in leaves) == [(10,), (10, 4)]


def test_gradients_of_both_uses_add_up() -> None:
    shared = _tied()
    token = jnp.array(3)

    def loss(s: Shared[tuple[Embedding, Linear]]) -> Array:
        embedding, linear = s()
        return jnp.sum(linear(embedding(token)) ** 2)

    grads = eqx.filter_jit(eqx.filter_grad(loss))(shared)
    embedding, linear = shared()
    assert linear.bias is not None
    bias = linear.bias

    def untied(table_e: Array, table_l: Array) -> Array:
        out = table_l @ table_e[3] + bias
        return jnp.sum(out**2)

    ge, gl = jax.grad(untied, argnums=(0, 1))(embedding.weight, embedding.weight)
    grad_embedding, _ = grads.pytree
    np.testing.assert_allclose(grad_embedding.weight, ge + gl, rtol=1e-5, atol=1e-6)


def test_mismatched_nodes_are_an_error() -> None:
    k1, k2 = jax.random.split(KEY)
    pair = (Linear(3, 4, key=k1), Linear(4, 3, key=k2))
    with pytest.raises(
        ValueError, match="Shared: the nodes picked by `where` and by `get`"
    ):
        Shared(pair, lambda p: p[1].weight, lambda p: p[0].weight)
    # Several nodes at once, as equal-length tuples.
    pair = (Linear(3, 3, key=k1), Linear(3, 3, key=k2))
    shared = Shared(
        pair, lambda p: (p[1].weight, p[1].bias), lambda p: (p[0].weight, p[0].bias)
    )
    first, second = shared()
    assert second.weight is first.weight and second.bias is first.bias
