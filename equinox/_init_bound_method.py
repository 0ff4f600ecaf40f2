"""`self.method` while the module's `__init__` is still running.

A module's own pytree node reads every field, so a half-built instance cannot
be flattened; yet `eqx.filter_jit(self.method)(x)` inside `__init__` works in
Equinox. During `__init__` a method is therefore bound by this pytree instead:
its children are the dynamic fields assigned so far, the static ones travel
in its auxiliary data, and unflattening gives a module holding just those.
"""

import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import _jax_typed as jaxt

# The fields a (possibly half-built) module has: (dynamic names, static names).
_FieldNames = tuple[tuple[str, ...], tuple[str, ...]]


def method_name(method: Any, name: str) -> Any:
    """`__getattr__` of a bound-method object: `__name__` and `__qualname__`
    are those of its function, as for a Python bound method."""
    if name in ("__name__", "__qualname__"):
        return getattr(method.__func__, name)
    raise AttributeError(f"{type(method).__name__!r} object has no attribute {name!r}")


class InitBoundMethod:
    """Calls `__func__(__self__, ...)`, like a Python bound method."""

    __slots__ = ("__func__", "__self__")

    def __init__(self, func: Callable[..., Any], instance: object) -> None:
        self.__func__ = func
        self.__self__ = instance

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__func__(self.__self__, *args, **kwargs)

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        return types.MethodType(self.__func__, self.__self__)

    if not TYPE_CHECKING:
        # The method's names (type slots, so reachable only from here).
        def __getattr__(self, name):
            return method_name(self, name)

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]  # pyright: ignore[reportIncompatibleVariableOverride]  # the method's docstring
        return self.__func__.__doc__

    def __repr__(self) -> str:
        name = getattr(self.__func__, "__qualname__", "?")
        return f"<bound method {name} of a module in __init__>"


def _assigned(instance: object) -> _FieldNames:
    info: Any = getattr(type(instance), "__eqx_info__")  # noqa: B009  # set by the metaclass
    values = instance.__dict__
    static = set(info.static_names)
    dynamic = tuple(
        f.name for f in info.fields if f.name in values and f.name not in static
    )
    return dynamic, tuple(n for n in info.static_names if n in values)


def _flatten(
    bound: InitBoundMethod,
) -> tuple[list[Any], tuple[Any, ...]]:
    instance = bound.__self__
    values = instance.__dict__
    dynamic, static = _assigned(instance)
    aux = (
        bound.__func__,
        type(instance),
        dynamic,
        static,
        tuple(values[n] for n in static),
    )
    return [values[n] for n in dynamic], aux


def _unflatten(aux: tuple[Any, ...], children: Any) -> InitBoundMethod:
    func, cls, dynamic, static, static_values = aux
    instance = object.__new__(cls)
    values = instance.__dict__
    values.update(zip(dynamic, children, strict=True))
    values.update(zip(static, static_values, strict=True))
    return InitBoundMethod(func, instance)


jaxt.register_pytree_node(InitBoundMethod, _flatten, _unflatten)
