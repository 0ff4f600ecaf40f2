"""The MLP the dispatch benchmarks time, twice: as `eqx.Module`s (static
sizes, an activation-function field), and as the same weights in
`jax.tree_util.register_dataclass` pytrees of the same shape (the activation
and sizes as meta fields, since `jax.jit` cannot take a function as a leaf)."""

import dataclasses
import functools
from collections.abc import Callable

import jax
from jaxtyping import Array

import equinox as eqx


class Linear(eqx.Module):
    weight: Array
    bias: Array
    in_features: int = eqx.field(static=True)
    out_features: int = eqx.field(static=True)


class MLP(eqx.Module):
    layers: tuple[Linear, ...]
    activation: Callable[[Array], Array]

    def __call__(self, x: Array) -> Array:
        for layer in self.layers:
            x = self.activation(layer.weight @ x + layer.bias)
        return x


@functools.partial(
    jax.tree_util.register_dataclass,
    data_fields=["weight", "bias"],
    meta_fields=["in_features", "out_features"],
)
@dataclasses.dataclass
class PlainLinear:
    weight: Array
    bias: Array
    in_features: int
    out_features: int


@functools.partial(
    jax.tree_util.register_dataclass, data_fields=["layers"], meta_fields=["activation"]
)
@dataclasses.dataclass
class PlainMLP:
    layers: tuple[PlainLinear, ...]
    activation: Callable[[Array], Array]


def plain_forward(mlp: PlainMLP, x: Array) -> Array:
    for layer in mlp.layers:
        x = mlp.activation(layer.weight @ x + layer.bias)
    return x
