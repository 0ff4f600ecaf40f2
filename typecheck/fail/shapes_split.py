# pyright: strict
"""jnp.split mistakes: parts that cannot be made, or used with the wrong shape."""

import jax.numpy as jnp
from jaxtyping import Array, Float


def rows(x: Float[Array, "4 6"]) -> Float[Array, "4 6"]:
    return x


def triple(x: Float[Array, "3"]) -> Float[Array, "3"]:
    return x


x = jnp.zeros((4, 6))
v = jnp.zeros(10)

jnp.split(v, 3)  # E: jaxtyping-shape
jnp.split(x, 4, axis=1)  # E: jaxtyping-shape
jnp.split(x, 0)  # E: jaxtyping-shape
jnp.split(x, 2, axis=2)  # E: jaxtyping-shape
jnp.split(x, [4, 2], axis=1)  # indices must not decrease  # E: jaxtyping-shape
jnp.split(v, [12])  # past the end: a negative last part  # E: jaxtyping-shape
jnp.hsplit(x, 4)  # E: jaxtyping-shape
jnp.dsplit(x, 2)  # a 2-D array has no depth axis  # E: jaxtyping-shape
a, b, c = jnp.split(x, 2)  # E: jaxtyping-shape

left, right = jnp.split(x, 2, axis=1)
rows(left)  # E: jaxtyping-shape
head, tail = jnp.split(v, [3])
triple(head)
triple(tail)  # E: jaxtyping-shape
parts = jnp.array_split(jnp.zeros(7), 3)  # sizes 3, 2, 2
triple(parts[0])
triple(parts[2])  # E: jaxtyping-shape
rows(jnp.vsplit(x, 2)[1])  # E: jaxtyping-shape


def halves(y: Float[Array, "n 6"]) -> Float[Array, "n 6"]:
    first, second = jnp.split(y, 2, axis=1)
    del second
    return first  # E: jaxtyping-shape
