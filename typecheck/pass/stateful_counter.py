# pyright: strict
"""A layer with running statistics threaded through explicitly as a pytree."""

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class RunningStats(eqx.Module):
    mean: Array
    count: Array


class Normaliser(eqx.Module):
    momentum: float = eqx.field(static=True)
    eps: float = eqx.field(static=True, default=1e-5)

    def init_state(self, size: int) -> RunningStats:
        return RunningStats(jnp.zeros(size), jnp.zeros((), dtype=jnp.int32))

    def __call__(self, x: Array, state: RunningStats) -> tuple[Array, RunningStats]:
        batch_mean = jnp.mean(x, axis=0)
        mean = self.momentum * state.mean + (1 - self.momentum) * batch_mean
        new_state = RunningStats(mean, state.count + 1)
        return (x - mean) / (jnp.std(x, axis=0) + self.eps), new_state


@eqx.filter_jit
def normalise(
    layer: Normaliser, x: Array, state: RunningStats
) -> tuple[Array, RunningStats]:
    return layer(x, state)


layer = Normaliser(momentum=0.9)
state = layer.init_state(4)
for _ in range(3):
    out, state = normalise(layer, jax.random.normal(jax.random.key(0), (16, 4)), state)
steps: Array = state.count
