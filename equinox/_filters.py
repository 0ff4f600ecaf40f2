"""Leaf predicates and `filter` / `partition` / `combine`.

A *filter spec* is a bool, a callable `leaf -> bool`, or a pytree prefix of
those: each of its leaves decides for the subtree of the pytree beneath it.
"""

from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np

_T = TypeVar("_T")

FilterSpec: TypeAlias = bool | Callable[[Any], bool]
IsLeaf: TypeAlias = Callable[[Any], bool] | None

_array_types = (jax.Array, np.ndarray, np.generic)
_python_scalars = (bool, int, float, complex)


def is_array(element: object) -> bool:
    """True for JAX arrays and NumPy arrays/scalars."""
    return isinstance(element, _array_types)


def is_array_like(element: object) -> bool:
    """True for arrays and for Python `bool`, `int`, `float` and `complex`."""
    return isinstance(element, _array_types + _python_scalars)


def _is_inexact_dtype(dtype: Any) -> bool:
    return bool(jnp.issubdtype(dtype, jnp.inexact))


def is_inexact_array(element: object) -> bool:
    """True for arrays with a floating-point or complex dtype."""
    if isinstance(element, _array_types):
        return _is_inexact_dtype(cast(Any, element).dtype)
    return False


def is_inexact_array_like(element: object) -> bool:
    """True for inexact arrays and for Python `float` and `complex`."""
    if isinstance(element, float | complex):
        return True
    return is_inexact_array(element)


def _mask_subtree(spec: Any, subtree: Any, is_leaf: IsLeaf) -> Any:
    """Broadcast one filter-spec leaf over the subtree beneath it."""
    if isinstance(spec, bool):
        constant: bool = spec

        def same_for_all(_: Any) -> bool:
            return constant

        return jtu.tree_map(same_for_all, subtree, is_leaf=is_leaf)
    if callable(spec):
        predicate: Callable[[Any], Any] = spec

        def truthy(leaf: Any) -> bool:
            # Any truthy result selects the leaf (NumPy/JAX bools included).
            return bool(predicate(leaf))

        return jtu.tree_map(truthy, subtree, is_leaf=is_leaf)
    raise ValueError(
        "filter spec leaves must be bools or callables `leaf -> bool`, got "
        f"{spec!r} of type {type(spec).__name__}."
    )


def _mask(pytree: Any, filter_spec: Any, is_leaf: IsLeaf) -> Any:
    """A pytree of bools with `pytree`'s structure.

    `filter_spec` is walked as a pytree first, so a callable pytree (such as a
    module shaped like `pytree`) is a prefix of specs, never a predicate.
    """

    def per_spec_leaf(spec: Any, subtree: Any) -> Any:
        return _mask_subtree(spec, subtree, is_leaf)

    try:
        return jtu.tree_map(per_spec_leaf, filter_spec, pytree)
    except ValueError as e:
        if "filter spec leaves" in str(e):
            raise
        raise ValueError(
            "filter_spec must be a bool, a callable, or a pytree prefix of the "
            f"pytree being filtered; the structures do not match: {e}"
        ) from None


def filter(
    pytree: _T,
    filter_spec: Any,
    inverse: bool = False,
    replace: Any = None,
    is_leaf: IsLeaf = None,
) -> _T:
    """Keep the leaves selected by `filter_spec`; the others become `replace`.

    With `inverse=True` the selection is flipped.
    """
    mask = _mask(pytree, filter_spec, is_leaf)

    def select(keep: bool, leaf: Any) -> Any:
        return leaf if keep != inverse else replace

    filtered: _T = jtu.tree_map(select, mask, pytree)
    return filtered


def partition(
    pytree: _T,
    filter_spec: Any,
    replace: Any = None,
    is_leaf: IsLeaf = None,
) -> tuple[_T, _T]:
    """Split into `(selected, rest)`; each has `replace` where the other has a leaf."""
    mask = _mask(pytree, filter_spec, is_leaf)

    def kept_leaf(keep: bool, leaf: Any) -> Any:
        return leaf if keep else replace

    def rest_leaf(keep: bool, leaf: Any) -> Any:
        return replace if keep else leaf

    kept: _T = jtu.tree_map(kept_leaf, mask, pytree)
    rest: _T = jtu.tree_map(rest_leaf, mask, pytree)
    return kept, rest


def _first_non_none(*leaves: Any) -> Any:
    for leaf in leaves:
        if leaf is not None:
            return leaf
    return None


def combine(*pytrees: _T, is_leaf: IsLeaf = None) -> _T:
    """Merge pytrees of equal structure, taking each leaf from the first tree
    where it is not None. The inverse of `partition`."""
    if not pytrees:
        raise TypeError("combine needs at least one pytree.")

    def none_or_leaf(x: Any) -> bool:
        return x is None or (is_leaf is not None and is_leaf(x))

    combined: _T = jtu.tree_map(_first_non_none, *pytrees, is_leaf=none_or_leaf)
    return combined
