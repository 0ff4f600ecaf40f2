"""`tree_equal`: structural and numerical equality of pytrees."""

from typing import Any

import jax
import jax.core
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jaxtyping import Array, ArrayLike

from ._filters import is_array


def _is_traced(x: object) -> bool:
    return isinstance(x, jax.core.Tracer)


def _arrays_equal(
    a: ArrayLike, b: ArrayLike, rtol: float, atol: float
) -> "bool | Array":
    if np.shape(a) != np.shape(b):
        return False
    if jnp.result_type(a) != jnp.result_type(b):
        return False
    if _is_traced(a) or _is_traced(b):
        if rtol == 0 and atol == 0:
            return jnp.all(jnp.asarray(a) == jnp.asarray(b))
        return jnp.all(jnp.isclose(a, b, rtol=rtol, atol=atol))
    a_np, b_np = np.asarray(a), np.asarray(b)
    if rtol == 0 and atol == 0:
        return bool(np.array_equal(a_np, b_np, equal_nan=False))
    return bool(np.allclose(a_np, b_np, rtol=rtol, atol=atol))


def _leaves_equal(
    a: object, b: object, typematch: bool, rtol: float, atol: float
) -> "bool | Array":
    if typematch and type(a) is not type(b):
        return False
    if is_array(a) or is_array(b):
        if not (is_array(a) and is_array(b)):
            return False
        return _arrays_equal(a, b, rtol, atol)  # type: ignore[arg-type]  # both are arrays here
    try:
        return bool(a == b)
    except Exception:  # an `__eq__` that cannot give a bool: compare identity
        return a is b


def tree_equal(
    *pytrees: Any, typematch: bool = False, rtol: float = 0.0, atol: float = 0.0
) -> "bool | Array":
    """True when all pytrees have the same structure and equal leaves.

    Arrays are equal when their shapes, dtypes and values agree (within
    `rtol`/`atol` when given). Outside JIT the result is a Python bool; when
    traced arrays are compared it is a traced boolean scalar.
    """
    if len(pytrees) < 2:
        return True
    first_leaves, first_def = jtu.tree_flatten(pytrees[0])
    result: bool | Array = True
    for other in pytrees[1:]:
        leaves, treedef = jtu.tree_flatten(other)
        if treedef != first_def:
            return False
        for a, b in zip(first_leaves, leaves, strict=True):
            same = _leaves_equal(a, b, typematch, rtol, atol)
            if same is False:
                return False
            if same is not True:
                result = same if result is True else jnp.logical_and(result, same)
    return result
