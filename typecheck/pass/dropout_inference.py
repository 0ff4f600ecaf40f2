# pyright: strict
"""Dropout during training and inference_mode for evaluation."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Regularised(eqx.Module):
    linear: eqx.nn.Linear
    dropout: eqx.nn.Dropout

    def __init__(self, *, key: PRNGKeyArray) -> None:
        self.linear = eqx.nn.Linear(6, 6, key=key)
        self.dropout = eqx.nn.Dropout(p=0.5)

    def __call__(self, x: Array, *, key: PRNGKeyArray | None = None) -> Array:
        return self.dropout(jax.nn.relu(self.linear(x)), key=key)


model = Regularised(key=jax.random.key(0))
train_out: Array = model(jnp.ones(6), key=jax.random.key(1))
evaluation = eqx.nn.inference_mode(model)
eval_out: Array = evaluation(jnp.ones(6))
back_to_training = eqx.nn.inference_mode(evaluation, value=False)
