# pyright: strict
"""An affine layer written by hand: fields, matmul, bias, batch via vmap."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class Affine(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __init__(self, n_in: int, n_out: int, key: PRNGKeyArray) -> None:
        wkey, bkey = jax.random.split(key)
        self.weight = jax.random.normal(wkey, (n_out, n_in)) / jnp.sqrt(n_in)
        self.bias = jax.random.normal(bkey, (n_out,)) * 0.01

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x + self.bias

    def jacobian(self) -> Float[Array, "out in"]:
        return self.weight

    def gram(self) -> Float[Array, "in in"]:
        return self.weight.T @ self.weight


def apply_batch(layer: Affine, xs: Float[Array, "b in"]) -> Float[Array, "b out"]:
    return jax.vmap(layer)(xs)


layer = Affine(3, 4, jax.random.key(0))
ys = apply_batch(layer, jnp.zeros((8, 3)))
single: Float[Array, "4"] = layer(jnp.ones(3))
