# pyright: strict
"""Modules work with the dataclasses helpers."""

import dataclasses

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Optimiser(eqx.Module):
    learning_rate: float = eqx.field(static=True)
    momentum: float = eqx.field(static=True, default=0.9)
    velocity: Array = eqx.field(default_factory=lambda: jnp.zeros(3))


opt = Optimiser(1e-3)
names: list[str] = [f.name for f in dataclasses.fields(opt)]
faster = dataclasses.replace(opt, learning_rate=1e-2)
rate: float = faster.learning_rate
is_dc: bool = dataclasses.is_dataclass(opt)
