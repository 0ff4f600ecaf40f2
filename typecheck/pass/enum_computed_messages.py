# pyright: strict
"""A solver's result codes whose messages are built, not literal strings
(`str.format`, joined constants): they are members all the same, so
`RESULTS.where(pred, RESULTS.singular, RESULTS.successful)` takes them."""

import jax.numpy as jnp
from jaxtyping import Array, Bool

import equinox as eqx

_SINGULAR = """The linear solver returned non-finite output.
Try a solver that accepts {kind} operators."""
_HINT = "Try increasing `max_steps`."


class RESULTS(eqx.Enumeration):
    successful = ""
    singular = _SINGULAR.format(kind="singular")
    max_steps_reached = " ".join(["The maximum number of steps was reached.", _HINT])


def linear_result(num_steps: Array, max_steps: int) -> RESULTS:
    hit_limit: Bool[Array, ""] = jnp.asarray(num_steps == max_steps)
    return RESULTS.where(hit_limit, RESULTS.singular, RESULTS.successful)


def worst(stopped: Bool[Array, ""], inner: RESULTS) -> RESULTS:
    return RESULTS.where(stopped, RESULTS.max_steps_reached, inner)
