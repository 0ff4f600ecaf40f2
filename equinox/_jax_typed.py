"""Typed handles on the JAX functions the transformations call.

Their jax signatures carry Unknown parts for pyright (untyped parameters,
unbound TypeVars); binding them here once, with the types we rely on, keeps
the rest of the package free of suppressions.
"""

from collections.abc import Callable
from typing import Any, Final, cast

import jax
import jax.core

jit: Final = cast("Callable[..., Any]", jax.jit)  # pyright: ignore[reportUnknownMemberType]  # `device` parameter untyped
pmap: Final = cast("Callable[..., Any]", jax.pmap)  # pyright: ignore[reportUnknownMemberType]  # `fun` returns Unknown
eval_shape: Final = cast("Callable[..., Any]", jax.eval_shape)  # pyright: ignore[reportUnknownMemberType]  # `fun` returns Unknown
make_jaxpr: Final = cast("Callable[..., Any]", jax.make_jaxpr)  # pyright: ignore[reportUnknownMemberType]  # `fun` returns Unknown
device_put: Final = cast("Callable[..., Any]", jax.device_put)  # pyright: ignore[reportUnknownMemberType]  # `x` untyped
_constraint = jax.lax.with_sharding_constraint  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]  # untyped parameters
with_sharding_constraint: Final = cast("Callable[..., Any]", _constraint)
Device: Final = cast("type[Any]", jax.Device)  # pyright: ignore[reportUnknownMemberType]  # a C++ class without stubs
Tracer: Final = cast("type[Any]", jax.core.Tracer)  # pyright: ignore[reportUnknownMemberType, reportAttributeAccessIssue]  # jax.core is lazily populated
value_and_grad: Final = cast("Callable[..., Any]", jax.value_and_grad)  # pyright: ignore[reportUnknownMemberType]  # `fun` returns Unknown
jvp: Final = cast("Callable[..., Any]", jax.jvp)  # pyright: ignore[reportUnknownMemberType]  # `fun` returns Unknown
vjp: Final = cast("Callable[..., Any]", jax.vjp)  # pyright: ignore[reportUnknownMemberType]  # `fun` returns Unknown
jacfwd: Final = cast("Callable[..., Any]", jax.jacfwd)  # pyright: ignore[reportUnknownMemberType]  # `fun` returns Unknown
jacrev: Final = cast("Callable[..., Any]", jax.jacrev)  # pyright: ignore[reportUnknownMemberType]  # `fun` returns Unknown
checkpoint: Final = cast("Callable[..., Any]", jax.checkpoint)  # pyright: ignore[reportUnknownMemberType]  # untyped in jax
ShapeDtypeStruct: Final = cast(
    "Callable[..., Any]", jax.ShapeDtypeStruct
)  # untyped constructor
local_device_count: Final = cast("Callable[[], int]", jax.local_device_count)  # pyright: ignore[reportUnknownMemberType]  # `backend` parameter untyped
# The unflatten function may return another type than the node's (`_Static`
# in `_jit.py` unflattens to its bare value), which the generic signature
# forbids.
_register = jax.tree_util.register_pytree_node  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]  # flatten-with-keys parameter partly Unknown
register_pytree_node: Final = cast("Callable[..., None]", _register)
