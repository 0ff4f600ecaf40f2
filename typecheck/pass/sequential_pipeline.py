# pyright: strict
"""eqx.nn.Sequential and eqx.nn.Lambda composing a preprocessing pipeline."""

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx

pipeline = eqx.nn.Sequential(
    [
        eqx.nn.Lambda(jnp.tanh),
        eqx.nn.Linear(4, 4, key=jax.random.key(0)),
        eqx.nn.Lambda(jax.nn.relu),
    ]
)
out: Array = pipeline(jnp.ones(4))
first = pipeline[0]
n_layers: int = len(pipeline.layers)
