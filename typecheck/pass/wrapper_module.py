# pyright: strict
"""A module wrapping a callable, with metadata copied by module_update_wrapper."""

from collections.abc import Callable

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Logged(eqx.Module):
    fn: Callable[[Array], Array] = eqx.field(static=True)
    prefix: str = eqx.field(static=True, default="call")

    @property
    def __wrapped__(self) -> Callable[[Array], Array]:
        return self.fn

    def __call__(self, x: Array) -> Array:
        return self.fn(x)


def softplus(x: Array) -> Array:
    """log(1 + exp(x))"""
    return jnp.logaddexp(x, 0.0)


wrapped = eqx.module_update_wrapper(Logged(softplus))
result: Array = wrapped(jnp.zeros(3))
prefix: str = wrapped.prefix
