"""`filter_shard`: place (or, under JIT, constrain) the arrays of a pytree."""

from typing import Any, TypeVar

import jax.numpy as jnp
import jax.tree_util as jtu
from jax.sharding import Sharding, SingleDeviceSharding

from . import _jax_typed as jaxt
from ._leaves import ARRAY_TYPES, is_traced
from ._tree_paths import flatten_with_path, path_str

_T = TypeVar("_T")


def _is_placement(x: object) -> bool:
    return x is None or isinstance(x, Sharding | jaxt.Device)


def _as_sharding(placement: Any) -> Any:
    if isinstance(placement, jaxt.Device):
        return SingleDeviceSharding(placement)
    return placement


def filter_shard(x: _T, device_or_shardings: Any) -> _T:
    """Shard the array leaves of `x`; other leaves are returned as they are.

    `device_or_shardings` is a `jaxt.Device`, a `jax.sharding.Sharding`, or a
    pytree prefix of `x` made of those (None leaves a subtree alone). Outside
    JIT the arrays are moved with `jax.device_put`; inside JIT this is
    `jax.lax.with_sharding_constraint`.
    """
    specs, spec_def = jtu.tree_flatten(device_or_shardings, is_leaf=_is_placement)
    for spec in specs:
        if not _is_placement(spec):
            raise TypeError(
                "filter_shard: device_or_shardings must be a jaxt.Device, a "
                "jax.sharding.Sharding, or a pytree prefix of x made of those; "
                f"found {spec!r} of type {type(spec).__name__}."
            )
    try:
        subtrees = spec_def.flatten_up_to(x)
    except (ValueError, TypeError) as e:
        raise ValueError(
            f"filter_shard: device_or_shardings is not a pytree prefix of x: {e}"
        ) from None
    placed: list[Any] = []
    for spec, sub in zip(specs, subtrees, strict=True):
        try:
            placed.append(sub if spec is None else _place(sub, _as_sharding(spec)))
        except ValueError as e:
            raise ValueError(
                f"filter_shard: cannot place {_describe_failure(x, sub, spec)}: {e}"
            ) from e
    return spec_def.unflatten(placed)  # type: ignore[no-any-return]  # same structure as x


def _place(subtree: Any, sharding: Any) -> Any:
    leaves, treedef = jtu.tree_flatten(subtree)
    out: list[Any] = []
    for leaf in leaves:
        if not isinstance(leaf, ARRAY_TYPES):
            out.append(leaf)
        elif isinstance(leaf, jaxt.Tracer):
            out.append(jaxt.with_sharding_constraint(leaf, sharding))
        else:
            out.append(jaxt.device_put(leaf, sharding))
    return treedef.unflatten(out)


def _describe_failure(x: Any, subtree: Any, spec: Any) -> str:
    """Name the first array of `subtree` that `spec` cannot hold."""
    sharding = _as_sharding(spec)
    sub_leaves = [leaf for leaf in jtu.tree_leaves(subtree) if is_traced(leaf)]
    for path, leaf in flatten_with_path(x)[0]:
        if not any(leaf is s for s in sub_leaves):
            continue
        try:
            _place(leaf, sharding)
        except ValueError:
            return f"x{path_str(path)} (shape {jnp.shape(leaf)}) with {sharding}"
    return f"the arrays of x with {sharding}"
