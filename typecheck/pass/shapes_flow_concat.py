# pyright: strict
"""concatenate and stack of known shapes; split halves."""

import jax.numpy as jnp
from jaxtyping import Array, Float


def with_bias_feature(x: Float[Array, "n d"]) -> Float[Array, "n d+1"]:
    ones = jnp.ones((x.shape[0], 1))
    return jnp.concatenate([x, ones], axis=1)


def pair(a: Float[Array, "d"], b: Float[Array, "d"]) -> Float[Array, "2 d"]:
    return jnp.stack([a, b])


def interleave(a: Float[Array, "n"], b: Float[Array, "n"]) -> Float[Array, "n 2"]:
    return jnp.stack([a, b], axis=-1)


top = jnp.zeros((2, 4))
bottom = jnp.ones((3, 4))
tall: Float[Array, "5 4"] = jnp.concatenate([top, bottom])
wide: Float[Array, "2 8"] = jnp.concatenate([top, top], axis=1)
stacked: Float[Array, "2 2 4"] = jnp.stack([top, top])
