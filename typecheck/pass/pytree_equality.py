# pyright: strict
"""Comparing, hashing and printing modules."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Params(eqx.Module):
    mean: Array
    std: Array
    name: str = eqx.field(static=True, default="gaussian")


a = Params(jnp.zeros(2), jnp.ones(2))
b = Params(jnp.zeros(2), jnp.ones(2) + 1e-9)
close = eqx.tree_equal(a, b, rtol=1e-6, atol=1e-6)
exact = eqx.tree_equal(a, b)
text: str = eqx.tree_pformat(a, short_arrays=True)
eqx.tree_pprint(b)
structure_only: bool = eqx.tree_equal(a, a, typematch=True) is True
