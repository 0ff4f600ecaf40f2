# pyright: strict
"""Fields read through another object: its dimension names are its own.

Every layer below declares `weight: "out in"`. Inside a method, `self.weight`
shares the method's names; `other.weight` (another layer, of this class or
another one) was bound by that layer's own construction, so its `out` and
`in` say nothing about this scope's `out` and `in`. A checker that reused the
names would flag every function here (contracting `in` with `out`).
"""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class Dense(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __init__(self, weight: Float[Array, "out in"], bias: Float[Array, "out"]):
        self.weight = weight
        self.bias = bias

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x + self.bias

    def then(self, after: "Dense") -> "Dense":
        """One layer doing `after(self(x))`: `after`'s `in` is our `out`."""
        weight = after.weight @ self.weight
        bias = after.weight @ self.bias + after.bias
        return Dense(weight, bias)

    def input_bias(self, previous: "Dense") -> Float[Array, "in"]:
        """The bias of the layer feeding this one: its `out` is our `in`."""
        return previous.bias

    def compose(self, inner: "Dense") -> Float[Array, "out k"]:
        return self.weight @ inner.weight


class Encoder(eqx.Module):
    proj: Float[Array, "out in"]


class Decoder(eqx.Module):
    proj: Float[Array, "out in"]

    def tied(self, encoder: Encoder, z: Float[Array, "in"]) -> Float[Array, "out"]:
        """Reuse the encoder's weight, transposed: its `out` is our `in`."""
        return encoder.proj.T @ z


class Residual(eqx.Module):
    """A block whose own names differ from its sub-layer's."""

    inner: Dense
    scale: Float[Array, "in"]

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "in"]:
        # `self.inner.weight` is the sub-layer's `out in`, square here.
        return x + self.scale * (self.inner.weight @ x)


def chain(first: Dense, second: Dense, x: Float[Array, "in"]) -> Float[Array, "out"]:
    return second.weight @ (first.weight @ x)


def make(key: PRNGKeyArray) -> tuple[Dense, Dense]:
    k1, k2 = jax.random.split(key)
    first = Dense(jax.random.normal(k1, (8, 3)), jnp.zeros(8))
    second = Dense(jax.random.normal(k2, (2, 8)), jnp.zeros(2))
    return first, second


layers = make(jax.random.key(0))
out = chain(*layers, jnp.ones(3))
merged = layers[0].then(layers[1])
