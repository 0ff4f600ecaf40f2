# pyright: strict
"""Rebinding a name to another shape is not an error; later uses see it."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int

import equinox as eqx


class Encoder(eqx.Module):
    embed: eqx.nn.Embedding
    proj: eqx.nn.Linear

    def __init__(self, key: jax.Array) -> None:
        k1, k2 = jax.random.split(key)
        self.embed = eqx.nn.Embedding(50, 8, key=k1)
        self.proj = eqx.nn.Linear(8, 4, key=k2)

    def __call__(self, tokens: Int[Array, "seq"]) -> Float[Array, "4"]:
        x = jax.vmap(self.embed)(tokens)
        x = jnp.mean(x, axis=0)
        x = self.proj(x)
        return x


def refine(x: Float[Array, "n"], steps: int) -> Float[Array, "n"]:
    for _ in range(steps):
        x = x - 0.1 * jnp.tanh(x)
    return x


def maybe_pool(x: Float[Array, "n d"], pool: bool) -> Float[Array, "d"]:
    if pool:
        y = x.mean(axis=0)
    else:
        y = x[0]
    return y


def grow(x: Float[Array, "n"]) -> Float[Array, "n 2"]:
    y = jnp.stack([x, x], axis=1)
    return y


encoder = Encoder(jax.random.key(0))
code = encoder(jnp.arange(6))
