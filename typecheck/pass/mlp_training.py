# pyright: strict
"""A hand-written MLP trained with filter_value_and_grad and plain SGD."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class Dense(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, " out"]

    def __init__(self, n_in: int, n_out: int, *, key: PRNGKeyArray) -> None:
        wkey, bkey = jax.random.split(key)
        self.weight = jax.random.normal(wkey, (n_out, n_in)) / n_in**0.5
        self.bias = jax.random.normal(bkey, (n_out,)) * 0.01

    def __call__(self, x: Float[Array, " in"]) -> Float[Array, " out"]:
        return self.weight @ x + self.bias


class MLP(eqx.Module):
    layers: tuple[Dense, ...]

    def __init__(self, sizes: list[int], *, key: PRNGKeyArray) -> None:
        keys = jax.random.split(key, len(sizes) - 1)
        self.layers = tuple(
            Dense(a, b, key=k)
            for a, b, k in zip(sizes[:-1], sizes[1:], keys, strict=True)
        )

    def __call__(self, x: Array) -> Array:
        for layer in self.layers[:-1]:
            x = jax.nn.relu(layer(x))
        return self.layers[-1](x)


def loss(model: MLP, x: Array, y: Array) -> Array:
    pred = jax.vmap(model)(x)
    return jnp.mean((pred - y) ** 2)


@eqx.filter_jit
def step(model: MLP, x: Array, y: Array, lr: float) -> tuple[Array, MLP]:
    value, grads = eqx.filter_value_and_grad(loss)(model, x, y)

    def sgd(g: Array) -> Array:
        return -lr * g

    updates = jax.tree_util.tree_map(sgd, grads)
    new_model: MLP = eqx.apply_updates(model, updates)
    return value, new_model


def train(steps: int) -> MLP:
    key = jax.random.key(0)
    model = MLP([2, 16, 1], key=key)
    x = jnp.ones((32, 2))
    y = jnp.zeros((32, 1))
    for _ in range(steps):
        _, model = step(model, x, y, 0.1)
    return model
