# pyright: strict
"""Variadic dimensions bound consistently across arguments and results."""

import jax.numpy as jnp
from jaxtyping import Array, Float


def mean_last(x: Float[Array, "*batch n"]) -> Float[Array, "*batch"]:
    return x.mean(-1)


def add_batched(
    x: Float[Array, "*batch n"], y: Float[Array, "*batch n"]
) -> Float[Array, "*batch n"]:
    return x + y


def leading(x: Float[Array, "b *rest"]) -> Float[Array, "*rest"]:
    return x[0]


def middle(x: Float[Array, "a *mid z"]) -> Float[Array, "*mid"]:
    return x[0, ..., 0]


def scale(x: Float[Array, "*batch"], s: Float[Array, ""]) -> Float[Array, "*batch"]:
    return x * s


a234: Float[Array, "2 3 4"] = jnp.zeros((2, 3, 4))
a34: Float[Array, "3 4"] = jnp.zeros((3, 4))
a4: Float[Array, "4"] = jnp.zeros(4)
s: Float[Array, ""] = jnp.zeros(())

m1: Float[Array, "2 3"] = mean_last(a234)
m2: Float[Array, "3"] = mean_last(a34)
m3: Float[Array, ""] = mean_last(a4)
ab: Float[Array, "2 3 4"] = add_batched(a234, a234)
ld: Float[Array, "3 4"] = leading(a234)
md: Float[Array, "3"] = middle(a234)
md0: Float[Array, ""] = middle(a34)
sc: Float[Array, "2 3 4"] = scale(a234, s)
sc0: Float[Array, ""] = scale(s, s)


def generic_batch(x: Float[Array, "*b 4"]) -> Float[Array, "*b"]:
    y: Float[Array, "*b 4"] = add_batched(x, x)
    return mean_last(y)


def unknown_rank(x: Float[Array, "..."]) -> Float[Array, "..."]:
    return scale(x, s)
