# pyright: strict
"""Scaled dot-product attention: matmul, softmax and masking."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float


def attention(
    q: Float[Array, "q d"], k: Float[Array, "kv d"], v: Float[Array, "kv e"]
) -> Float[Array, "q e"]:
    logits = q @ k.T / jnp.sqrt(q.shape[-1])
    weights = jax.nn.softmax(logits, axis=-1)
    return weights @ v


def masked_attention(
    q: Float[Array, "q d"], k: Float[Array, "kv d"], mask: Bool[Array, "q kv"]
) -> Float[Array, "q kv"]:
    logits = q @ k.T
    logits = jnp.where(mask, logits, -jnp.inf)
    return jax.nn.softmax(logits, axis=-1)


def multihead(
    q: Float[Array, "h q d"], k: Float[Array, "h kv d"], v: Float[Array, "h kv d"]
) -> Float[Array, "h q d"]:
    scores = q @ jnp.swapaxes(k, 1, 2)
    return jax.nn.softmax(scores) @ v


out = attention(jnp.zeros((5, 8)), jnp.zeros((7, 8)), jnp.zeros((7, 3)))
heads = multihead(jnp.zeros((2, 5, 4)), jnp.zeros((2, 6, 4)), jnp.zeros((2, 6, 4)))
