# pyright: strict
"""Static configuration fields select code paths at trace time."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Activation(eqx.Module):
    kind: str = eqx.field(static=True)
    slope: float = eqx.field(static=True, default=0.01)

    def __call__(self, x: Array) -> Array:
        if self.kind == "relu":
            return jnp.maximum(x, 0)
        if self.kind == "leaky":
            return jnp.where(x > 0, x, self.slope * x)
        return jnp.tanh(x)


@eqx.filter_jit
def apply(act: Activation, x: Array) -> Array:
    return act(x)


for kind in ("relu", "leaky", "tanh"):
    out: Array = apply(Activation(kind), jnp.linspace(-1, 1, 5))
same_hash: bool = hash(Activation("relu")) == hash(Activation("relu"))
