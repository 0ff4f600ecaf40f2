"""Optax for modules: optax annotates its pytrees as its own containers, so
a Module is passed to it through `Any`, and the updated model keeps its type."""

from typing import Any, TypeVar

import optax

import equinox as eqx

M = TypeVar("M")


def init(optimiser: optax.GradientTransformation, model: Any) -> optax.OptState:
    """The optimiser's state for the model's arrays."""
    params: Any = eqx.filter(model, eqx.is_array)
    state: optax.OptState = optimiser.init(params)
    return state


def update(
    optimiser: optax.GradientTransformation,
    model: M,
    grads: M,
    state: optax.OptState,
) -> tuple[M, optax.OptState]:
    """One optimiser step: the new model and optimiser state."""
    params: Any = eqx.filter(model, eqx.is_array)
    raw_grads: Any = grads
    updates, state = optimiser.update(raw_grads, state, params)
    return eqx.apply_updates(model, updates), state
