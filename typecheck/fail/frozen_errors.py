# pyright: strict
"""Assigning fields after construction: mypy-only (pyright has no plugins)."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Linear(eqx.Module):
    weight: Array
    bias: Array
    name: str = eqx.field(static=True, default="linear")

    def __init__(self, n: int) -> None:
        self.weight = jnp.eye(n)  # fine: inside __init__
        self.bias = jnp.zeros(n)

    def reset(self) -> None:
        self.bias = jnp.zeros_like(self.bias)  # E: eqx-frozen

    def rename(self, name: str) -> "Linear":
        self.name = name  # E: eqx-frozen
        return self

    def __check_init__(self) -> None:
        self.weight = self.weight * 1.0  # E: eqx-frozen

    def __call__(self, x: Array) -> Array:
        self.bias += 1  # E: eqx-frozen
        return self.weight @ x + self.bias


class WithPost(eqx.Module):
    values: Array
    total: Array = eqx.field(init=False)

    def __post_init__(self) -> None:
        self.total = jnp.sum(self.values)  # fine: __post_init__

    def refresh(self) -> None:
        self.total = jnp.sum(self.values)  # E: eqx-frozen


class Sub(Linear):
    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.name = "sub"  # fine: a subclass's __init__

    def shrink(self) -> None:
        self.weight = self.weight / 2  # E: eqx-frozen


def retrain(model: Linear) -> None:
    model.weight = jnp.zeros((2, 2))  # E: eqx-frozen


model = Linear(3)
model.bias = jnp.ones(3)  # E: eqx-frozen
model.name = "renamed"  # E: eqx-frozen
WithPost(jnp.ones(2)).total = jnp.zeros(())  # E: eqx-frozen


class Other(eqx.Module):
    peer: Linear

    def __init__(self, peer: Linear) -> None:
        self.peer = peer
        peer.bias = jnp.ones(3)  # E: eqx-frozen


def local() -> None:
    class Local(eqx.Module):
        count: int

        def bump(self) -> None:
            self.count = self.count + 1  # E: eqx-frozen

    Local(1).count = 2  # E: eqx-frozen
