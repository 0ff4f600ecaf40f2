# pyright: strict
"""Reshape, transpose, squeeze, expand_dims, indexing and None-axes."""

import jax.numpy as jnp
from jaxtyping import Array, Float


def flatten_image(x: Float[Array, "c h w"]) -> Float[Array, "c hw"]:
    return x.reshape(x.shape[0], -1)


def channels_last(x: Float[Array, "c h w"]) -> Float[Array, "h w c"]:
    return jnp.transpose(x, (1, 2, 0))


def outer(a: Float[Array, "n"], b: Float[Array, "m"]) -> Float[Array, "n m"]:
    return a[:, None] * b[None, :]


def first_row(x: Float[Array, "n d"]) -> Float[Array, "d"]:
    return x[0]


def add_batch(x: Float[Array, "d"]) -> Float[Array, "1 d"]:
    return jnp.expand_dims(x, 0)


def drop_batch(x: Float[Array, "1 d"]) -> Float[Array, "d"]:
    return jnp.squeeze(x, axis=0)


def pairs(x: Float[Array, "12"]) -> Float[Array, "6 2"]:
    return x.reshape(6, 2)


image = jnp.zeros((3, 8, 8))
flat = flatten_image(image)
last: Float[Array, "8 8 3"] = channels_last(image)
patch: Float[Array, "3 4 8"] = image[:, :4]
