# pyright: strict
"""eqx.field(converter=...): __init__ takes what the converter accepts."""

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike

import equinox as eqx


def as_array(x: ArrayLike | list[float]) -> Array:
    return jnp.asarray(x)


def as_tuple(x: list[int] | tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x)


class Polynomial(eqx.Module):
    coefficients: Array = eqx.field(converter=as_array)
    shape: tuple[int, ...] = eqx.field(static=True, converter=as_tuple, default=(1,))

    def __call__(self, x: Array) -> Array:
        powers = x ** jnp.arange(self.coefficients.shape[0])
        return jnp.sum(self.coefficients * powers)


p = Polynomial([1.0, 2.0, 3.0])
q = Polynomial(1.0, shape=[3])
r = Polynomial(jnp.zeros(4), (4,))
value: Array = p(jnp.asarray(2.0))
dims: tuple[int, ...] = q.shape
