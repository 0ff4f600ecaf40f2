# pyright: strict
"""Pre-norm residual MLP blocks stacked in a tuple."""

import jax
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class ResidualMLP(eqx.Module):
    norm: eqx.nn.LayerNorm
    mlp: eqx.nn.MLP

    def __init__(self, dim: int, *, key: PRNGKeyArray) -> None:
        self.norm = eqx.nn.LayerNorm(dim)
        self.mlp = eqx.nn.MLP(dim, dim, 4 * dim, 1, key=key)

    def __call__(self, x: Array) -> Array:
        return x + self.mlp(self.norm(x))


class Tower(eqx.Module):
    blocks: tuple[ResidualMLP, ...]

    def __init__(self, dim: int, depth: int, *, key: PRNGKeyArray) -> None:
        keys = jax.random.split(key, depth)
        self.blocks = tuple(ResidualMLP(dim, key=k) for k in keys)

    def __call__(self, x: Array) -> Array:
        for block in self.blocks:
            x = block(x)
        return x


tower = Tower(8, 3, key=jax.random.key(0))
y: Array = tower(jax.random.normal(jax.random.key(1), (8,)))
n_blocks: int = len(tower.blocks)
