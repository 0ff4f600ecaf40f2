# pyright: strict
"""vmap bugs: the mapped axis, in_axes/out_axes and mismatched batch sizes."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx


def score(x: Float[Array, "d"], w: Float[Array, "d"]) -> Float[Array, ""]:
    return jnp.dot(x, w)


def embed(x: Float[Array, "d"]) -> Float[Array, "d 2"]:
    return jnp.stack([x, -x], axis=1)


xs = jnp.zeros((10, 3))
ws = jnp.zeros((10, 4))

jax.vmap(score)(xs, ws)  # E: jaxtyping-shape
jax.vmap(score)(xs, jnp.zeros((9, 3)))  # E: jaxtyping-shape
jax.vmap(score)(jnp.zeros(3), jnp.zeros(3))  # E: jaxtyping-shape
eqx.filter_vmap(embed)(jnp.zeros((2, 3, 4)))  # E: jaxtyping-shape
scores: Float[Array, "3"] = jax.vmap(score)(xs, xs)  # E: jaxtyping-shape
pairs: Float[Array, "3 2"] = jax.vmap(embed)(xs)  # E: jaxtyping-shape
columns: Float[Array, "10 3 2"] = jax.vmap(embed, in_axes=1)(xs)  # E: jaxtyping-shape
moved: Float[Array, "10 3 2"] = jax.vmap(embed, out_axes=1)(xs)  # E: jaxtyping-shape
good: Float[Array, "10 3 2"] = jax.vmap(embed)(xs)

layer = eqx.nn.Linear(3, 4, key=jax.random.key(0))
batched: Float[Array, "10 4"] = jax.vmap(layer)(xs)
wrong_width = jax.vmap(layer)(ws)  # E: jaxtyping-shape
unbatched: Float[Array, "4"] = jax.vmap(layer)(xs)  # E: jaxtyping-shape


def per_example(model: eqx.nn.Linear, xs: Float[Array, "b n"]) -> Float[Array, "n b"]:
    return jax.vmap(model)(xs).T
