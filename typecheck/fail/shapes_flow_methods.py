# pyright: strict
"""Bugs inside Module methods: fields carry the instance's dimension names."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int

import equinox as eqx


class Affine(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def transposed(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight.T @ x  # E: jaxtyping-names

    def wrong_bias(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x + x  # E: jaxtyping-names

    def identity(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return x  # E: jaxtyping-names

    def column_sums(self) -> Float[Array, "out"]:
        return self.weight.sum(axis=0)  # E: jaxtyping-names

    def row_sums(self) -> Float[Array, "out"]:
        return self.weight.sum(axis=1)

    def as_int(self) -> Int[Array, "out in"]:
        return self.weight  # E: jaxtyping-dtype

    def outer(self) -> Float[Array, "out out"]:
        return self.bias[:, None] * self.bias[None, :]

    def lifted(self) -> Float[Array, "out"]:
        return self.bias[None]  # E: jaxtyping-shape


class Norm(eqx.Module):
    scale: Float[Array, "d"]
    shift: Float[Array, "d"]

    def __call__(self, x: Float[Array, "n d"]) -> Float[Array, "n d"]:
        mean = x.mean(axis=0)  # per feature
        centred = x - mean
        return centred * self.scale + self.shift

    def wrong_axis(self, x: Float[Array, "n d"]) -> Float[Array, "n d"]:
        mean = x.mean(axis=1)
        return x - mean  # E: jaxtyping-names

    def dropped_batch(self, x: Float[Array, "n d"]) -> Float[Array, "n d"]:
        return x.sum(axis=0) * self.scale  # E: jaxtyping-shape


class Gate(eqx.Module):
    w: Float[Array, "h d"]

    def __init__(self, key: jax.Array) -> None:
        self.w = jax.random.normal(key, (4, 3))

    def __call__(self, x: Float[Array, "d"], h: Float[Array, "h"]) -> Float[Array, "h"]:
        return jax.nn.sigmoid(self.w @ h)  # E: jaxtyping-names

    def mix(self, x: Float[Array, "d"], h: Float[Array, "h"]) -> Float[Array, "h"]:
        return jnp.tanh(self.w @ x) + x  # E: jaxtyping-names
