# pyright: strict
"""Inspecting a model's parameter shapes without allocating it."""

import jax
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Wide(eqx.Module):
    weight: Array
    bias: Array

    def __init__(self, n: int, *, key: PRNGKeyArray) -> None:
        self.weight = jax.random.normal(key, (n, n))
        self.bias = jax.numpy.zeros(n)


def make(key: PRNGKeyArray) -> Wide:
    return Wide(1024, key=key)


abstract_model: Wide = eqx.filter_eval_shape(make, jax.random.key(0))
abstract_direct: Wide = eqx.filter_eval_shape(Wide, 16, key=jax.random.key(0))
n_params = sum(leaf.size for leaf in jax.tree_util.tree_leaves(abstract_model))
