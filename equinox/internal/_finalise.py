"""Finalisation: replacing custom primitives by their `impl` rule once all
transformations are done (e.g. before export), so that the jaxpr contains
only JAX's own primitives.

`register_impl_finalisation(prim)` records `prim`'s impl in
`primitive_finalisations`; the `finalise_*` functions evaluate a jaxpr,
calling the recorded rule instead of binding such a primitive. Nested jaxprs
(inside `cond`, `scan`, …) are left as they are.
"""

from collections.abc import Callable
from typing import Any, cast

import jax
import jax.tree_util as jtu
from jax.extend.core import ClosedJaxpr, Jaxpr, Literal, Primitive

from .. import _jax_typed as jaxt

_struct = cast("Callable[[Any, Any], Any]", jax.ShapeDtypeStruct)

primitive_finalisations: dict[Primitive, Callable[..., Any]] = {}


def register_impl_finalisation(prim: Primitive) -> None:
    """Finalise `prim` by calling its `impl` rule."""
    primitive_finalisations[prim] = prim.impl  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped


def finalise_eval_jaxpr(jaxpr: Jaxpr, consts: Any, *args: Any) -> list[Any]:
    """As `jax.core.eval_jaxpr`, but finalises (calls the registered rule
    rather than `bind` for custom primitives)."""
    env: dict[Any, Any] = {}

    def read(v: Any) -> Any:
        return v.val if isinstance(v, Literal) else env[v]

    for var, value in zip(jaxpr.constvars, consts, strict=True):
        env[var] = value
    for var, value in zip(jaxpr.invars, args, strict=True):
        env[var] = value
    for eqn in jaxpr.eqns:
        invals = [read(v) for v in eqn.invars]
        rule = primitive_finalisations.get(eqn.primitive)
        if rule is None:
            params = eqn.primitive.get_bind_params(eqn.params)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]  # jax leaves it untyped
            outs: Any = eqn.primitive.bind(*invals, **params)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]  # jax leaves it untyped
        else:
            outs = rule(*invals, **eqn.params)
        if not eqn.primitive.multiple_results:
            outs = [outs]
        for var, value in zip(eqn.outvars, cast("list[Any]", outs), strict=True):
            env[var] = value
    return [read(v) for v in jaxpr.outvars]


def finalise_jaxpr_as_fn(jaxpr: ClosedJaxpr) -> Callable[..., list[Any]]:
    """As `jax.core.jaxpr_as_fun`, but the result is finalised."""

    def fn(*args: Any) -> list[Any]:
        return finalise_eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *args)

    return fn


def finalise_jaxpr(jaxpr: ClosedJaxpr) -> ClosedJaxpr:
    """A jaxpr-to-jaxpr transformation that performs finalisation."""
    avals = [v.aval for v in jaxpr.jaxpr.invars]
    structs = [_struct(a.shape, a.dtype) for a in avals]  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]  # jax leaves avals untyped
    final: ClosedJaxpr = jaxt.make_jaxpr(finalise_jaxpr_as_fn(jaxpr))(*structs)
    return final


def finalise_fn(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps a function to perform finalisation (as `jax.vmap` wraps one to
    perform batching)."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        closed, shape = jaxt.make_jaxpr(fn, return_shape=True)(*args, **kwargs)
        flat = jtu.tree_leaves((args, kwargs))
        out = finalise_eval_jaxpr(closed.jaxpr, closed.consts, *flat)
        return jtu.tree_unflatten(jtu.tree_structure(shape), out)

    return wrapped


def finalise_make_jaxpr(
    fn: Callable[..., Any], *, return_shape: bool = False
) -> Callable[..., Any]:
    """As `jax.make_jaxpr`, but finalises the result."""

    def make(*args: Any, **kwargs: Any) -> Any:
        closed, shape = jaxt.make_jaxpr(fn, return_shape=True)(*args, **kwargs)
        final = finalise_jaxpr(closed)
        return (final, shape) if return_shape else final

    return make
