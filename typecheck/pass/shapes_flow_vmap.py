# pyright: strict
"""vmap adds and removes the mapped axis, in_axes/out_axes included."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx


def squared_distance(a: Float[Array, "d"], b: Float[Array, "d"]) -> Float[Array, ""]:
    return jnp.sum((a - b) ** 2)


def distances(xs: Float[Array, "n d"], centre: Float[Array, "d"]) -> Float[Array, "n"]:
    return jax.vmap(squared_distance, in_axes=(0, None))(xs, centre)


def embed(x: Float[Array, "d"]) -> Float[Array, "d 2"]:
    return jnp.stack([x, -x], axis=1)


def embed_all(xs: Float[Array, "n d"]) -> Float[Array, "n d 2"]:
    return jax.vmap(embed)(xs)


def embed_columns(xs: Float[Array, "d n"]) -> Float[Array, "d 2 n"]:
    return jax.vmap(embed, in_axes=1, out_axes=2)(xs)


def embed_filtered(xs: Float[Array, "n d"]) -> Float[Array, "n d 2"]:
    return eqx.filter_vmap(embed)(xs)


points = embed_all(jnp.zeros((10, 3)))
