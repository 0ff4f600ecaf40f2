# pyright: strict
"""Runtime checks compiled into the model with eqx.error_if."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class SafeLog(eqx.Module):
    floor: float = eqx.field(static=True, default=0.0)

    def __call__(self, x: Array) -> Array:
        x = eqx.error_if(x, jnp.any(x <= self.floor), "log of a non-positive value")
        return jnp.log(x)


class SafeDivide(eqx.Module):
    def __call__(self, a: Array, b: Array) -> Array:
        b = eqx.error_if(b, b == 0, "division by zero")
        return a / b


@eqx.filter_jit
def log_ratio(a: Array, b: Array) -> Array:
    return SafeLog()(SafeDivide()(a, b))


value: Array = log_ratio(jnp.ones(3), 2 * jnp.ones(3))
