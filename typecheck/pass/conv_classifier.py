# pyright: strict
"""A small CNN image classifier from eqx.nn convolution and pooling layers."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class CNN(eqx.Module):
    conv1: eqx.nn.Conv2d
    conv2: eqx.nn.Conv2d
    pool: eqx.nn.MaxPool2d
    head: eqx.nn.Linear

    def __init__(self, n_classes: int, *, key: PRNGKeyArray) -> None:
        k1, k2, k3 = jax.random.split(key, 3)
        self.conv1 = eqx.nn.Conv2d(1, 4, kernel_size=3, padding=1, key=k1)
        self.conv2 = eqx.nn.Conv2d(4, 8, kernel_size=3, padding=1, key=k2)
        self.pool = eqx.nn.MaxPool2d(kernel_size=2, stride=2)
        self.head = eqx.nn.Linear(8 * 7 * 7, n_classes, key=k3)

    def __call__(self, image: Float[Array, "1 28 28"]) -> Array:
        x = self.pool(jax.nn.relu(self.conv1(image)))
        x = self.pool(jax.nn.relu(self.conv2(x)))
        return self.head(jnp.ravel(x))


def accuracy(model: CNN, images: Array, labels: Array) -> Array:
    logits = jax.vmap(model)(images)
    return jnp.mean(jnp.argmax(logits, axis=-1) == labels)


cnn = CNN(10, key=jax.random.key(0))
acc: Array = eqx.filter_jit(accuracy)(cnn, jnp.zeros((4, 1, 28, 28)), jnp.zeros(4))
