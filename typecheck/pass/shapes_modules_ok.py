# pyright: strict
"""Modules: constructors unify fields, methods and `__call__` bind their args."""

from typing import Generic, TypeVar

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray

import equinox as eqx

T = TypeVar("T")


class Affine(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x + self.bias

    def batched(self, xs: Float[Array, "batch in"]) -> Float[Array, "batch out"]:
        return xs @ self.weight.T + self.bias


class Embedding(eqx.Module):
    table: Float[Array, "vocab dim"]

    def __init__(self, vocab: int, dim: int, *, key: PRNGKeyArray) -> None:
        self.table = jax.random.normal(key, (vocab, dim))

    def __call__(self, ids: Int[Array, "seq"]) -> Float[Array, "seq dim"]:
        return self.table[ids]


class Box(eqx.Module, Generic[T]):
    value: T
    scale: Float[Array, ""]


def first(xs: list[T]) -> T:
    return xs[0]


key = jax.random.key(0)
w34: Float[Array, "3 4"] = jnp.zeros((3, 4))
b3: Float[Array, "3"] = jnp.zeros(3)
x4: Float[Array, "4"] = jnp.zeros(4)
xs: Float[Array, "8 4"] = jnp.zeros((8, 4))
ids: Int[Array, "5"] = jnp.arange(5)

layer = Affine(w34, b3)
layer_kw = Affine(weight=w34, bias=b3)
y: Float[Array, "3"] = layer(x4)
ys: Float[Array, "8 3"] = layer.batched(xs)
emb = Embedding(10, 16, key=key)
vecs = emb(ids)
box = Box(layer, jnp.zeros(()))
inner: Affine = box.value
picked: Float[Array, "3"] = first([b3, b3])


class Projection(eqx.Module):
    """A custom `__init__` whose assignments agree on `out`."""

    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __init__(self, weight: Float[Array, "3 4"], bias: Float[Array, "3"]) -> None:
        self.weight = weight
        self.bias = bias


projection = Projection(w34, b3)
projected: Float[Array, "3"] = projection.weight @ x4 + projection.bias
