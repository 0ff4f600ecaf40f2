"""`Lambda`: any callable as a layer, e.g. an activation inside `Sequential`."""

from collections.abc import Callable
from typing import Generic, TypeVar

from jaxtyping import PRNGKeyArray

from .._module import Module

_In = TypeVar("_In")
_Out = TypeVar("_Out")


class Lambda(Module, Generic[_In, _Out]):
    """Wraps `fn` so that it is called as a layer: `Lambda(fn)(x, key=k)` is
    `fn(x)`.

    `fn` is a field, not static, so a callable module keeps its parameters
    trainable.
    """

    fn: Callable[[_In], _Out]

    def __init__(self, fn: Callable[[_In], _Out]) -> None:
        if not callable(fn):
            raise TypeError(f"Lambda: `fn` must be callable, got {fn!r}.")
        self.fn = fn

    def __call__(self, x: _In, *, key: PRNGKeyArray | None = None) -> _Out:
        """Returns `fn(x)`; `key` is unused."""
        del key
        return self.fn(x)
