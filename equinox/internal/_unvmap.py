"""`unvmap_any` / `unvmap_all` / `unvmap_max`: reductions over every element,
including the elements of any `vmap` batch. Their result is never batched:
all batch elements see the same value (e.g. "has any element failed?")."""

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
from jax.extend.core import Primitive
from jax.interpreters import batching, mlir
from jaxtyping import Array, ArrayLike, Bool, Int

from ..debug._primitive import bind


def _make(name: str, reduce: Callable[[Array], Array], keep_dtype: bool) -> Primitive:
    prim = Primitive(name)

    def impl(x: Array) -> Array:
        return reduce(x)

    def abstract(x: Any) -> Any:
        return x.update(
            shape=(), dtype=x.dtype if keep_dtype else jnp.dtype(bool), weak_type=False
        )

    def batch(args: Any, dims: Any) -> Any:
        (x,), _ = args, dims
        return bind(prim, x), None

    prim.def_impl(impl)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    prim.def_abstract_eval(abstract)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    batching.primitive_batchers[prim] = batch
    mlir.register_lowering(prim, mlir.lower_fun(impl, multiple_results=False))  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    return prim


unvmap_any_p: Primitive = _make("unvmap_any", jnp.any, keep_dtype=False)
unvmap_all_p: Primitive = _make("unvmap_all", jnp.all, keep_dtype=False)
unvmap_max_p: Primitive = _make("unvmap_max", jnp.max, keep_dtype=True)


def unvmap_any(x: Bool[ArrayLike, "..."]) -> Bool[Array, ""]:
    """As `jnp.any`, but ignores batch dimensions."""
    return bind(unvmap_any_p, jnp.asarray(x))  # type: ignore[no-any-return]  # the primitive's output


def unvmap_all(x: Bool[ArrayLike, "..."]) -> Bool[Array, ""]:
    """As `jnp.all`, but ignores batch dimensions."""
    return bind(unvmap_all_p, jnp.asarray(x))  # type: ignore[no-any-return]  # the primitive's output


def unvmap_max(x: Int[ArrayLike, "..."]) -> Int[Array, ""]:
    """As `jnp.max`, but ignores batch dimensions."""
    return bind(unvmap_max_p, jnp.asarray(x))  # type: ignore[no-any-return]  # the primitive's output
