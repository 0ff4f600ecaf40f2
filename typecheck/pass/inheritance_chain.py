# pyright: strict
"""Field inheritance across several levels of generated __init__s, and a
subclass that writes its own __init__ calling super().__init__."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Layer(eqx.Module):
    name: str = eqx.field(static=True)


class Parametrised(Layer):
    weight: Array


class Biased(Parametrised):
    bias: Array

    def __call__(self, x: Array) -> Array:
        return self.weight @ x + self.bias


class Zeroed(Biased):
    def __init__(self, n: int) -> None:
        super().__init__("zeroed", jnp.zeros((n, n)), jnp.zeros(n))

    def norm(self) -> Array:
        return jnp.sqrt(jnp.sum(self.weight**2))


b = Biased("b", jnp.eye(2), jnp.zeros(2))
by_name = Biased(name="c", weight=jnp.eye(3), bias=jnp.ones(3))
z = Zeroed(4)
y: Array = z(jnp.ones(4))
n: Array = z.norm()
label: str = by_name.name
