# pyright: strict
"""Modules held in lists and dicts, traversed as pytrees."""

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Expert(eqx.Module):
    scale: Array

    def __call__(self, x: Array) -> Array:
        return self.scale * x


class MixtureOfExperts(eqx.Module):
    experts: list[Expert]
    by_name: dict[str, Expert]
    gate: Array

    def __call__(self, x: Array) -> Array:
        weights = jax.nn.softmax(self.gate)
        outputs = jnp.stack([expert(x) for expert in self.experts])
        return jnp.tensordot(weights, outputs, axes=1)


experts = [Expert(jnp.asarray(float(i))) for i in range(3)]
moe = MixtureOfExperts(experts, {"first": experts[0]}, jnp.zeros(3))
y: Array = moe(jnp.ones(2))
leaves: list[Array] = [
    leaf for leaf in jax.tree_util.tree_leaves(moe) if eqx.is_array(leaf)
]
first: Expert = moe.by_name["first"]
