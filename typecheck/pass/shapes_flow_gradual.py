# pyright: strict
"""Unknown stays unknown: untyped arrays, runtime sizes, unmodelled calls."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float


def load() -> Array:
    return jnp.asarray(np.load("weights.npy"))


def matvec(w: Float[Array, "m n"], x: Float[Array, "n"]) -> Float[Array, "m"]:
    return w @ x


def sized(n: int) -> Float[Array, "4"]:
    return jnp.zeros(n)


def opaque(x: Any) -> Float[Array, "3"]:
    return jnp.tanh(x)


def scanned(xs: Float[Array, "t d"]) -> Float[Array, "d"]:
    def step(c: Array, x: Array) -> tuple[Array, None]:
        return c + x, None

    final, _ = jax.lax.scan(step, jnp.zeros(xs.shape[1]), xs)
    return final


weights = load()
y = matvec(weights, jnp.zeros(3))
z = matvec(jnp.zeros((2, 3)), load())
