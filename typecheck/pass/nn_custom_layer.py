# pyright: strict
"""A custom layer composed from eqx.nn.Linear layers, with dropout keys."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class GatedLinear(eqx.Module):
    value: eqx.nn.Linear
    gate: eqx.nn.Linear
    dropout_rate: float = eqx.field(static=True, default=0.1)

    def __init__(self, n_in: int, n_out: int, *, key: PRNGKeyArray) -> None:
        vkey, gkey = jax.random.split(key)
        self.value = eqx.nn.Linear(n_in, n_out, key=vkey)
        self.gate = eqx.nn.Linear(n_in, n_out, key=gkey)

    def __call__(self, x: Array, *, key: PRNGKeyArray | None = None) -> Array:
        out = self.value(x) * jax.nn.sigmoid(self.gate(x))
        if key is None:
            return out
        keep = jax.random.bernoulli(key, 1 - self.dropout_rate, out.shape)
        return jnp.where(keep, out / (1 - self.dropout_rate), 0.0)


layer = GatedLinear(4, 2, key=jax.random.key(0))
train_out: Array = layer(jnp.ones(4), key=jax.random.key(1))
eval_out: Array = layer(jnp.ones(4))
n_out: int | str = layer.value.out_features
