# pyright: strict
"""A custom __init__ fills the fields with created arrays of matching sizes."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray

import equinox as eqx


class Codebook(eqx.Module):
    vectors: Float[Array, "k d"]
    counts: Int[Array, "k"]
    temperature: Float[Array, ""]

    def __init__(self, key: PRNGKeyArray) -> None:
        self.vectors = jax.random.normal(key, (16, 4))
        self.counts = jnp.zeros(16, dtype=jnp.int32)
        self.temperature = jnp.asarray(1.0)

    def nearest(self, x: Float[Array, "d"]) -> Int[Array, ""]:
        distances = jnp.sum((self.vectors - x) ** 2, axis=-1)
        return jnp.argmin(distances)

    def lookup(self, index: Int[Array, ""]) -> Float[Array, "d"]:
        return self.vectors[index]


book = Codebook(jax.random.key(0))
slot = book.nearest(jnp.zeros(4))
