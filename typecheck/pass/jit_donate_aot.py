# pyright: strict
"""filter_jit with buffer donation and ahead-of-time lowering."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Accumulator(eqx.Module):
    total: Array
    count: Array

    def add(self, x: Array) -> "Accumulator":
        return Accumulator(self.total + x, self.count + 1)

    def mean(self) -> Array:
        return self.total / self.count


@eqx.filter_jit(donate="all")
def accumulate(acc: Accumulator, x: Array) -> Accumulator:
    return acc.add(x)


acc = Accumulator(jnp.zeros(3), jnp.zeros(()))
for _ in range(3):
    acc = accumulate(acc, jnp.ones(3))
average: Array = acc.mean()

lowered = eqx.filter_jit(Accumulator.add).lower(acc, jnp.ones(3))
compiled = lowered.compile()
again: Accumulator = compiled(acc, jnp.ones(3))
