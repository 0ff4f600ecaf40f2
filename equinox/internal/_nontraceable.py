"""Identity functions that refuse a transformation: `nondifferentiable`,
`nondifferentiable_backward`, `nonbatchable`, `nontraceable`.

Each acts on the array leaves of a pytree (other leaves pass through) and
is an identity under `jit`. The refusal happens at trace time, when JAX asks
the primitive (or custom rule) for the refused transformation's rule.
"""

from collections.abc import Callable
from typing import Any, TypeVar, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jax.extend.core import Primitive
from jax.interpreters import ad, batching, mlir

from .._errors import error_if
from .._filters import is_array
from ..debug._primitive import bind, define

_T = TypeVar("_T")


def _map_arrays(fn: Callable[[Any], Any], x: _T) -> _T:
    def one(leaf: Any) -> Any:
        return fn(leaf) if is_array(leaf) else leaf

    return cast("_T", jtu.tree_map(one, x))


def _identity_impl(x: Any, **params: Any) -> Any:
    del params
    return x


def _identity_abstract(x: Any, **params: Any) -> Any:
    del params
    return x


def _identity_lowering(ctx: Any, x: Any, **params: Any) -> Any:
    del ctx, params
    return [x]


# --- nondifferentiable ------------------------------------------------------


def _nondiff_message(name: str | None, msg: str | None) -> str:
    if msg is not None:
        return msg
    what = "This operation" if name is None else name
    return f"Unexpected tangent. {what} cannot be autodifferentiated."


def nondifferentiable(x: _T, *, name: str | None = None, msg: str | None = None) -> _T:
    """Identity function, which raises an error if it is differentiated (in
    forward or reverse mode)."""
    message = _nondiff_message(name, msg)

    @jax.custom_jvp
    def _nondifferentiable(leaves: list[Any]) -> list[Any]:
        return leaves

    @_nondifferentiable.defjvp
    def _nondifferentiable_jvp(primals: Any, tangents: Any) -> Any:
        del primals, tangents
        raise RuntimeError(message)

    leaves, treedef = jtu.tree_flatten(x)
    arrays = [leaf for leaf in leaves if is_array(leaf)]
    if not arrays:
        return x
    out = iter(_nondifferentiable(arrays))
    return cast(
        "_T",
        jtu.tree_unflatten(
            treedef, [next(out) if is_array(leaf) else leaf for leaf in leaves]
        ),
    )


# --- nondifferentiable_backward --------------------------------------------

nondifferentiable_backward_p: Primitive = Primitive("nondifferentiable_backward")


def _ndb_jvp(primals: Any, tangents: Any, *, msg: str, symbolic: bool) -> Any:
    (x,), (t,) = primals, tangents
    out = bind(nondifferentiable_backward_p, x, msg=msg, symbolic=symbolic)
    if type(t) is ad.Zero:
        return out, t
    return out, bind(nondifferentiable_backward_p, t, msg=msg, symbolic=symbolic)


def _ndb_transpose(ct: Any, x: Any, *, msg: str, symbolic: bool) -> Any:
    del x
    if type(ct) is ad.Zero:
        return [ct]
    if symbolic:
        raise RuntimeError(msg)
    return [error_if(ct, ct != 0, msg)]


def _ndb_batch(args: Any, dims: Any, *, msg: str, symbolic: bool) -> Any:
    (x,), (d,) = args, dims
    return bind(nondifferentiable_backward_p, x, msg=msg, symbolic=symbolic), d


define(
    nondifferentiable_backward_p,
    impl=_identity_impl,
    abstract_eval=_identity_abstract,
    jvp=_ndb_jvp,
    batch=_ndb_batch,
    lower=_identity_lowering,
    transpose=_ndb_transpose,
)


def nondifferentiable_backward(
    x: _T, name: str | None = None, msg: str | None = None, symbolic: bool = True
) -> _T:
    """Identity function. Raises an error if it is differentiated in reverse
    mode: at trace time for any cotangent that is not a symbolic zero, or
    (`symbolic=False`) at run time for a nonzero cotangent."""
    if msg is None:
        what = "This operation" if name is None else name
        msg = f"Unexpected cotangent. {what} cannot be reverse-mode autodifferentiated."
    message = msg
    return _map_arrays(
        lambda leaf: bind(
            nondifferentiable_backward_p, leaf, msg=message, symbolic=symbolic
        ),
        x,
    )


# --- nonbatchable ------------------------------------------------------------

nonbatchable_p: Primitive = Primitive("nonbatchable")


def _nonbatchable_batch(
    args: Any, dims: Any, *, msg: str, allow_constant_across_batch: bool
) -> Any:
    (x,), (d,) = args, dims
    if d is None:
        return bind(
            nonbatchable_p,
            x,
            msg=msg,
            allow_constant_across_batch=allow_constant_across_batch,
        ), d
    if not allow_constant_across_batch:
        raise ValueError(msg)
    x = jnp.moveaxis(x, d, 0)
    first = x[0]
    first = error_if(first, jnp.any(x != first), msg)
    return bind(nonbatchable_p, first, msg=msg, allow_constant_across_batch=True), None


nonbatchable_p.def_impl(_identity_impl)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
nonbatchable_p.def_abstract_eval(_identity_abstract)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
batching.primitive_batchers[nonbatchable_p] = _nonbatchable_batch
mlir.register_lowering(nonbatchable_p, _identity_lowering)  # pyright: ignore[reportUnknownMemberType]  # jax leaves the rule type untyped


def nonbatchable(
    x: _T,
    *,
    name: str | None = None,
    msg: str | None = None,
    allow_constant_across_batch: bool = False,
) -> _T:
    """Identity function. Raises a trace-time error (`ValueError`) if it is
    batched; with `allow_constant_across_batch=True` a batch whose elements
    are all equal is allowed (checked at run time) and unbatched."""
    if msg is None:
        what = "This operation" if name is None else name
        msg = (
            f"Unexpected batch tracer. {what} cannot be vmap'd. This is probably an "
            "internal error in the library you are using."
        )
    message = msg
    return _map_arrays(
        lambda leaf: bind(
            nonbatchable_p,
            leaf,
            msg=message,
            allow_constant_across_batch=allow_constant_across_batch,
        ),
        x,
    )


# --- nontraceable ------------------------------------------------------------

nontraceable_p: Primitive = Primitive("nontraceable")


def _nontraceable_jvp(primals: Any, tangents: Any, *, name: str) -> Any:
    del primals, tangents
    raise RuntimeError(f"Detected differentiation of {name}")


def _nontraceable_batch(args: Any, dims: Any, *, name: str) -> Any:
    del args, dims
    raise RuntimeError(f"Detected batching of {name}")


define(
    nontraceable_p,
    impl=_identity_impl,
    abstract_eval=_identity_abstract,
    jvp=_nontraceable_jvp,
    batch=_nontraceable_batch,
    lower=_identity_lowering,
)


def nontraceable(x: _T, *, name: str = "nontraceable operation") -> _T:
    """Identity function, which raises an error if it is transformed in any
    way (`jax.grad`, `jax.vmap`, …); `jit` is allowed."""
    return _map_arrays(lambda leaf: bind(nontraceable_p, leaf, name=name), x)
