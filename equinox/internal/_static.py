"""`Static`: carry any value through a JAX transformation as metadata."""

from typing import Any, Generic, TypeVar, cast

import jax.tree_util as jtu

from .._field import field
from .._module import Module

_Value = TypeVar("_Value")


class Static(Module, Generic[_Value]):
    """Holds `value` in the treedef (a static field), so a filtered
    transformation returns it unchanged and never traces it. The value's own
    leaves are stored flattened, so they need only be hashable."""

    _leaves: list[Any] = field(static=True)
    _treedef: Any = field(static=True)

    def __init__(self, value: _Value) -> None:
        leaves, treedef = jtu.tree_flatten(value)
        self._leaves = leaves
        self._treedef = treedef

    @property
    def value(self) -> _Value:
        """The wrapped value."""
        return cast("_Value", jtu.tree_unflatten(self._treedef, self._leaves))
