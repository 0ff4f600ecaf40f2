# pyright: strict
"""An ensemble of models built and evaluated with filter_vmap."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Regressor(eqx.Module):
    weight: Array
    bias: Array
    activation: str = eqx.field(static=True, default="tanh")

    def __call__(self, x: Array) -> Array:
        return jnp.tanh(self.weight @ x + self.bias)


def make(key: PRNGKeyArray) -> Regressor:
    wkey, bkey = jax.random.split(key)
    return Regressor(jax.random.normal(wkey, (1, 3)), jax.random.normal(bkey, (1,)))


keys = jax.random.split(jax.random.key(0), 5)
ensemble: Regressor = eqx.filter_vmap(make)(keys)


@eqx.filter_vmap(in_axes=(eqx.if_array(0), None))
def evaluate(model: Regressor, x: Array) -> Array:
    return model(x)


predictions: Array = evaluate(ensemble, jnp.ones(3))
mean_prediction: Array = jnp.mean(predictions, axis=0)
