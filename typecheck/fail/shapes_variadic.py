# pyright: strict
"""Variadic dimensions (`*batch`, `...`) bind a whole group of axes."""

import jax.numpy as jnp
from jaxtyping import Array, Float


def batched(
    x: Float[Array, "*batch c"], y: Float[Array, "*batch"]
) -> Float[Array, "*batch"]:
    return x.sum(-1) + y


def channels_last(x: Float[Array, "... 3"]) -> Float[Array, "... 3"]:
    return x


def at_least_two(x: Float[Array, "a *rest b"]) -> Float[Array, "a b"]:
    return x.reshape(x.shape[0], -1, x.shape[-1]).sum(1)


def same_batch(x: Float[Array, "*b"], y: Float[Array, "*b"]) -> Float[Array, "*b"]:
    return x + y


a23: Float[Array, "2 3"] = jnp.zeros((2, 3))
a234: Float[Array, "2 3 4"] = jnp.zeros((2, 3, 4))
a2: Float[Array, "2"] = jnp.zeros(2)
a3: Float[Array, "3"] = jnp.zeros(3)
a32: Float[Array, "3 2"] = jnp.zeros((3, 2))
s: Float[Array, ""] = jnp.zeros(())

batched(a23, a3)  # E: jaxtyping-shape
batched(a234, a23[0])  # E: jaxtyping-shape
batched(a234, a32)  # E: jaxtyping-shape
batched(s, s)  # E: jaxtyping-shape
channels_last(a234)  # E: jaxtyping-shape
channels_last(s)  # E: jaxtyping-shape
at_least_two(a3)  # E: jaxtyping-shape
same_batch(a23, a32)  # E: jaxtyping-shape
same_batch(a2, a23)  # E: jaxtyping-shape
want_23: Float[Array, "2 3"] = batched(a234, jnp.zeros((2, 3)))
want_32: Float[Array, "3 2"] = batched(a234, jnp.zeros((2, 3)))  # E: jaxtyping-shape
reduced: Float[Array, "2"] = at_least_two(a234)  # E: jaxtyping-shape


def inside(x: Float[Array, "*batch 3"]) -> Float[Array, "*batch 4"]:
    return channels_last(x)  # E: jaxtyping-shape
