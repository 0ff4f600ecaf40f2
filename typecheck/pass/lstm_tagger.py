# pyright: strict
"""A sequence tagger: embedding, LSTM cell unrolled by hand, linear read-out."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Tagger(eqx.Module):
    embed: eqx.nn.Embedding
    cell: eqx.nn.LSTMCell
    out: eqx.nn.Linear

    def __init__(
        self, vocab: int, hidden: int, tags: int, *, key: PRNGKeyArray
    ) -> None:
        k1, k2, k3 = jax.random.split(key, 3)
        self.embed = eqx.nn.Embedding(vocab, 8, key=k1)
        self.cell = eqx.nn.LSTMCell(8, hidden, key=k2)
        self.out = eqx.nn.Linear(hidden, tags, key=k3)

    def __call__(self, tokens: Array) -> list[Array]:
        h = jnp.zeros(self.cell.hidden_size)
        c = jnp.zeros(self.cell.hidden_size)
        outputs: list[Array] = []
        for i in range(tokens.shape[0]):
            h, c = self.cell(self.embed(tokens[i]), (h, c))
            outputs.append(self.out(h))
        return outputs


tagger = Tagger(100, 16, 5, key=jax.random.key(0))
tag_scores = tagger(jnp.arange(4))
first: Array = tag_scores[0]
