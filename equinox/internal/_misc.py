"""Small helpers the ecosystem imports from `equinox.internal`."""

import functools
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jaxtyping import Array, PyTree

from .._eval_shape import filter_eval_shape
from .._filters import combine, is_array, partition

_T = TypeVar("_T")


def left_broadcast_to(arr: Array, shape: tuple[int, ...]) -> Array:
    """Broadcast `arr` to `shape`, aligning its axes on the left (numpy
    aligns on the right): a `(2,)` array fills `(2, 3)` row by row."""
    arr = jnp.asarray(arr)
    padded = jnp.reshape(arr, arr.shape + (1,) * (len(shape) - arr.ndim))
    return jnp.broadcast_to(padded, shape)


def eval_empty(fn: Callable[..., Any], *inputs: PyTree[Any]) -> PyTree[Array]:
    """Placeholder arrays (zeros) with the shapes and dtypes of
    `fn(*inputs)`, found by abstract evaluation only: `fn` is not run."""
    out = filter_eval_shape(fn, *inputs)
    return jtu.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), out)


def eval_zero(fn: Callable[..., Any], *inputs: PyTree[Any]) -> PyTree[Array]:
    """Zeros with the shapes and dtypes of `fn(*inputs)`, without running it."""
    out = filter_eval_shape(fn, *inputs)
    return jtu.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), out)


def hashable_partition(
    pytree: PyTree[Any], filter_fn: Callable[[Any], bool]
) -> tuple[PyTree[Any], Hashable]:
    """Split `pytree` into its `filter_fn` leaves and a hashable remainder
    (the other leaves and the treedef), for use as a cache key."""
    dynamic, static = partition(pytree, filter_fn)
    static_leaves, static_treedef = jtu.tree_flatten(static)
    return dynamic, (tuple(static_leaves), static_treedef)


def hashable_combine(dynamic: PyTree[Any], static: Hashable) -> PyTree[Any]:
    """Inverse of `hashable_partition`."""
    static_leaves, static_treedef = static  # type: ignore[misc]  # the pair hashable_partition made
    return combine(dynamic, jtu.tree_unflatten(static_treedef, static_leaves))


@functools.cache
def _cached_eval_shape(fn: Hashable, dynamic_structs: Hashable, static: Hashable) -> Any:
    structs_leaves, structs_treedef = dynamic_structs  # type: ignore[misc]  # built below
    dynamic = jtu.tree_unflatten(structs_treedef, list(structs_leaves))
    args, kwargs = hashable_combine(dynamic, static)
    return filter_eval_shape(fn, *args, **kwargs)  # type: ignore[operator]  # fn is the caller's callable


def cached_filter_eval_shape(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """`filter_eval_shape(fn, *args, **kwargs)`, cached on `fn` and the shapes,
    dtypes and static parts of the arguments. Falls back to an uncached call
    when something is unhashable."""
    dynamic, static = hashable_partition((args, kwargs), is_array)
    structs = jtu.tree_map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype), dynamic)
    leaves, treedef = jtu.tree_flatten(structs)
    try:
        return _cached_eval_shape(fn, (tuple(leaves), treedef), static)  # type: ignore[no-any-return]  # the output of fn
    except TypeError:
        return filter_eval_shape(fn, *args, **kwargs)


def scan_trick(fn: Callable[[_T], _T], intermediates: Any, init: _T) -> _T:
    """Compute `fn` then `intermediates[0]`, `fn` then `intermediates[1]`, …,
    and a final `fn`, while tracing `fn` only once: the repeated call becomes
    one `lax.scan` body that switches on the step to pick the intermediate."""
    branches = [*intermediates, lambda x: x]

    def body(carry: Any, index: Array) -> tuple[Any, None]:
        carry = fn(carry)
        from ._nontraceable import nonbatchable

        index = jnp.clip(nonbatchable(index), 0, len(branches) - 1)
        return jax.lax.switch(index, branches, carry), None

    out, _ = jax.lax.scan(body, init, jnp.arange(len(branches)))
    return out  # type: ignore[no-any-return]  # scan keeps the carry's type
