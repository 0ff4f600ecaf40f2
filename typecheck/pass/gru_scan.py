# pyright: strict
"""A hand-written GRU cell unrolled over a sequence with jax.lax.scan."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class GRU(eqx.Module):
    w_gates: Float[Array, "h3 i"]
    u_gates: Float[Array, "h3 h"]
    hidden_size: int = eqx.field(static=True)

    def __init__(self, input_size: int, hidden_size: int, *, key: PRNGKeyArray) -> None:
        k1, k2 = jax.random.split(key)
        self.w_gates = jax.random.normal(k1, (3 * hidden_size, input_size)) * 0.1
        self.u_gates = jax.random.normal(k2, (3 * hidden_size, hidden_size)) * 0.1
        self.hidden_size = hidden_size

    def __call__(self, x: Array, h: Array) -> Array:
        wx = self.w_gates @ x
        uh = self.u_gates @ h
        n = self.hidden_size
        reset = jax.nn.sigmoid(wx[:n] + uh[:n])
        update = jax.nn.sigmoid(wx[n : 2 * n] + uh[n : 2 * n])
        candidate = jnp.tanh(wx[2 * n :] + reset * uh[2 * n :])
        return (1 - update) * h + update * candidate


class Encoder(eqx.Module):
    cell: GRU

    def __call__(self, xs: Array) -> Array:
        def step(h: Array, x: Array) -> tuple[Array, Array]:
            h = self.cell(x, h)
            return h, h

        h0 = jnp.zeros(self.cell.hidden_size)
        final, _ = jax.lax.scan(step, h0, xs)
        return final


encoder = Encoder(GRU(4, 8, key=jax.random.key(0)))
summary: Array = eqx.filter_jit(encoder)(jnp.ones((10, 4)))
