# pyright: strict
"""Modules defined inside functions (factories), and closures over them."""

from collections.abc import Callable

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


def make_activation(slope: float) -> eqx.Module:
    class LeakyReLU(eqx.Module):
        negative_slope: float = eqx.field(static=True)

        def __call__(self, x: Array) -> Array:
            return jnp.where(x > 0, x, self.negative_slope * x)

    return LeakyReLU(slope)


def make_layer(n: int) -> Callable[[Array], Array]:
    class Layer(eqx.Module):
        weight: Array

        def __init__(self) -> None:
            self.weight = jnp.eye(n)

        def __call__(self, x: Array) -> Array:
            return self.weight @ x

    layer = Layer()
    return eqx.filter_jit(layer)


act = make_activation(0.1)
layer = make_layer(3)
y: Array = layer(jnp.ones(3))
