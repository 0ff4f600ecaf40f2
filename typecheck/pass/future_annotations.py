# pyright: strict
"""`from __future__ import annotations` with forward references between modules."""

from __future__ import annotations

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Tree(eqx.Module):
    value: Array
    children: tuple[Tree, ...] = ()

    def total(self) -> Array:
        out = jnp.sum(self.value)
        for child in self.children:
            out = out + child.total()
        return out


class Forest(eqx.Module):
    trees: list[Tree]
    best: Leaf | None = None

    def size(self) -> int:
        return len(self.trees)


class Leaf(eqx.Module):
    weight: Array
    parent: eqx.AbstractVar[Tree]


tree = Tree(jnp.ones(2), (Tree(jnp.zeros(2)),))
forest = Forest([tree, tree])
count: int = forest.size()
total: Array = tree.total()
