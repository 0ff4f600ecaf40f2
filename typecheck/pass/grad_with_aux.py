# pyright: strict
"""filter_grad / filter_value_and_grad with auxiliary outputs."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Linear(eqx.Module):
    weight: Array
    bias: Array

    def __call__(self, x: Array) -> Array:
        return x @ self.weight.T + self.bias


def loss_and_predictions(model: Linear, x: Array, y: Array) -> tuple[Array, Array]:
    pred = model(x)
    return jnp.mean((pred - y) ** 2), pred


model = Linear(jnp.ones((1, 2)), jnp.zeros(1))
x, y = jnp.ones((8, 2)), jnp.zeros((8, 1))
grads, predictions = eqx.filter_grad(loss_and_predictions, has_aux=True)(model, x, y)
(loss, preds), grads2 = eqx.filter_value_and_grad(loss_and_predictions, has_aux=True)(
    model, x, y
)
weight_grad: Array = grads.weight
same_shape: bool = predictions.shape == preds.shape
new_model: Linear = eqx.apply_updates(model, grads2)
