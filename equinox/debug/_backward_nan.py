"""`backward_nan`: the identity, whose backward pass reports NaN cotangents."""

import functools
from typing import Any, TypeVar

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax import lax

from .._errors import error_if
from .._filters import is_inexact_array

_T = TypeVar("_T")
_Leaves = tuple[jax.Array, ...]


def _report(name: str, flags: Any, *cotangents: Any) -> None:
    """Host side: print the cotangents that contain a NaN."""
    bad = [i for i, flag in enumerate(np.asarray(flags).reshape(-1)) if flag]
    if bad:
        shown = ", ".join(f"leaf {i}: {np.asarray(cotangents[i])}" for i in bad)
        print(f"backward_nan({name}): NaN in cotangent: {shown}")


def _fwd(name: str, terminate: bool, leaves: _Leaves) -> tuple[_Leaves, None]:
    del name, terminate
    return leaves, None


def _bwd(
    name: str, terminate: bool, residuals: None, cotangents: _Leaves
) -> tuple[_Leaves]:
    del residuals
    flags = jnp.stack([jnp.any(jnp.isnan(ct)) for ct in cotangents])
    any_nan = jnp.any(flags)

    def report() -> None:
        jax.debug.callback(functools.partial(_report, name), flags, *cotangents)

    def quiet() -> None:
        pass

    lax.cond(any_nan, report, quiet)  # pyright: ignore[reportUnknownMemberType]  # jax leaves it partially untyped
    if terminate:
        cotangents = error_if(
            cotangents, any_nan, f"backward_nan({name}): NaN in cotangent."
        )
    return (cotangents,)


def _identity(name: str, terminate: bool, leaves: _Leaves) -> _Leaves:
    del name, terminate
    return leaves


_checked = jax.custom_vjp[_Leaves](_identity, nondiff_argnums=(0, 1))
_checked.defvjp(_fwd, _bwd)  # pyright: ignore[reportUnknownMemberType]  # jax leaves an overload of it untyped


def backward_nan(x: _T, name: str | None = None, terminate: bool = True) -> _T:
    """The identity on `x`. On the backward pass, if the cotangent of any
    floating-point array of `x` contains a NaN, print it and (when
    `terminate`) raise `eqx.EquinoxRuntimeError` naming `name`."""
    leaves, treedef = jtu.tree_flatten(x)
    positions = [i for i, leaf in enumerate(leaves) if is_inexact_array(leaf)]
    if not positions:
        return x
    label = "x" if name is None else name
    out = _checked(label, terminate, tuple(leaves[i] for i in positions))
    for i, value in zip(positions, out, strict=True):
        leaves[i] = value
    rebuilt: _T = jtu.tree_unflatten(treedef, leaves)
    return rebuilt
