# pyright: strict
"""A whole training loop inside one jitted jax.lax.scan."""

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Line(eqx.Module):
    slope: Array
    intercept: Array

    def __call__(self, x: Array) -> Array:
        return self.slope * x + self.intercept


def mse(model: Line, x: Array, y: Array) -> Array:
    return jnp.mean((model(x) - y) ** 2)


@eqx.filter_jit
def fit(model: Line, x: Array, y: Array, steps: int) -> Line:
    params, static = eqx.partition(model, eqx.is_array)

    def body(params: Line, _: None) -> tuple[Line, None]:
        current = eqx.combine(params, static)
        grads = eqx.filter_grad(mse)(current, x, y)
        step = Line(grads.slope * 0.1, grads.intercept * 0.1)
        return Line(params.slope - step.slope, params.intercept - step.intercept), None

    params, _ = jax.lax.scan(body, params, None, length=steps)
    return eqx.combine(params, static)


x = jnp.linspace(0, 1, 20)
line = fit(Line(jnp.asarray(0.0), jnp.asarray(0.0)), x, 2 * x + 1, 100)
slope: Array = line.slope
