"""`filter_pure_callback`: call back into Python (on the host) from traced
code, with arbitrary pytrees as arguments and result."""

from collections.abc import Callable
from typing import Any, Literal, TypeVar

import jax
import jax.tree_util as jtu
import numpy as np

from . import _jax_typed as jaxt
from ._leaves import ARRAY_TYPES

_R = TypeVar("_R")

VmapMethod = Literal[
    "sequential", "sequential_unrolled", "expand_dims", "broadcast_all"
]


def _is_shape_leaf(x: object) -> bool:
    return isinstance(x, (*ARRAY_TYPES, jax.ShapeDtypeStruct))


def filter_pure_callback(
    callback: Callable[..., _R],
    *args: Any,
    result_shape_dtypes: Any,
    sharding: Any = None,
    vmap_method: VmapMethod | None = None,
    vectorized: bool | None = None,
    **kwargs: Any,
) -> _R:
    """`callback(*args, **kwargs)` run in Python on the host, callable from
    inside JIT / vmap / grad-free code.

    Array leaves of the arguments are passed to `callback` as NumPy arrays;
    other leaves as they are. `result_shape_dtypes` describes the result: a
    pytree whose array leaves are `jax.ShapeDtypeStruct`s (or arrays, whose
    shape and dtype are used) and whose other leaves are returned unchanged.
    The callback must return a pytree of that structure. `sharding`,
    `vmap_method` and (JAX's older) `vectorized` are passed to
    `jax.pure_callback`, as in Equinox.
    """
    leaves, treedef = jtu.tree_flatten((args, kwargs))
    mask = [isinstance(leaf, ARRAY_TYPES) for leaf in leaves]
    dynamic = [leaf for leaf, m in zip(leaves, mask, strict=True) if m]

    res_leaves, res_def = jtu.tree_flatten(result_shape_dtypes)
    res_mask = [_is_shape_leaf(leaf) for leaf in res_leaves]
    res_shapes = [
        jaxt.ShapeDtypeStruct(np.shape(leaf), leaf.dtype)
        for leaf, m in zip(res_leaves, res_mask, strict=True)
        if m
    ]
    name = getattr(callback, "__qualname__", repr(callback))

    def host(*arrays: Any) -> list[Any]:
        it = iter([np.asarray(array) for array in arrays])
        full = [next(it) if m else leaf for leaf, m in zip(leaves, mask, strict=True)]
        a, k = treedef.unflatten(full)
        out = callback(*a, **k)
        out_leaves, out_def = jtu.tree_flatten(out)
        if out_def != res_def:
            raise ValueError(
                f"filter_pure_callback({name}): the callback returned a pytree of "
                f"structure {out_def}, but result_shape_dtypes has structure "
                f"{res_def}."
            )
        results: list[Any] = []
        for leaf, m, shape in zip(out_leaves, res_mask, res_leaves, strict=True):
            if not m:
                continue
            value = np.asarray(leaf, dtype=shape.dtype)
            if value.shape != tuple(shape.shape):
                raise ValueError(
                    f"filter_pure_callback({name}): the callback returned an array "
                    f"of shape {value.shape} where result_shape_dtypes says "
                    f"{tuple(shape.shape)}."
                )
            results.append(value)
        return results

    options: dict[str, Any] = {"sharding": sharding, "vmap_method": vmap_method}
    if vectorized is not None:
        options["vectorized"] = vectorized
    arrays = jax.pure_callback(host, res_shapes, *dynamic, **options)
    it = iter(arrays)
    return res_def.unflatten(  # type: ignore[no-any-return]  # the callback's result type
        [next(it) if m else leaf for leaf, m in zip(res_leaves, res_mask, strict=True)]
    )
