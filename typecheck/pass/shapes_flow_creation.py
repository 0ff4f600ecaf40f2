# pyright: strict
"""Arrays made from literal shapes carry them into annotated code."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, Int


def table(
    ids: Int[Array, "n"], weights: Float[Array, "n 3"]
) -> tuple[Int[Array, "n"], Float[Array, "n 3"]]:
    return ids, weights


key = jax.random.key(0)
grid: Float[Array, "4 3"] = jnp.zeros((4, 3))
ones: Float[Array, "2 2"] = jnp.ones([2, 2])
filled: Float[Array, "5"] = jnp.full((5,), 0.5)
ident: Float[Array, "3 3"] = jnp.eye(3)
steps: Int[Array, "10"] = jnp.arange(10)
span: Float[Array, "7"] = jnp.linspace(0.0, 1.0, 7)
noise: Float[Array, "4 3"] = jax.random.normal(key, (4, 3))
uniform: Float[Array, "2 5"] = jax.random.uniform(key, (2, 5))
labels: Int[Array, "6"] = jax.random.randint(key, (6,), 0, 10)
coins: Bool[Array, "6"] = jax.random.bernoulli(key, 0.5, (6,))
literal: Float[Array, "2 3"] = jnp.asarray([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
counts: Int[Array, "3"] = jnp.array([1, 2, 3])
like: Float[Array, "4 3"] = jnp.zeros_like(grid)
as_int: Int[Array, "4 3"] = grid.astype(jnp.int32)
pair = table(jnp.arange(4), noise)
