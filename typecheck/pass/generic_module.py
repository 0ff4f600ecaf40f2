# pyright: strict
"""Generic modules: a container parametrised over what it holds."""

from collections.abc import Callable
from typing import Generic, TypeVar

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx

T = TypeVar("T")
M = TypeVar("M", bound=eqx.Module)


class Boxed(eqx.Module, Generic[T]):
    value: T
    label: str = eqx.field(static=True, default="box")

    def get(self) -> T:
        return self.value


class Residual(eqx.Module, Generic[M]):
    inner: M
    fn: Callable[[M, Array], Array] = eqx.field(static=True)

    def __call__(self, x: Array) -> Array:
        return x + self.fn(self.inner, x)


class Scale(eqx.Module):
    factor: Array


def apply_scale(s: Scale, x: Array) -> Array:
    return s.factor * x


boxed_int: Boxed[int] = Boxed(3)
number: int = boxed_int.get()
boxed_array = Boxed(jnp.ones(2), label="ones")
array: Array = boxed_array.get()
res = Residual(Scale(jnp.asarray(0.5)), apply_scale)
inner: Scale = res.inner
y: Array = res(jnp.ones(3))
