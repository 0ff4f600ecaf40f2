# pyright: strict
"""Bound methods, eqx.Partial and module_update_wrapper keep their types."""

from collections.abc import Callable

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Model(eqx.Module):
    weight: Array

    def predict(self, x: Array) -> Array:
        return self.weight * x

    def score(self, x: Array, y: Array) -> float:
        return float(jnp.mean((self.predict(x) - y) ** 2))


def add(x: int, y: int) -> int:
    return x + y


model = Model(jnp.ones(3))
predict = model.predict
predict(jnp.ones(3), jnp.ones(3))  # E: call-arg; pyright: reportCallIssue
ones = jnp.ones(3)
text: str = model.score(ones, ones)  # E: assignment; pyright: reportAssignmentType
jitted = eqx.filter_jit(model.predict)
jitted("x")  # E: arg-type; pyright: reportArgumentType
as_int: int = jitted(jnp.ones(3))  # E: assignment; pyright: reportAssignmentType

partial = eqx.Partial(add, 1)
name: str = partial(2)  # E: assignment; pyright: reportAssignmentType
PartialList = eqx.Partial[list[int]]
as_list: PartialList = eqx.Partial(add, 1)  # E: arg-type; pyright: reportAssignmentType


class NotWrapping(eqx.Module):
    fn: Callable[[Array], Array]


wrapped = eqx.module_update_wrapper(NotWrapping(jnp.sin))
wrapped.fn = jnp.cos  # E: eqx-frozen
eqx.module_update_wrapper(jnp.sin)  # E: type-var; pyright: reportArgumentType
