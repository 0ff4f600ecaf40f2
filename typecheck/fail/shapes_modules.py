# pyright: strict
"""Module constructors unify all fields in one memo; methods check their args."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int

import equinox as eqx


class Affine(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x + self.bias

    def combine(
        self, x: Float[Array, "in"], y: Float[Array, "in"]
    ) -> Float[Array, "in"]:
        return x + y


class Embed(eqx.Module):
    table: Float[Array, "vocab dim"]
    ids: Int[Array, "seq"]


class Grid(eqx.Module):
    values: Float[Array, "h w"]
    mask: Float[Array, "h w"]

    def __init__(self, values: Float[Array, "h w"]) -> None:
        self.values = values
        self.mask = jnp.ones_like(values)


w34: Float[Array, "3 4"] = jnp.zeros((3, 4))
w43: Float[Array, "4 3"] = jnp.zeros((4, 3))
b3: Float[Array, "3"] = jnp.zeros(3)
b4: Float[Array, "4"] = jnp.zeros(4)
i3: Int[Array, "3"] = jnp.zeros(3, dtype=jnp.int32)
m23: Float[Array, "2 3"] = jnp.zeros((2, 3))

Affine(w34, b4)  # E: jaxtyping-shape
Affine(weight=w43, bias=b3)  # E: jaxtyping-shape
Affine(b3, b3)  # E: jaxtyping-shape
Affine(w34, i3)  # E: jaxtyping-dtype
layer = Affine(w34, b3)
layer.combine(b4, b3)  # E: jaxtyping-shape
layer.combine(i3, i3)  # E: jaxtyping-dtype
Embed(w34, w34)  # E: jaxtyping-dtype
Embed(b3, i3)  # E: jaxtyping-shape
Grid(b3)  # E: jaxtyping-shape


class Stack(eqx.Module):
    layers: list[Affine]
    scale: Float[Array, ""]

    def __init__(self, layers: list[Affine], scale: Float[Array, ""]) -> None:
        self.layers = layers
        self.scale = scale


Stack([layer], b3)  # E: jaxtyping-shape


class Norm(eqx.Module):
    gamma: Float[Array, "d"]

    def __init__(self, d: int) -> None:
        wrong: Float[Array, "d d"] = jnp.ones((d, d))
        self.gamma = wrong  # E: jaxtyping-shape


key = jax.random.key(0)
linear = eqx.nn.Linear(4, 2, key=key)
linear(w34)  # E: jaxtyping-shape
linear(i3)  # E: jaxtyping-shape


def maybe_bias(x: Float[Array, "n"], bias: Float[Array, "n"] | None) -> None:
    pass


maybe_bias(b3, b4)  # E: jaxtyping-shape


class Projection(eqx.Module):
    """A custom `__init__`: all field assignments share one memo."""

    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __init__(self, weight: Float[Array, "3 4"], bias: Float[Array, "4"]) -> None:
        self.weight = weight
        self.bias = bias  # E: jaxtyping-shape
