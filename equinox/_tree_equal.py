"""`tree_equal`: structural and numerical equality of pytrees."""

from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jaxtyping import Array


def _numpy_equal(a: Any, b: Any, rtol: float, atol: float) -> bool:
    a_np, b_np = np.asarray(a), np.asarray(b)
    if a_np.shape != b_np.shape or a_np.dtype != b_np.dtype:
        return False
    if rtol == 0 and atol == 0:
        return bool(np.array_equal(a_np, b_np))
    return bool(np.allclose(a_np, b_np, rtol=rtol, atol=atol))


def _jax_equal(a: Array, b: Array, rtol: float, atol: float) -> "bool | Array":
    # Shapes and dtypes are static, so a mismatch is a plain `False`; the
    # values may be traced, so their verdict stays a JAX boolean.
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if rtol == 0 and atol == 0:
        return jnp.all(a == b)
    return jnp.all(jnp.isclose(a, b, rtol=rtol, atol=atol))


def _leaves_equal(
    a: object, b: object, typematch: bool, rtol: float, atol: float
) -> "bool | Array":
    if typematch and type(a) is not type(b):
        return False
    a_jax, b_jax = isinstance(a, jax.Array), isinstance(b, jax.Array)
    if a_jax or b_jax:
        # A JAX array never equals a NumPy array or a Python scalar.
        return a_jax and b_jax and _jax_equal(a, b, rtol, atol)  # type: ignore[arg-type]  # both are jax.Array here
    a_np = isinstance(a, np.ndarray | np.generic)
    b_np = isinstance(b, np.ndarray | np.generic)
    if a_np or b_np:
        return a_np and b_np and _numpy_equal(a, b, rtol, atol)
    return bool(a == b)


def tree_equal(
    *pytrees: Any, typematch: bool = False, rtol: float = 0.0, atol: float = 0.0
) -> "bool | Array":
    """True when all pytrees have the same structure and equal leaves.

    Leaves compare as Equinox does: JAX arrays only equal JAX arrays and NumPy
    arrays only NumPy arrays (same shape and dtype, values equal or within
    `rtol`/`atol`); other leaves use `==`. Any plain mismatch gives the Python
    bool `False`. Otherwise the result is `True`, or a JAX boolean scalar when
    JAX arrays were compared (traced under JIT).
    """
    first_leaves, first_def = jtu.tree_flatten(pytrees[0])
    verdicts: list[Array] = []
    for other in pytrees[1:]:
        leaves, treedef = jtu.tree_flatten(other)
        if treedef != first_def:
            return False
        for a, b in zip(first_leaves, leaves, strict=True):
            same = _leaves_equal(a, b, typematch, rtol, atol)
            if same is False:
                return False
            if same is not True:
                verdicts.append(same)
    if not verdicts:
        return True
    result = verdicts[0]
    for verdict in verdicts[1:]:
        result = result & verdict
    return result
