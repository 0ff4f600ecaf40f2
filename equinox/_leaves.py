"""Shared by the filtered transformations: which leaves are traced, and how to
name a leaf's position in an error message.

The rule everywhere: JAX and NumPy arrays are traced, every other leaf is
static.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import jax
import jax.tree_util as jtu
import numpy as np

ARRAY_TYPES: tuple[type, ...] = (jax.Array, np.ndarray, np.generic)

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
    dtype: Any = leaf.dtype  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]  # every array type has .dtype
    return _inexact_dtype(dtype)


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


def split(leaves: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """`(traced, static)`: `static` has `None` (never a leaf) where a traced
    leaf was, so the two zip back together with `merge`."""
    traced: list[Any] = []
    static: list[Any] = []
    for leaf in leaves:
        if isinstance(leaf, ARRAY_TYPES):
            traced.append(leaf)
            static.append(None)
        else:
            static.append(leaf)
    return traced, static


def merge(traced: Sequence[Any], static: Sequence[Any]) -> list[Any]:
    """Inverse of `split`."""
    it = iter(traced)
    return [next(it) if leaf is None else leaf for leaf in static]


def args_path(path: Sequence[Any]) -> str:
    """`args[1]['opt']` for a key path into the pair `(args, kwargs)`."""
    if not path:
        return "args"
    head, rest = path[0], path[1:]
    root = "args" if getattr(head, "idx", 0) == 0 else "kwargs"
    return root + jtu.keystr(tuple(rest))


def first_unhashable(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """The path of the first static leaf of `(args, kwargs)` that cannot be
    hashed, or None if all can."""
    with_path: list[tuple[Any, Any]]
    with_path, _ = jtu.tree_flatten_with_path((args, kwargs))
    for path, leaf in with_path:
        if is_traced(leaf):
            continue
        try:
            hash(leaf)
        except TypeError:
            return f"{args_path(path)} (a {type(leaf).__name__})"
    return None


def resolve_prefix(
    prefix: Any,
    tree: Any,
    what: str,
    is_leaf: Callable[[Any], bool] | None = None,
) -> list[Any]:
    """Broadcast a pytree prefix over `tree`: one prefix leaf per tree leaf.

    `None` in the prefix is a value (not an empty subtree)."""
    prefix_leaves, prefix_def = jtu.tree_flatten(prefix, is_leaf=_is_none)
    try:
        subtrees = prefix_def.flatten_up_to(tree)
    except (ValueError, TypeError) as e:
        raise ValueError(
            f"{what} must be a pytree prefix of the arguments it describes; "
            f"the structures do not match: {e}"
        ) from None
    out: list[Any] = []
    for spec, sub in zip(prefix_leaves, subtrees, strict=True):
        count = len(jtu.tree_leaves(sub, is_leaf=is_leaf))
        out.extend([spec] * count)
    return out


def _is_none(x: object) -> bool:
    return x is None
