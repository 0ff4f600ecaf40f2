"""Warnings for Module fields that are legal but almost always a mistake.

- A field holding a JAX-transformed callable (`jax.jit(layer)`,
  `jax.vmap(model.method)`, ...) whose wrapped object holds arrays: the
  transformation's result is an opaque leaf, so those arrays are never
  trained, mapped or traced.
- A static field holding an array: it lives in the treedef.
- A class with both a custom `__init__` and a `__post_init__`, which then
  never runs.

All are `UserWarning`s, as in Equinox.
"""

import types
import typing
import warnings
from typing import Any, Final, cast

import jax
import jax.tree_util as jtu
import numpy as np
from jaxtyping import AbstractArray

from ._jax_typed import jit as typed_jit

# Types a JAX transformation returns: `jit` a PjitFunction, `vmap`/`grad`/
# `checkpoint` a `functools.wraps`-ed function, custom_jvp/vjp an object.
_PJIT_FUNCTION: Final[type] = type(cast(object, typed_jit(lambda: None)))
FUNCTION_TYPES: Final[frozenset[type]] = frozenset(
    (types.FunctionType, _PJIT_FUNCTION, jax.custom_jvp, jax.custom_vjp)
)
# Containers looked into for transformed callables (Modules inside a field
# were checked when they were built).
_CONTAINER_TYPES: Final[frozenset[type]] = frozenset({tuple, list, dict})
# Field values worth a closer look on the generated-`__init__` path.
SCAN_TYPES: Final[frozenset[type]] = FUNCTION_TYPES | _CONTAINER_TYPES

_ARRAY_TYPES: Final = (jax.Array, np.ndarray, np.generic)
_ARRAY_LIKE_TYPES: Final = (*_ARRAY_TYPES, bool, int, float, complex)


# Field annotations under which no transformed callable can hide (with run-time
# checks on they are enforced; with them off, a field that lies about its type
# only loses this warning).
_PLAIN_TYPES: Final = (
    jax.Array,
    np.ndarray,
    np.generic,
    AbstractArray,
    bool,
    int,
    float,
    complex,
    str,
    bytes,
    type(None),
)


def may_hold_transformed(annotation: object, is_module_class: Any) -> bool:
    """Whether a field with this annotation is worth scanning at construction.

    `is_module_class(annotation)` tells a Module subclass (whose instances
    are pytrees checked when they were built).
    """
    if annotation is None:
        return False
    if isinstance(annotation, type):
        return not (issubclass(annotation, _PLAIN_TYPES) or is_module_class(annotation))
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(
            may_hold_transformed(arg, is_module_class)
            for arg in typing.get_args(annotation)
        )
    return True


def _unwrapped(fn: object) -> object:
    """Follow `__wrapped__` through function-like wrappers (`jit(jit(f))`);
    stop at the first object of another kind (a module, a bound method)."""
    seen: set[int] = set()
    while type(fn) in FUNCTION_TYPES and id(fn) not in seen:
        seen.add(id(fn))
        inner = getattr(fn, "__wrapped__", fn)
        if inner is fn:
            break
        fn = inner
    return fn


def _wraps_arrays(fn: object) -> bool:
    """Whether `fn` (a function-like object) wraps a pytree holding arrays."""
    wrapped = _unwrapped(fn)
    if wrapped is fn:
        return False
    try:
        leaves: list[Any] = jtu.tree_leaves(wrapped)
    except AttributeError:
        # A method of a module whose `__init__` is still running (not all
        # fields set yet): look at the fields assigned so far.
        owner = getattr(wrapped, "__self__", None)
        try:
            leaves = jtu.tree_leaves(list(vars(owner).values()))
        except (AttributeError, TypeError):
            return False
    return any(isinstance(leaf, _ARRAY_LIKE_TYPES) for leaf in leaves)


def _transformed_in(value: object) -> bool:
    kind = type(value)
    if kind in FUNCTION_TYPES:
        return _wraps_arrays(value)
    if kind is dict:
        values: Any = value
        return any(_transformed_in(item) for item in values.values())
    if kind in _CONTAINER_TYPES:
        items: Any = value
        return any(_transformed_in(item) for item in items)
    return False


def _warn_transformed(owner: str, name: str, stacklevel: int) -> None:
    warnings.warn(
        f"{owner}.{name} holds a JAX-transformed callable (e.g. `jax.vmap(layer)`) "
        "that wraps arrays. The result of a JAX transformation is not a pytree, "
        "so those arrays are invisible to grad, jit and optimisers: they will "
        "never be updated. Store the layer itself and apply the transformation "
        "when calling it (`eqx.filter_vmap(self.layer)(x)` in `__call__`), "
        "or store the filtered transformation of it (`eqx.filter_vmap(layer)` "
        "is a Module whose leaves are the layer's arrays).",
        UserWarning,
        stacklevel=stacklevel + 1,
    )


def check_assigned(owner: str, name: str, value: object, stacklevel: int) -> None:
    """`self.name = value` inside a custom `__init__` (the value itself only)."""
    if _wraps_arrays(value):
        _warn_transformed(owner, name, stacklevel + 1)


def check_fields(
    owner: str, values: dict[str, Any], names: tuple[str, ...], stacklevel: int
) -> None:
    """The fields a generated `__init__` stored (containers looked into)."""
    for name in names:
        value = values[name]
        if type(value) in SCAN_TYPES and _transformed_in(value):
            _warn_transformed(owner, name, stacklevel + 1)


def check_static(
    owner: str, values: dict[str, Any], static_names: tuple[str, ...], stacklevel: int
) -> None:
    """Warn for each static field that holds an array anywhere inside."""
    for name in static_names:
        leaves: list[Any] = jtu.tree_leaves(values[name])
        if any(isinstance(leaf, _ARRAY_TYPES) for leaf in leaves):
            warnings.warn(
                f"{owner}.{name} is marked static but holds an array: it is "
                "kept in the treedef, never traced, and compared by identity "
                "on every JIT call. Make it an ordinary field instead.",
                UserWarning,
                stacklevel=stacklevel + 1,
            )


def check_post_init(cls: type, custom_init: bool) -> None:
    """At class creation: a custom `__init__` means `__post_init__` never runs."""
    if custom_init and hasattr(cls, "__post_init__"):
        warnings.warn(
            f"{cls.__module__}.{cls.__qualname__} has both an `__init__` and a "
            "`__post_init__`: as with any dataclass, a custom `__init__` "
            "replaces the generated one, which is what calls `__post_init__`, "
            "so `__post_init__` will not run. To check invariants after every "
            "construction, define `__check_init__` instead.",
            UserWarning,
            stacklevel=3,
        )
