# pyright: strict
"""Freezing part of a model with partition/combine inside a jitted step."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Backbone(eqx.Module):
    weight: Array

    def __call__(self, x: Array) -> Array:
        return jnp.tanh(self.weight @ x)


class Head(eqx.Module):
    weight: Array

    def __call__(self, x: Array) -> Array:
        return self.weight @ x


class Classifier(eqx.Module):
    backbone: Backbone
    head: Head

    def __init__(self, *, key: PRNGKeyArray) -> None:
        k1, k2 = jax.random.split(key)
        self.backbone = Backbone(jax.random.normal(k1, (8, 4)))
        self.head = Head(jax.random.normal(k2, (3, 8)))

    def __call__(self, x: Array) -> Array:
        return self.head(self.backbone(x))


def _false(_: object) -> bool:
    return False


def _true(_: object) -> bool:
    return True


def _sgd(g: Array) -> Array:
    return -0.01 * g


def head_only(model: Classifier) -> Classifier:
    spec: Classifier = jax.tree_util.tree_map(_false, model)
    head_spec: Head = jax.tree_util.tree_map(_true, model.head)
    return eqx.tree_at(lambda m: m.head, spec, replace=head_spec)


def loss(trainable: Classifier, frozen: Classifier, x: Array) -> Array:
    model = eqx.combine(trainable, frozen)
    return jnp.sum(model(x) ** 2)


@eqx.filter_jit
def step(model: Classifier, x: Array) -> Classifier:
    trainable, frozen = eqx.partition(model, head_only(model))
    grads = eqx.filter_grad(loss)(trainable, frozen, x)
    updates = jax.tree_util.tree_map(_sgd, grads)
    return eqx.combine(eqx.apply_updates(trainable, updates), frozen)


model = step(Classifier(key=jax.random.key(0)), jnp.ones(4))
arrays, static = eqx.partition(model, eqx.is_array)
restored: Classifier = eqx.combine(arrays, static)
