"""`Partial` (a `functools.partial` that is a pytree) and `module_update_wrapper`."""

import functools
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ._module import Module

_R = TypeVar("_R")
_M = TypeVar("_M", bound=Module)


class Partial(Module, Generic[_R]):
    """`Partial(f, *args, **kwargs)(*more)` calls `f(*args, *more, **kwargs)`.

    Unlike `functools.partial` it is a pytree: the bound arguments (and `f`
    itself, if it is a pytree) are its children, so arrays inside are traced.
    """

    func: Callable[..., _R]
    args: tuple[Any, ...]
    keywords: dict[str, Any]

    def __init__(self, func: Callable[..., _R], /, *args: Any, **kwargs: Any) -> None:
        if not callable(func):
            raise TypeError(f"Partial: `func` must be callable, got {func!r}.")
        self.func = func
        self.args = args
        self.keywords = kwargs

    def __call__(self, *args: Any, **kwargs: Any) -> _R:
        return self.func(*self.args, *args, **{**self.keywords, **kwargs})


def module_update_wrapper(wrapper: _M) -> _M:
    """Copy `__name__`, `__doc__`, ... from `wrapper.__wrapped__` onto `wrapper`.

    The module analogue of `functools.update_wrapper`: `wrapper` must define a
    `__wrapped__` property returning the wrapped callable. Returns `wrapper`.
    """
    try:
        wrapped: object = getattr(wrapper, "__wrapped__")  # noqa: B009  # a property the caller's class must define
    except AttributeError:
        raise TypeError(
            f"module_update_wrapper: {type(wrapper).__qualname__} must define a "
            "`__wrapped__` property returning the callable it wraps."
        ) from None
    for attr in functools.WRAPPER_ASSIGNMENTS:
        if not hasattr(wrapped, attr):
            continue
        # Modules are frozen; these are metadata, not fields, so bypass that.
        object.__setattr__(wrapper, attr, getattr(wrapped, attr))
    return wrapper
