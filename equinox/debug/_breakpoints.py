"""`breakpoint_if`: open JAX's debugger only when a condition holds."""

import warnings
from collections.abc import Callable
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.core import Tracer
from jax.custom_batching import custom_vmap
from jaxtyping import Array, ArrayLike

from .._errors import dtype_of

# jax leaves `token` and `**kwargs` untyped.
_debug_breakpoint = cast("Callable[..., object]", jax.debug.breakpoint)  # pyright: ignore[reportUnknownMemberType]  # see above


def _open_debugger(kwargs: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        # jax captures the locals of every frame on the stack, and warns about
        # any generator among them (e.g. in a test runner's frames).
        warnings.filterwarnings(
            "ignore",
            message="Python iterable type 'generator'",
            category=DeprecationWarning,
        )
        _debug_breakpoint(**kwargs)


def _fold_rule(
    axis_size: int, in_batched: tuple[bool], pred: Array
) -> tuple[Array, bool]:
    del axis_size
    if not in_batched[0]:
        return pred, False
    # Fold this batch dimension, then any outer ones (nested `vmap`s).
    return _any_in_batch(jnp.any(pred)), False


def _identity(pred: Array) -> Array:
    return pred


# `pred -> pred`, except that under `vmap` it returns one unbatched flag: does
# the predicate hold for any element? So the `cond` below stays a `cond`
# (a batched predicate would make it a `select` that always stops).
_any_in_batch = cast("Callable[[Array], Array]", custom_vmap(_identity))
_any_in_batch.def_vmap(_fold_rule)  # type: ignore[attr-defined]  # pyright: ignore[reportFunctionMemberAccess]  # a custom_vmap


def breakpoint_if(pred: ArrayLike | bool, **kwargs: Any) -> None:
    """Open `jax.debug.breakpoint(**kwargs)` if any element of `pred` is True.

    Works eagerly and inside `jit` and `vmap`. Under `vmap` it stops if the
    predicate holds for any element, and JAX then opens the debugger once per
    element of the batch.
    """
    dtype = dtype_of(pred)
    if dtype != np.bool_:
        raise TypeError(
            f"breakpoint_if: `pred` must be a boolean array or Python bool; got "
            f"dtype {dtype}."
        )
    if not isinstance(pred, Tracer):
        if np.any(np.asarray(pred)):
            _open_debugger(kwargs)
        return

    def stop() -> None:
        _open_debugger(kwargs)

    def go_on() -> None:
        pass

    flag = _any_in_batch(jnp.any(cast(Array, pred)))
    lax.cond(flag, stop, go_on)  # pyright: ignore[reportUnknownMemberType]  # jax leaves it partially untyped
