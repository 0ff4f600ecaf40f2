"""`closure_to_pytree`: functions whose closed-over values are pytree leaves."""

import types
from typing import Any

import jax.tree_util as jtu

from .._field import field
from .._module import Module


class _Closure(Module):
    """A function split into its code (static) and the contents of its
    closure cells (children, themselves converted)."""

    fn: Any = field(static=True)  # a types.FunctionType
    contents: tuple[Any, ...]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        cells = tuple(types.CellType(c) for c in self.contents)
        f = types.FunctionType(
            self.fn.__code__,
            self.fn.__globals__,
            self.fn.__name__,
            self.fn.__defaults__,
            cells,
        )
        f.__kwdefaults__ = self.fn.__kwdefaults__
        return f(*args, **kwargs)


def _convert(x: Any) -> Any:
    if isinstance(x, types.FunctionType) and x.__closure__:
        contents = tuple(closure_to_pytree(c.cell_contents) for c in x.__closure__)
        return _Closure(fn=x, contents=contents)
    return x


def closure_to_pytree(tree: Any) -> Any:
    """A copy of `tree` in which every function with a closure becomes a
    callable pytree whose children are the closed-over values (converted in
    turn). Globals are not included: only local closures convert."""
    return jtu.tree_map(
        _convert, tree, is_leaf=lambda x: isinstance(x, types.FunctionType)
    )
