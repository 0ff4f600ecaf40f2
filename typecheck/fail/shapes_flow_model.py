# pyright: strict
"""A small classifier with the bugs of a real first draft."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray

import equinox as eqx


class Classifier(eqx.Module):
    embed: Float[Array, "vocab dim"]
    head: Float[Array, "classes dim"]

    def __init__(self, key: PRNGKeyArray) -> None:
        k1, k2 = jax.random.split(key)
        self.embed = jax.random.normal(k1, (100, 16))
        self.head = jax.random.normal(k2, (10, 16))

    def encode(self, tokens: Int[Array, "seq"]) -> Float[Array, "dim"]:
        del tokens  # a draft: averages the table over the wrong axis
        return self.embed.mean(axis=1)  # E: jaxtyping-names

    def logits(self, h: Float[Array, "dim"]) -> Float[Array, "classes"]:
        return h @ self.head  # E: jaxtyping-names

    def probabilities(self, h: Float[Array, "dim"]) -> Float[Array, "classes"]:
        return jax.nn.softmax(self.head.T @ h)  # E: jaxtyping-names

    def predict(self, h: Float[Array, "dim"]) -> Float[Array, ""]:
        return jnp.argmax(self.head @ h)  # E: jaxtyping-dtype


def loss(
    model: Classifier, h: Float[Array, "b dim"], labels: Int[Array, "b"]
) -> Float[Array, ""]:
    logits = jax.vmap(model.logits)(h)
    picked = jnp.take_along_axis(logits, labels[:, None], axis=1)
    return -jnp.mean(picked)


model = Classifier(jax.random.key(0))
h = jnp.zeros((4, 16))
batch_loss = loss(model, h, jnp.zeros(4, dtype=jnp.int32))
wrong_labels = loss(model, h, jnp.zeros(5, dtype=jnp.int32))  # E: jaxtyping-shape
float_labels = loss(model, h, jnp.zeros(4))  # E: jaxtyping-dtype
labels4 = jnp.zeros(4, dtype=jnp.int32)
flat_batch = loss(model, h.reshape(-1), labels4)  # E: jaxtyping-shape
