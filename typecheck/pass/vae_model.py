# pyright: strict
"""A small variational autoencoder with the reparametrisation trick."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Encoder(eqx.Module):
    hidden: eqx.nn.Linear
    mean: eqx.nn.Linear
    log_std: eqx.nn.Linear

    def __init__(self, n_in: int, n_latent: int, *, key: PRNGKeyArray) -> None:
        k1, k2, k3 = jax.random.split(key, 3)
        self.hidden = eqx.nn.Linear(n_in, 32, key=k1)
        self.mean = eqx.nn.Linear(32, n_latent, key=k2)
        self.log_std = eqx.nn.Linear(32, n_latent, key=k3)

    def __call__(self, x: Array) -> tuple[Array, Array]:
        h = jax.nn.relu(self.hidden(x))
        return self.mean(h), self.log_std(h)


class VAE(eqx.Module):
    encoder: Encoder
    decoder: eqx.nn.MLP

    def __init__(self, n_in: int, n_latent: int, *, key: PRNGKeyArray) -> None:
        ekey, dkey = jax.random.split(key)
        self.encoder = Encoder(n_in, n_latent, key=ekey)
        self.decoder = eqx.nn.MLP(n_latent, n_in, 32, 2, key=dkey)

    def __call__(self, x: Array, *, key: PRNGKeyArray) -> tuple[Array, Array]:
        mean, log_std = self.encoder(x)
        z = mean + jnp.exp(log_std) * jax.random.normal(key, mean.shape)
        kl = 0.5 * jnp.sum(jnp.exp(2 * log_std) + mean**2 - 1 - 2 * log_std)
        return self.decoder(z), kl


def elbo(model: VAE, x: Array, key: PRNGKeyArray) -> Array:
    recon, kl = model(x, key=key)
    return jnp.sum((recon - x) ** 2) + kl


vae = VAE(8, 2, key=jax.random.key(0))
grads: VAE = eqx.filter_grad(elbo)(vae, jnp.ones(8), jax.random.key(1))
