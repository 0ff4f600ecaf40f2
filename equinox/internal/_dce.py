"""`assert_dce`: a check that only survives if its value is used."""

from typing import Literal, TypeVar

import jax.numpy as jnp
import jax.tree_util as jtu

from .._errors import error_if
from .._filters import is_array

_T = TypeVar("_T")


def assert_dce(
    x: _T,
    msg: str,
    *,
    on_error: Literal["default", "raise", "breakpoint", "off", "nan"] = "default",
) -> _T:
    """Asserts that `x` (any pytree of arrays) is removed by dead-code
    elimination: an always-failing `error_if` on `x`, which the compiler
    drops together with `x` when `x` is unused. If `x` is used, running the
    compiled function raises `msg`. Outside `jit` nothing is eliminated, so
    it raises straight away. `on_error="off"` disables the check."""
    if on_error == "off":
        return x
    arrays = [leaf for leaf in jtu.tree_leaves(x) if is_array(leaf)]
    if not arrays:
        return x
    # Always true, but computed from `x`, so it is traced exactly when `x` is
    # (a constant predicate would fail while tracing, used or not).
    first = jnp.ravel(jnp.asarray(arrays[0]))[:1]
    pred = jnp.logical_or(jnp.any(first != first), True)
    return error_if(x, pred, msg)
