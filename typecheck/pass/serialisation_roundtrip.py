# pyright: strict
"""Saving and restoring a model's leaves."""

import pathlib
import tempfile

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Embedding(eqx.Module):
    table: Array
    vocab: int = eqx.field(static=True)

    def __init__(self, vocab: int, dim: int, *, key: PRNGKeyArray) -> None:
        self.table = jax.random.normal(key, (vocab, dim))
        self.vocab = vocab

    def __call__(self, index: Array) -> Array:
        return self.table[index]


def save_and_load(model: Embedding) -> Embedding:
    with tempfile.TemporaryDirectory() as directory:
        path = pathlib.Path(directory) / "embedding.eqx"
        eqx.tree_serialise_leaves(path, model)
        skeleton = Embedding(model.vocab, model.table.shape[1], key=jax.random.key(1))
        return eqx.tree_deserialise_leaves(path, skeleton)


original = Embedding(10, 4, key=jax.random.key(0))
restored = save_and_load(original)
vector: Array = restored(jnp.asarray(3))
