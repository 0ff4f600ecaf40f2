# pyright: strict
"""eqx.Partial to close over arrays while staying a pytree."""

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


def affine(weight: Array, bias: Array, x: Array) -> Array:
    return weight @ x + bias


def integrate(f: eqx.Partial[Array], xs: Array) -> Array:
    return jnp.sum(jax.vmap(f)(xs), axis=0)


weight = jnp.eye(2)
bias = jnp.ones(2)
layer = eqx.Partial(affine, weight, bias)
single: Array = layer(jnp.ones(2))
total: Array = eqx.filter_jit(integrate)(layer, jnp.ones((4, 2)))
leaves = jax.tree_util.tree_leaves(layer)
