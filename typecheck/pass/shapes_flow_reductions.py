# pyright: strict
"""Reductions with axis= and keepdims=, normalisation and statistics."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int


def standardise(x: Float[Array, "n d"]) -> Float[Array, "n d"]:
    mean = x.mean(axis=0, keepdims=True)
    std = jnp.std(x, axis=0, keepdims=True)
    return (x - mean) / (std + 1e-6)


def row_norms(x: Float[Array, "n d"]) -> Float[Array, "n"]:
    return jnp.sqrt(jnp.sum(x**2, axis=1))


def column_max(x: Float[Array, "n d"]) -> Float[Array, "d"]:
    return jnp.max(x, axis=0)


def predictions(logits: Float[Array, "b c"]) -> Int[Array, "b"]:
    return jnp.argmax(logits, axis=-1)


def total(x: Float[Array, "n d"]) -> Float[Array, ""]:
    return x.sum()


def log_partition(logits: Float[Array, "b c"]) -> Float[Array, "b"]:
    return jax.nn.logsumexp(logits, axis=1)


stats = standardise(jnp.zeros((10, 3)))
norms: Float[Array, "10"] = row_norms(stats)
