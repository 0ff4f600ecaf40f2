# pyright: strict
"""A GRU encoder over a sequence with lax.scan and a linear readout."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class Encoder(eqx.Module):
    cell: eqx.nn.GRUCell
    readout: eqx.nn.Linear

    def __init__(self, key: PRNGKeyArray) -> None:
        k1, k2 = jax.random.split(key)
        self.cell = eqx.nn.GRUCell(3, 16, key=k1)
        self.readout = eqx.nn.Linear(16, 1, key=k2)

    def __call__(self, xs: Float[Array, "t 3"]) -> Float[Array, "1"]:
        def step(h: Array, x: Array) -> tuple[Array, None]:
            return self.cell(x, h), None

        final, _ = jax.lax.scan(step, jnp.zeros(16), xs)
        return self.readout(final)


cell = eqx.nn.GRUCell(3, 16, key=jax.random.key(1))
h1: Float[Array, "16"] = cell(jnp.zeros(3), jnp.zeros(16))
encoder = Encoder(jax.random.key(0))
summary = encoder(jnp.zeros((20, 3)))
