"""Shared by the filtered transformations: which leaves are traced, and how to
name a leaf's position in an error message.

The rule everywhere: JAX and NumPy arrays are traced, every other leaf is
static.
"""

from collections.abc import Sequence
from typing import Any, TypeAlias, cast

import jax
import numpy as np

from ._tree_paths import flatten_with_path, path_str

# `type[Any]` so that `isinstance(x, ARRAY_TYPES)` keeps `x: Any` (a union of
# the array classes would be partially Unknown to pyright).
ARRAY_TYPES: tuple[type[Any], ...] = (jax.Array, np.ndarray, np.generic)

# A pytree whose shape no type variable can describe (Jacobians, jaxpr
# outputs, ...). An alias so signatures say what the value is.
PyTree: TypeAlias = Any


def is_traced(leaf: object) -> bool:
    """True for leaves that a filtered transformation traces."""
    return isinstance(leaf, ARRAY_TYPES)


def is_inexact(leaf: object) -> bool:
    """True for floating-point or complex arrays (the differentiable leaves)."""
    if not isinstance(leaf, ARRAY_TYPES):
        return False
    return _inexact_dtype(cast(Any, leaf).dtype)


_inexact_cache: dict[Any, bool] = {}


def _inexact_dtype(dtype: Any) -> bool:
    known = _inexact_cache.get(dtype)
    if known is None:
        known = bool(np.issubdtype(dtype, np.inexact)) or dtype.name in (
            "bfloat16",
            "float8_e4m3fn",
            "float8_e5m2",
        )
        _inexact_cache[dtype] = known
    return known


def args_path(path: Sequence[Any]) -> str:
    """`args[1]['opt']` for a key path into the pair `(args, kwargs)`."""
    if not path:
        return "args"
    head, rest = path[0], path[1:]
    root = "args" if getattr(head, "idx", 0) == 0 else "kwargs"
    return root + path_str(tuple(rest))


def first_unhashable(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """The path of the first static leaf of `(args, kwargs)` that cannot be
    hashed, or None if all can."""
    with_path, _ = flatten_with_path((args, kwargs))
    for path, leaf in with_path:
        if is_traced(leaf):
            continue
        try:
            hash(leaf)
        except TypeError:
            return f"{args_path(path)} (a {type(leaf).__name__})"
    return None
