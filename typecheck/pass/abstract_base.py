# pyright: strict
"""An abstract encoder interface (AbstractVar + abstractmethod), provided by
concrete subclasses as fields."""

import abc

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class AbstractEncoder(eqx.Module):
    latent_size: eqx.AbstractVar[int]

    @abc.abstractmethod
    def encode(self, x: Array) -> Array: ...

    def encode_batch(self, xs: Array) -> Array:
        return jax.vmap(self.encode)(xs)


class LinearEncoder(AbstractEncoder):
    latent_size: int
    weight: Array

    def __init__(self, n_in: int, latent_size: int, *, key: PRNGKeyArray) -> None:
        self.latent_size = latent_size
        self.weight = jax.random.normal(key, (latent_size, n_in))

    def encode(self, x: Array) -> Array:
        return self.weight @ x


class MeanEncoder(AbstractEncoder):
    latent_size: int = 1

    def encode(self, x: Array) -> Array:
        return jnp.mean(x, keepdims=True)


def latent(encoder: AbstractEncoder, xs: Array) -> tuple[int, Array]:
    return encoder.latent_size, encoder.encode_batch(xs)


enc = LinearEncoder(3, 2, key=jax.random.key(1))
size, codes = latent(enc, jnp.ones((5, 3)))
mean_size, means = latent(MeanEncoder(), jnp.ones((5, 3)))
