# pyright: strict
"""A hand-written MLP: the idiom `for layer in layers: x = layer(x)`."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class Dense(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __init__(self, n_in: int, n_out: int, key: PRNGKeyArray) -> None:
        self.weight = jax.random.normal(key, (n_out, n_in)) * 0.1
        self.bias = jnp.zeros(n_out)

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return jax.nn.relu(self.weight @ x + self.bias)


class Network(eqx.Module):
    layers: list[Dense]
    head: Dense

    def __init__(self, sizes: list[int], key: PRNGKeyArray) -> None:
        keys = jax.random.split(key, len(sizes))
        self.layers = [
            Dense(a, b, k)
            for a, b, k in zip(sizes[:-1], sizes[1:], keys[:-1], strict=True)
        ]
        self.head = Dense(sizes[-1], 1, keys[-1])

    def __call__(self, x: Float[Array, "d"]) -> Float[Array, ""]:
        for layer in self.layers:
            x = layer(x)
        x = self.head(x)
        return x[0]


net = Network([4, 16, 16], jax.random.key(0))
score = net(jnp.zeros(4))
