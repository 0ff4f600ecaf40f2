# pyright: strict
"""Out-of-place updates with tree_at instead of assignment."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Affine(eqx.Module):
    scale: Array
    shift: Array
    name: str = eqx.field(static=True, default="affine")

    def __call__(self, x: Array) -> Array:
        return self.scale * x + self.shift


class Stack(eqx.Module):
    first: Affine
    second: Affine

    def __call__(self, x: Array) -> Array:
        return self.second(self.first(x))


stack = Stack(Affine(jnp.ones(3), jnp.zeros(3)), Affine(jnp.ones(3), jnp.zeros(3)))
reset: Stack = eqx.tree_at(lambda s: s.first.shift, stack, jnp.ones(3))
doubled: Stack = eqx.tree_at(
    lambda s: s.second.scale, stack, replace_fn=lambda a: 2 * a
)
both: Stack = eqx.tree_at(
    lambda s: (s.first.scale, s.second.shift), stack, (jnp.zeros(3), jnp.ones(3))
)
renamed = eqx.tree_at(
    lambda s: s.first, stack, Affine(jnp.ones(3), jnp.ones(3), "first")
)
out: Array = renamed(jnp.arange(3.0))
same: bool = eqx.tree_equal(stack, stack) is True
