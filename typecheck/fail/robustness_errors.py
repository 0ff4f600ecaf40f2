# pyright: strict
"""Unusual code the plugin must handle without crashing: modules made in
factories, generic modules, bases computed at run time, nested classes."""

from typing import Any, Generic, TypeVar

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx

T = TypeVar("T")


def make_base() -> Any:
    return eqx.Module


DynamicBase = make_base()


class FromDynamic(DynamicBase):  # E: valid-type, misc
    value: int

    def set(self) -> None:
        self.value = 3  # fine: the base is Any, so nothing is known


class Holder(eqx.Module, Generic[T]):
    item: T

    def swap(self, item: T) -> None:
        self.item = item  # E: eqx-frozen


Holder[int]("a")  # E: arg-type; pyright: reportArgumentType
h: Holder[str] = Holder(1)  # E: arg-type; pyright: reportAssignmentType
Holder(1).item = 2  # E: eqx-frozen


class Outer(eqx.Module):
    class Inner(eqx.Module):
        scale: Array

        def zero(self) -> None:
            self.scale = jnp.zeros(())  # E: eqx-frozen

    inner: Inner


Outer(Outer.Inner(jnp.ones(())))
Outer(jnp.ones(()))  # E: arg-type; pyright: reportArgumentType


def factory(n: int) -> eqx.Module:
    class Made(eqx.Module):
        size: int = n

        def grow(self) -> None:
            self.size += 1  # E: eqx-frozen

    Made("big")  # E: arg-type; pyright: reportArgumentType
    return Made()


class Mixin:
    def describe(self) -> str:
        return type(self).__name__


class Mixed(Mixin, eqx.Module):
    label: str

    def relabel(self) -> None:
        self.label = self.describe()  # E: eqx-frozen


Mixed(1)  # E: arg-type; pyright: reportArgumentType
