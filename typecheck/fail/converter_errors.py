# pyright: strict
"""The converter's input type is what __init__ accepts."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


def to_float(x: int | str) -> float:
    return float(x)


def to_names(x: list[str]) -> tuple[str, ...]:
    return tuple(x)


class Settings(eqx.Module):
    rate: float = eqx.field(converter=to_float)
    names: tuple[str, ...] = eqx.field(static=True, converter=to_names, default=())


Settings(1)
Settings("0.5", ["a"])
Settings(b"1")  # E: arg-type; pyright: reportArgumentType
Settings(None)  # E: arg-type; pyright: reportArgumentType
Settings(1, ("a", "b"))  # E: arg-type; pyright: reportArgumentType
Settings(1, names=[1, 2])  # E: list-item; pyright: reportArgumentType
ok: float = Settings(2).rate
bad: str = Settings(2).rate  # E: assignment; pyright: reportAssignmentType
names: list[str] = Settings(2).names  # E: assignment; pyright: reportAssignmentType


class Holder(eqx.Module):
    data: Array


Holder([1.0, 2.0])  # E: arg-type; pyright: reportArgumentType


def as_array(x: list[float] | tuple[float, ...]) -> Array:
    return jnp.asarray(x)


class Samples(eqx.Module):
    data: Array = eqx.field(converter=as_array)
    count: int

    def __init__(self, values: list[float]) -> None:
        # The converter runs after __init__, so mypy accepts its input type
        # here; pyright only knows the annotation (README, "pyright parity").
        self.data = values  # E: pyright: reportAttributeAccessIssue
        self.count = len(values)

    def extend(self, m: list[float]) -> None:
        self.data = m  # E: eqx-frozen, assignment; pyright: reportAttributeAccessIssue


class Broken(eqx.Module):
    data: Array = eqx.field(converter=as_array)

    def __init__(self) -> None:
        self.data = "nope"  # E: assignment; pyright: reportAttributeAccessIssue
