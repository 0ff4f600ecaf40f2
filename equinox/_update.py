"""`apply_updates`: add an update pytree (e.g. from an optimiser) to a model."""

from typing import Any, TypeVar

import jax.tree_util as jtu

_T = TypeVar("_T")


def _apply(update: Any, leaf: Any) -> Any:
    return leaf if update is None else leaf + update


def apply_updates(model: _T, updates: Any) -> _T:
    """`model + updates` leaf by leaf; a `None` update leaves the leaf as it is.

    `updates` has the model's structure, with `None` where nothing changes
    (as produced by `filter_grad` or `partition`).
    """
    updated: _T = jtu.tree_map(_apply, updates, model, is_leaf=_is_none)
    return updated


def _is_none(x: Any) -> bool:
    return x is None
