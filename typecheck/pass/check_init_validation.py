# pyright: strict
"""Invariants checked in __check_init__ (which only reads fields)."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Interval(eqx.Module):
    low: float
    high: float

    def __check_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(f"empty interval [{self.low}, {self.high}]")

    def width(self) -> float:
        return self.high - self.low


class Histogram(eqx.Module):
    edges: Array
    counts: Array
    range: Interval

    def __init__(self, data: Array, bins: int) -> None:
        low, high = float(jnp.min(data)), float(jnp.max(data))
        self.range = Interval(low, high)
        self.edges = jnp.linspace(low, high, bins + 1)
        self.counts = jnp.histogram(data, self.edges)[0]

    def __check_init__(self) -> None:
        if self.edges.shape[0] != self.counts.shape[0] + 1:
            raise ValueError("edges and counts disagree")


hist = Histogram(jnp.arange(10.0), bins=5)
width: float = hist.range.width()
