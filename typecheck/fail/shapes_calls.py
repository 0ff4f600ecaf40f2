# pyright: strict
"""Shape mistakes at function calls: each marked call contradicts jaxtyping."""

import jax.numpy as jnp
from jaxtyping import Array, Float


def matmul(a: Float[Array, "n k"], b: Float[Array, "k m"]) -> Float[Array, "n m"]:
    return a @ b


def square(x: Float[Array, "n n"]) -> Float[Array, "n n"]:
    return x


def pair(x: Float[Array, "3 4"]) -> Float[Array, "3 4"]:
    return x


def scalar(x: Float[Array, ""]) -> Float[Array, ""]:
    return x


def same(x: Float[Array, "n"], y: Float[Array, "n"]) -> Float[Array, "n"]:
    return x + y


def longer(x: Float[Array, "n"], y: Float[Array, "n+1"]) -> Float[Array, "n"]:
    return x + y[1:]


def doubled(x: Float[Array, "n"], y: Float[Array, "2*n"]) -> Float[Array, "n"]:
    return x


def named_size(x: Float[Array, "rows=3 cols"]) -> Float[Array, "cols"]:
    return x[0]


def broadcast(x: Float[Array, "#n"], y: Float[Array, "n"]) -> Float[Array, "n"]:
    return x + y


def ignore_first(x: Float[Array, "_ 4"]) -> Float[Array, "4"]:
    return x[0]


a23: Float[Array, "2 3"] = jnp.zeros((2, 3))
a37: Float[Array, "3 7"] = jnp.zeros((3, 7))
a34: Float[Array, "3 4"] = jnp.zeros((3, 4))
a43: Float[Array, "4 3"] = jnp.zeros((4, 3))
a3: Float[Array, "3"] = jnp.zeros(3)
a4: Float[Array, "4"] = jnp.zeros(4)
a5: Float[Array, "5"] = jnp.zeros(5)
a6: Float[Array, "6"] = jnp.zeros(6)
a1: Float[Array, "1"] = jnp.zeros(1)
s: Float[Array, ""] = jnp.zeros(())

matmul(a37, a23)  # E: jaxtyping-shape
matmul(a23, a23)  # E: jaxtyping-shape
matmul(a3, a37)  # E: jaxtyping-shape
square(a23)  # E: jaxtyping-shape
square(a3)  # E: jaxtyping-shape
pair(a43)  # E: jaxtyping-shape
pair(a3)  # E: jaxtyping-shape
pair(s)  # E: jaxtyping-shape
scalar(a3)  # E: jaxtyping-shape
same(a3, a4)  # E: jaxtyping-shape
same(y=a5, x=a3)  # E: jaxtyping-shape
longer(a3, a3)  # E: jaxtyping-shape
longer(a4, a3)  # E: jaxtyping-shape
doubled(a3, a5)  # E: jaxtyping-shape
named_size(a43)  # E: jaxtyping-shape
broadcast(a3, a4)  # E: jaxtyping-shape
broadcast(a1, a34)  # E: jaxtyping-shape
ignore_first(a43)  # E: jaxtyping-shape
ignore_first(a4)  # E: jaxtyping-shape
