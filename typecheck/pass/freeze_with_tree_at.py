# pyright: strict
"""Fine-tuning: gradients only for a chosen subtree via a filter spec."""

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Encoder(eqx.Module):
    weight: Array


class Decoder(eqx.Module):
    weight: Array


class AutoEncoder(eqx.Module):
    encoder: Encoder
    decoder: Decoder

    def __call__(self, x: Array) -> Array:
        return self.decoder.weight @ jnp.tanh(self.encoder.weight @ x)


def decoder_only(model: AutoEncoder) -> AutoEncoder:
    def no(_: Array) -> bool:
        return False

    spec: AutoEncoder = jax.tree_util.tree_map(no, model)
    return eqx.tree_at(lambda m: m.decoder.weight, spec, replace=True)


def reconstruction(diff: AutoEncoder, static: AutoEncoder, x: Array) -> Array:
    model = eqx.combine(diff, static)
    return jnp.sum((model(x) - x) ** 2)


model = AutoEncoder(Encoder(jnp.ones((2, 4))), Decoder(jnp.ones((4, 2))))
diff, static = eqx.partition(model, decoder_only(model))
grads: AutoEncoder = eqx.filter_grad(reconstruction)(diff, static, jnp.ones(4))
