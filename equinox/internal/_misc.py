"""Small helpers the ecosystem imports from `equinox.internal`."""

import functools
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jaxtyping import Array

from .._eval_shape import filter_eval_shape
from .._filters import combine, is_array, partition
from .._leaves import PyTree

_T = TypeVar("_T")

# Typed views of JAX functions that pyright sees as partly untyped.
_struct = cast("Callable[[Any, Any], Any]", jax.ShapeDtypeStruct)
_reshape = cast("Callable[..., Array]", jnp.reshape)  # pyright: ignore[reportUnknownMemberType]  # partly untyped overloads
_switch = cast("Callable[..., Any]", jax.lax.switch)  # pyright: ignore[reportUnknownMemberType]  # partly untyped
_scan = cast("Callable[..., tuple[Any, Any]]", jax.lax.scan)


def _zeros_of(struct: Any) -> Array:
    return jnp.zeros(struct.shape, struct.dtype)


def _struct_of(x: Any) -> Any:
    return _struct(x.shape, x.dtype)


def _identity(x: Any) -> Any:
    return x


def left_broadcast_to(arr: Array, shape: tuple[int, ...]) -> Array:
    """Broadcast `arr` to `shape`, aligning its axes on the left (numpy
    aligns on the right): a `(2,)` array fills `(2, 3)` row by row."""
    arr = jnp.asarray(arr)
    padded = _reshape(arr, arr.shape + (1,) * (len(shape) - arr.ndim))
    return jnp.broadcast_to(padded, shape)


def eval_empty(fn: Callable[..., Any], *inputs: PyTree) -> PyTree:
    """Placeholder arrays (zeros) with the shapes and dtypes of
    `fn(*inputs)`, found by abstract evaluation only: `fn` is not run."""
    out = filter_eval_shape(fn, *inputs)
    return jtu.tree_map(_zeros_of, out)


def eval_zero(fn: Callable[..., Any], *inputs: PyTree) -> PyTree:
    """Zeros with the shapes and dtypes of `fn(*inputs)`, without running it."""
    out = filter_eval_shape(fn, *inputs)
    return jtu.tree_map(_zeros_of, out)


def hashable_partition(
    pytree: PyTree, filter_fn: Callable[[Any], bool]
) -> tuple[PyTree, Hashable]:
    """Split `pytree` into its `filter_fn` leaves and a hashable remainder
    (the other leaves and the treedef), for use as a cache key."""
    dynamic, static = partition(pytree, filter_fn)
    static_leaves, static_treedef = jtu.tree_flatten(static)
    return dynamic, (tuple(static_leaves), static_treedef)


def hashable_combine(dynamic: PyTree, static: Hashable) -> PyTree:
    """Inverse of `hashable_partition`."""
    static_leaves, static_treedef = cast("tuple[tuple[Any, ...], Any]", static)
    return combine(dynamic, jtu.tree_unflatten(static_treedef, static_leaves))


@functools.cache
def _cached_eval_shape(fn: Hashable, structs: Hashable, static: Hashable) -> Any:
    leaves, treedef = cast("tuple[tuple[Any, ...], Any]", structs)
    dynamic = jtu.tree_unflatten(treedef, list(leaves))
    args, kwargs = hashable_combine(dynamic, static)
    return filter_eval_shape(cast("Callable[..., Any]", fn), *args, **kwargs)


def cached_filter_eval_shape(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """`filter_eval_shape(fn, *args, **kwargs)`, cached on `fn` and the shapes,
    dtypes and static parts of the arguments. Falls back to an uncached call
    when something is unhashable."""
    dynamic, static = hashable_partition((args, kwargs), is_array)
    structs = jtu.tree_map(_struct_of, dynamic)
    leaves, treedef = jtu.tree_flatten(structs)
    try:
        return cast("_T", _cached_eval_shape(fn, (tuple(leaves), treedef), static))
    except TypeError:
        return filter_eval_shape(fn, *args, **kwargs)


def scan_trick(fn: Callable[[_T], _T], intermediates: Any, init: _T) -> _T:
    """Compute `fn` then `intermediates[0]`, `fn` then `intermediates[1]`, …,
    and a final `fn`, while tracing `fn` only once: the repeated call becomes
    one `lax.scan` body that switches on the step to pick the intermediate."""
    branches: list[Callable[[Any], Any]] = [*intermediates, _identity]

    def body(carry: Any, index: Array) -> tuple[Any, None]:
        carry = fn(carry)
        from ._nontraceable import nonbatchable

        index = jnp.clip(nonbatchable(index), 0, len(branches) - 1)
        return _switch(index, branches, carry), None

    out, _ = _scan(body, init, jnp.arange(len(branches)))
    return cast("_T", out)
