"""`breakpoint_if`: open JAX's debugger only when a condition holds."""

import warnings
from collections.abc import Callable
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.core import Tracer
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


def breakpoint_if(pred: ArrayLike | bool, **kwargs: Any) -> None:
    """Open `jax.debug.breakpoint(**kwargs)` if any element of `pred` is True.

    Works eagerly and inside `jit`. Under `vmap` JAX runs both sides of the
    underlying `lax.cond`, so the debugger opens for the whole batch.
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

    flag: Array = jnp.any(cast(Array, pred))
    lax.cond(flag, stop, go_on)  # pyright: ignore[reportUnknownMemberType]  # jax leaves it partially untyped
