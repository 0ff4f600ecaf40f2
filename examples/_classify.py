"""Training a digit classifier: any model that maps one example to 10 logits.

The loss is the mean cross-entropy over a batch, the model seeing one example
at a time under `jax.vmap`; a step is `eqx.filter_value_and_grad` and an
Optax update, compiled by `eqx.filter_jit`.
"""

from collections.abc import Callable
from typing import TypeVar

import _optim
import jax
import jax.numpy as jnp
import optax
from jaxtyping import Array, Float, Int

import equinox as eqx

Classifier = Callable[[Array], Float[Array, "10"]]
M = TypeVar("M", bound=Classifier)


def predict(
    model: Classifier, images: Float[Array, "batch ..."]
) -> Float[Array, "batch 10"]:
    """Logits for a batch: the model sees one image at a time under vmap."""
    logits: Float[Array, "batch 10"] = jax.vmap(model)(images)
    return logits


# Generic in the model (M), so that its gradients have the model's own type.
def cross_entropy(
    model: M,  # pyright: ignore[reportInvalidTypeVarUse]  # see just above
    images: Float[Array, "batch ..."],
    labels: Int[Array, " batch"],
) -> Float[Array, ""]:
    losses: Array = optax.softmax_cross_entropy_with_integer_labels(
        predict(model, images), labels
    )
    return jnp.mean(losses)


@eqx.filter_jit
def train_step(
    model: M,
    opt_state: optax.OptState,
    optimiser: optax.GradientTransformation,
    images: Float[Array, "batch ..."],
    labels: Int[Array, " batch"],
) -> tuple[M, optax.OptState, Float[Array, ""]]:
    loss, grads = eqx.filter_value_and_grad(cross_entropy)(model, images, labels)
    model, opt_state = _optim.update(optimiser, model, grads, opt_state)
    return model, opt_state, loss


@eqx.filter_jit
def accuracy(
    model: Classifier, images: Float[Array, "n ..."], labels: Int[Array, " n"]
) -> Float[Array, ""]:
    return jnp.mean(jnp.argmax(predict(model, images), axis=-1) == labels)
