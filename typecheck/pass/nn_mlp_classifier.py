# pyright: strict
"""Training eqx.nn.MLP on a toy classification task."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Int, PRNGKeyArray

import equinox as eqx


def cross_entropy(model: eqx.nn.MLP, x: Array, y: Int[Array, " b"]) -> Array:
    logits = jax.vmap(model)(x)
    log_probs = jax.nn.log_softmax(logits, axis=-1)
    picked = jnp.take_along_axis(log_probs, y[:, None], axis=-1)
    return -jnp.mean(picked)


@eqx.filter_jit
def train_step(model: eqx.nn.MLP, x: Array, y: Array) -> tuple[eqx.nn.MLP, Array]:
    loss, grads = eqx.filter_value_and_grad(cross_entropy)(model, x, y)

    def descend(param: Array, grad: Array | None) -> Array:
        return param if grad is None else param - 0.05 * grad

    params, static = eqx.partition(model, eqx.is_inexact_array)
    grad_params = eqx.filter(grads, eqx.is_inexact_array)
    new_params: eqx.nn.MLP = jax.tree_util.tree_map(
        descend, params, grad_params, is_leaf=lambda leaf: leaf is None
    )
    return eqx.combine(new_params, static), loss


def fit(key: PRNGKeyArray) -> eqx.nn.MLP:
    model_key, data_key = jax.random.split(key)
    model = eqx.nn.MLP(2, 3, width_size=16, depth=2, key=model_key)
    x = jax.random.normal(data_key, (64, 2))
    y = (x[:, 0] > 0).astype(jnp.int32) + (x[:, 1] > 0).astype(jnp.int32)
    for _ in range(5):
        model, _ = train_step(model, x, y)
    return model


trained = fit(jax.random.key(0))
