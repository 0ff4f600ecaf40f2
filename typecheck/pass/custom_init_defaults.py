# pyright: strict
"""Fields with defaults, default factories and a __post_init__."""

import dataclasses

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Config(eqx.Module):
    width: int = eqx.field(static=True, default=32)
    depth: int = eqx.field(static=True, default=2)
    activation: str = eqx.field(static=True, default="relu")
    tags: tuple[str, ...] = eqx.field(static=True, default_factory=tuple)


class Scaled(eqx.Module):
    values: Array
    scale: float = 1.0
    total: Array = eqx.field(init=False)

    def __post_init__(self) -> None:
        self.total = jnp.sum(self.values) * self.scale


def build() -> tuple[Config, Scaled]:
    config = Config(width=64)
    deeper = dataclasses.replace(config, depth=4)
    scaled = Scaled(jnp.arange(3.0), scale=2.0)
    return deeper, scaled


def describe(config: Config) -> str:
    return f"{config.activation} x{config.depth} ({config.width}) {config.tags}"
