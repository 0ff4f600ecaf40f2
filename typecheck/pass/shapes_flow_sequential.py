# pyright: strict
"""A Sequential whose layer sizes chain, with element-wise activations."""

import jax
import jax.numpy as jnp

import equinox as eqx

key = jax.random.key(0)
k1, k2, k3 = jax.random.split(key, 3)
model = eqx.nn.Sequential(
    [
        eqx.nn.Linear(8, 32, key=k1),
        eqx.nn.Lambda(jax.nn.relu),
        eqx.nn.Linear(32, 32, key=k2),
        eqx.nn.Lambda(jnp.tanh),
        eqx.nn.Linear(32, 2, key=k3),
    ]
)
prediction = model(jnp.zeros(8))
