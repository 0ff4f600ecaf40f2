# pyright: strict
"""Single-head self-attention and a residual block built from it."""

import math

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class SelfAttention(eqx.Module):
    query: Float[Array, "d d"]
    key_proj: Float[Array, "d d"]
    value: Float[Array, "d d"]

    def __init__(self, dim: int, *, key: PRNGKeyArray) -> None:
        kq, kk, kv = jax.random.split(key, 3)
        scale = 1 / math.sqrt(dim)
        self.query = jax.random.normal(kq, (dim, dim)) * scale
        self.key_proj = jax.random.normal(kk, (dim, dim)) * scale
        self.value = jax.random.normal(kv, (dim, dim)) * scale

    def __call__(self, x: Float[Array, "n d"]) -> Float[Array, "n d"]:
        q = x @ self.query
        k = x @ self.key_proj
        v = x @ self.value
        weights = jax.nn.softmax(q @ k.T / math.sqrt(x.shape[-1]), axis=-1)
        return weights @ v


class Block(eqx.Module):
    attention: SelfAttention
    norm_eps: float = eqx.field(static=True, default=1e-6)

    def __call__(self, x: Array) -> Array:
        mean = jnp.mean(x, axis=-1, keepdims=True)
        var = jnp.var(x, axis=-1, keepdims=True)
        normed = (x - mean) / jnp.sqrt(var + self.norm_eps)
        return x + self.attention(normed)


block = Block(SelfAttention(16, key=jax.random.key(2)))
tokens = jnp.ones((5, 16))
out: Array = block(tokens)
batched: Array = jax.vmap(block)(jnp.ones((2, 5, 16)))
