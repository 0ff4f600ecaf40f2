# pyright: strict
"""Assigning a name that is not a field: mypy-only (pyright has no plugins).

At run time a Module's `__init__` / `__post_init__` may only assign declared
fields (annotated class attributes); anything else raises AttributeError.
After `__init__`, the assignment is refused as frozen.
"""

import functools
from typing import Generic, TypeVar

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx

T = TypeVar("T")


class Linear(eqx.Module):
    weight: Array
    scale = 1.0  # a plain class attribute, not a field
    calls: int = eqx.field(static=True, default=0)

    def __init__(self, n: int) -> None:
        self.weight = jnp.eye(n)
        self.bias = jnp.zeros(n)  # E: eqx-undeclared
        self.bias = jnp.ones(n)  # E: eqx-undeclared
        self.scale = 2.0  # E: eqx-undeclared
        self.size: int = n  # E: eqx-undeclared
        self.rows, self.cols = n, n  # E: eqx-undeclared
        self.calls = 1  # fine: a declared (static) field
        self.label = "linear"  # E: eqx-undeclared

    @property
    def label(self) -> str:
        return "linear"

    @label.setter
    def label(self, value: str) -> None:  # never reached: __setattr__ refuses
        pass

    @functools.cached_property
    def norm(self) -> Array:
        return jnp.sum(self.weight)

    def remember(self, x: Array) -> None:
        self.last_input = x  # E: eqx-frozen
        self.last_input = 2 * x  # E: eqx-frozen
        self.last_input += x  # E: eqx-frozen


class Cached(eqx.Module):
    values: Array

    def __init__(self, values: Array) -> None:
        self.values = values
        self.norm = jnp.sum(values)  # E: eqx-undeclared

    @functools.cached_property
    def norm(self) -> Array:
        return jnp.sum(self.values)


class WithPost(eqx.Module):
    values: Array

    def __post_init__(self) -> None:
        self.total = jnp.sum(self.values)  # E: eqx-undeclared

    def __check_init__(self) -> None:
        self.checked = True  # E: eqx-frozen


class Closure(eqx.Module):
    weight: Array

    def __init__(self, n: int) -> None:
        def build() -> None:
            self.weight = jnp.eye(n)
            self.extra = n  # E: eqx-undeclared; pyright: reportAttributeAccessIssue

        build()


class Box(eqx.Module, Generic[T]):
    item: T

    def __init__(self, item: T) -> None:
        self.item = item
        self.items = [item]  # E: eqx-undeclared


class Sub(Linear):
    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.weight = jnp.zeros((n, n))  # fine: an inherited field
        self.depth = 2  # E: eqx-undeclared

    def deepen(self) -> None:
        self.depth += 1  # E: eqx-frozen


def local(n: int) -> None:
    class Local(eqx.Module):
        count: int

        def __init__(self) -> None:
            self.count = n
            self.total = n  # E: eqx-undeclared

    Local()
