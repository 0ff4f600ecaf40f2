# pyright: strict
"""dtype promotion: int + float is float, comparisons are bool, astype."""

import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, Int


def accuracy(pred: Int[Array, "n"], labels: Int[Array, "n"]) -> Float[Array, ""]:
    correct = pred == labels
    return jnp.mean(correct)


def positive(x: Float[Array, "n"]) -> Bool[Array, "n"]:
    return x > 0


def scale(counts: Int[Array, "n"], factor: Float[Array, ""]) -> Float[Array, "n"]:
    return counts * factor


def halve(counts: Int[Array, "n"]) -> Float[Array, "n"]:
    return counts / 2


def shift(counts: Int[Array, "n"]) -> Int[Array, "n"]:
    return counts + 1


def to_index(x: Float[Array, "n"]) -> Int[Array, "n"]:
    return jnp.floor(x).astype(jnp.int32)


def count(mask: Bool[Array, "n"]) -> Int[Array, ""]:
    return jnp.sum(mask)


ratio = accuracy(jnp.arange(5), jnp.arange(5))
