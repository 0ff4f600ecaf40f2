# pyright: strict
"""Hand-written __init__ / __post_init__ assigning only declared fields
(inherited ones, `init=False` ones, fields with converters), plus
assignments that are not to a Module's own fields at all."""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Generic, TypeVar

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx

T = TypeVar("T")


def to_array(x: Array | float) -> Array:
    return jnp.asarray(x)


class Stats:
    """Not a Module: methods may add attributes freely."""

    def __init__(self) -> None:
        self.count = 0
        self.mean = 0.0

    def update(self, x: float) -> None:
        self.count += 1
        self.mean += (x - self.mean) / self.count
        self.last = x


class Base(eqx.Module):
    weight: Array
    kind: ClassVar[str] = "base"


class Layer(Base):
    bias: Array = eqx.field(converter=to_array)
    total: Array = eqx.field(init=False)
    name: str = eqx.field(static=True, default="layer")

    def __init__(self, n: int, stats: Stats) -> None:
        self.weight = jnp.eye(n)  # an inherited field
        self.bias = jnp.zeros(n)  # goes through the converter after __init__
        self.total = jnp.zeros(())  # an init=False field
        stats.count = n  # not a Module

        def record(self: Stats) -> None:  # its own `self`
            self.mean = float(n)

        record(stats)

    def __check_init__(self) -> None:
        if self.weight.shape[0] != self.bias.shape[0]:
            raise ValueError("shape mismatch")

    @staticmethod
    def reset(stats: Stats) -> None:
        stats.count = 0


class Scaled(eqx.Module):
    values: Array
    scale: float = 1.0
    total: Array = eqx.field(init=False)

    def __post_init__(self) -> None:
        self.total = jnp.sum(self.values) * self.scale


class Box(eqx.Module, Generic[T]):
    item: T
    items: list[T]

    def __init__(self, item: T) -> None:
        self.item = item
        self.items = [item]


@dataclasses.dataclass
class Tagged:
    tag: str


class TaggedLayer(Base, Tagged):
    def __init__(self, n: int) -> None:
        self.weight = jnp.ones(n)
        self.tag = "tagged"  # a field of a dataclass base is a field too


def factory(n: int) -> eqx.Module:
    class Local(eqx.Module):
        size: int
        values: Array

        def __init__(self) -> None:
            self.size = n
            self.values = jnp.zeros(n)

    return Local()


def build() -> tuple[Layer, Scaled, Box[int], TaggedLayer, eqx.Module]:
    stats = Stats()
    stats.update(1.0)
    return (
        Layer(3, stats),
        Scaled(jnp.ones(2)),
        Box(1),
        TaggedLayer(2),
        factory(4),
    )
