# pyright: strict
"""An Enumeration as a traced mode flag inside a jitted model."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Mode(eqx.Enumeration):
    train = "training: dropout on"
    eval = "evaluation: dropout off"


class Scaler(eqx.Module):
    factor: Array

    def __call__(self, x: Array, mode: Mode) -> Array:
        scaled = self.factor * x
        return jnp.where(mode == Mode.train, scaled, x)


def pick(flag: Array) -> Mode:
    return Mode.where(flag, Mode.train, Mode.eval)


@eqx.filter_jit
def run(model: Scaler, x: Array, mode: Mode) -> Array:
    return model(x, mode)


scaler = Scaler(jnp.asarray(0.5))
out_train: Array = run(scaler, jnp.ones(3), Mode.train)
out_eval: Array = run(scaler, jnp.ones(3), pick(jnp.asarray(False)))
