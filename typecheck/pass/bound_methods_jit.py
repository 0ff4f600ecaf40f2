# pyright: strict
"""Bound methods of modules passed to transformations."""

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Quadratic(eqx.Module):
    a: Array
    b: Array

    def energy(self, x: Array) -> Array:
        return jnp.sum(self.a * x**2 + self.b * x)

    def force(self, x: Array) -> Array:
        return -eqx.filter_grad(self.energy)(x)

    def step(self, x: Array, dt: float) -> Array:
        return x + dt * self.force(x)


system = Quadratic(jnp.ones(2), jnp.zeros(2))
energy_fn = eqx.filter_jit(system.energy)
e: Array = energy_fn(jnp.ones(2))
trajectory: list[Array] = []
x = jnp.ones(2)
for _ in range(3):
    x = eqx.filter_jit(system.step)(x, 0.1)
    trajectory.append(x)
forces: Array = jax.vmap(system.force)(jnp.ones((4, 2)))
