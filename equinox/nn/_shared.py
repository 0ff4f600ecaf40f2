"""`Shared`: tie parts of a pytree together (weight tying)."""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import jax.tree_util as jtu
import numpy as np

from .._field import field
from .._module import Module
from .._tree_at import tree_at

_T = TypeVar("_T")


class _Tied(Module):
    """Stands in the stored pytree where a tied node was: it has no leaves, so
    it carries no parameters and gets no gradient."""


def _layout(nodes: Any) -> tuple[Any, list[tuple[tuple[int, ...], Any]]]:
    leaves, treedef = jtu.tree_flatten(nodes)
    return treedef, [(np.shape(leaf), getattr(leaf, "dtype", None)) for leaf in leaves]


class Shared(Module, Generic[_T]):
    """Ties nodes of a pytree together: `where(pytree)` are made to be
    `get(pytree)`.

    `Shared((embedding, linear), where=lambda p: p[1].weight,
    get=lambda p: p[0].weight)` stores the pair with the linear weight
    removed; calling the `Shared` (with no arguments) returns the pair with
    `linear.weight` being the embedding weight again. There is one parameter,
    so gradients from both uses add up on it.

    `where` and `get` may return one node or equal-length tuples of nodes;
    corresponding nodes must have the same structure, shapes and dtypes.
    """

    pytree: _T
    where: Callable[[_T], Any] = field(static=True)
    get: Callable[[_T], Any] = field(static=True)

    def __init__(
        self, pytree: _T, where: Callable[[_T], Any], get: Callable[[_T], Any]
    ) -> None:
        if not callable(where) or not callable(get):
            raise TypeError("Shared: `where` and `get` must be callables.")
        targets, sources = where(pytree), get(pytree)
        if _layout(targets) != _layout(sources):
            raise ValueError(
                "Shared: the nodes picked by `where` and by `get` must have the "
                "same pytree structure, shapes and dtypes; got "
                f"where -> {_layout(targets)} and get -> {_layout(sources)}."
            )
        self.pytree = tree_at(where, pytree, replace_fn=lambda _: _Tied())
        self.where = where
        self.get = get

    def __call__(self) -> _T:
        """The pytree with the tied nodes filled in from `get`."""
        return tree_at(self.where, self.pytree, self.get(self.pytree))
