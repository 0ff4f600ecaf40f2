"""`Partial` (a `functools.partial` that is a pytree) and `module_update_wrapper`."""

from collections.abc import Callable
from typing import Any, Final, Generic, TypeVar, cast

from ._module import Module, with_attributes

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


# What `functools.update_wrapper` copies, as Equinox copies it.
_WRAPPER_ATTRIBUTES: Final = (
    "__module__",
    "__name__",
    "__qualname__",
    "__doc__",
    "__annotations__",
)


def module_update_wrapper(wrapper: _M, wrapped: Callable[..., Any] | None = None) -> _M:
    """`functools.update_wrapper` for modules: returns a copy of `wrapper`
    carrying `__module__`, `__name__`, `__qualname__`, `__doc__` and
    `__annotations__` of `wrapped` (by default `wrapper.__wrapped__`).

    `wrapper` itself is unchanged. Its class must define `__wrapped__` as a
    property returning the wrapped callable. The copied attributes are kept
    by JAX transformations (they travel in the pytree structure).
    """
    if not isinstance(getattr(type(wrapper), "__wrapped__", None), property):
        raise ValueError(
            f"module_update_wrapper: {type(wrapper).__qualname__} must define a "
            "`__wrapped__` property returning the callable it wraps."
        )
    if wrapped is None:
        wrapped = cast(Callable[..., Any], getattr(wrapper, "__wrapped__"))  # noqa: B009  # the property checked above
    attributes = {
        name: getattr(wrapped, name)
        for name in _WRAPPER_ATTRIBUTES
        if hasattr(wrapped, name)
    }
    return with_attributes(wrapper, attributes)
