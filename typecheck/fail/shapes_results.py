# pyright: strict
"""Results carry the call's bindings, so later mistakes are caught too."""

import jax.numpy as jnp
from jaxtyping import Array, Float


def matmul(a: Float[Array, "n k"], b: Float[Array, "k m"]) -> Float[Array, "n m"]:
    return a @ b


def outer(a: Float[Array, "n"], b: Float[Array, "m"]) -> Float[Array, "n m"]:
    return a[:, None] * b[None, :]


def flatten(x: Float[Array, "a b"]) -> Float[Array, "a*b"]:
    return x.reshape(-1)


def grow(x: Float[Array, "n"]) -> Float[Array, "n+1"]:
    return jnp.concatenate([x, jnp.zeros(1)])


def pair_3_4(x: Float[Array, "3 4"]) -> Float[Array, "3 4"]:
    return x


def want_4(x: Float[Array, "4"]) -> Float[Array, "4"]:
    return x


def split(x: Float[Array, "n 2"]) -> tuple[Float[Array, "n"], Float[Array, "n"]]:
    return x[:, 0], x[:, 1]


a23: Float[Array, "2 3"] = jnp.zeros((2, 3))
a37: Float[Array, "3 7"] = jnp.zeros((3, 7))
a3: Float[Array, "3"] = jnp.zeros(3)
a4: Float[Array, "4"] = jnp.zeros(4)
a52: Float[Array, "5 2"] = jnp.zeros((5, 2))

product = matmul(a23, a37)
pair_3_4(product)  # E: jaxtyping-shape
wrong: Float[Array, "7 2"] = matmul(a23, a37)  # E: jaxtyping-shape
pair_3_4(outer(a3, a3))  # E: jaxtyping-shape
want_4(flatten(a23))  # E: jaxtyping-shape
want_4(grow(a4))  # E: jaxtyping-shape
grown: Float[Array, "3"] = grow(a3)  # E: jaxtyping-shape
left, right = split(a52)
want_4(left)  # E: jaxtyping-shape
wrong_rank: Float[Array, "2 3 7"] = matmul(a23, a37)  # E: jaxtyping-shape
chained = matmul(matmul(a23, a37), a37)  # E: jaxtyping-shape


def use_inside(x: Float[Array, "n 3"], y: Float[Array, "3 5"]) -> Float[Array, "n 4"]:
    return matmul(x, y)  # E: jaxtyping-shape
