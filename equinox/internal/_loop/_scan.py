"""`scan`: `lax.scan` with `kind="checkpointed"` and buffers.

The checkpointed kind is a checkpointed `while_loop` over
`(step, carry, ys)`: step `i` reads `xs[i]` (closed over, so gradients reach
`xs`) and writes its output into the preallocated `ys` buffer.
"""

import math
from collections.abc import Callable
from typing import Any, Literal, TypeVar, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jax import lax

from ._buffer import Buffer
from ._while_loop import buffer_positions, while_loop

_Carry = TypeVar("_Carry")
_X = TypeVar("_X")
_Y = TypeVar("_Y")
_eval_shape = cast("Callable[..., Any]", jax.eval_shape)  # pyright: ignore[reportUnknownMemberType]  # partly untyped


def _length(xs: Any, length: int | None) -> int:
    sizes = {int(jnp.shape(x)[0]) for x in jtu.tree_leaves(xs)}
    if length is not None:
        sizes.add(length)
    if len(sizes) != 1:
        raise ValueError(
            "scan got inconsistent lengths: `length` and the leading axis sizes of "
            f"`xs` give {sorted(sizes)}"
            if sizes
            else "scan needs `length` when `xs` has no arrays"
        )
    return sizes.pop()


def scan(
    f: Callable[[_Carry, _X], tuple[_Carry, _Y]],
    init: _Carry,
    xs: _X,
    length: int | None = None,
    *,
    buffers: Callable[[_Carry], Any] | None = None,
    kind: Literal["lax", "checkpointed", "bounded"],
    checkpoints: int | Literal["all"] | None = None,
) -> tuple[_Carry, _Y]:
    """As `jax.lax.scan`, but with optional checkpointing to reduce memory
    usage (`kind="checkpointed"`: reverse-mode only; `checkpoints` is the
    number of stored carries, default about `sqrt(length)`, or `"all"`), and
    `buffers` as for `while_loop`."""
    if kind not in ("lax", "checkpointed", "bounded"):
        raise ValueError(f"Unrecognised kind of scan '{kind}'")
    num = _length(xs, length)
    init_leaves, treedef = jtu.tree_flatten(init)
    positions = buffer_positions(buffers, treedef, len(init_leaves))

    def wrap(carry: Any) -> Any:
        leaves = jtu.tree_leaves(carry)
        return jtu.tree_unflatten(
            treedef, [Buffer(x) if i in positions else x for i, x in enumerate(leaves)]
        )

    def unwrap(carry: Any) -> Any:
        leaves, out_treedef = jtu.tree_flatten(
            carry, is_leaf=lambda x: isinstance(x, Buffer)
        )
        return jtu.tree_unflatten(
            out_treedef,
            [x._array if isinstance(x, Buffer) else x for x in leaves],  # pyright: ignore[reportPrivateUsage]  # our own class
        )

    def step(carry: Any, x: Any) -> tuple[Any, Any]:
        new_carry, y = f(wrap(carry) if positions else carry, x)
        return (unwrap(new_carry) if positions else new_carry), y

    if kind != "checkpointed" or num == 0:
        # "bounded" (accepted, as by the original): a scan has a fixed length,
        # so `lax.scan` is already forward- and reverse-mode differentiable.
        return lax.scan(step, init, xs, length=num)
    if checkpoints == "all":
        checkpoints = max(num, 1)
    elif checkpoints is None:
        checkpoints = max(1, math.isqrt(num))
    init = jtu.tree_map(jnp.asarray, init)

    def first(x: Any) -> Any:
        return x[0]

    def stacked_zeros(s: Any) -> Any:
        return jnp.zeros((num, *s.shape), s.dtype)

    _, y_struct = _eval_shape(step, init, jtu.tree_map(first, xs))
    ys0 = jtu.tree_map(stacked_zeros, y_struct)

    def cond(state: Any) -> Any:
        return state[0] < num

    def body(state: Any) -> Any:
        i, carry, ys = state

        def at_i(x: Any) -> Any:
            return x[i]

        def write(b: Any, v: Any) -> Any:
            return b.at[i].set(v)

        new_carry, y = step(carry, jtu.tree_map(at_i, xs))
        ys = jtu.tree_map(write, ys, y, is_leaf=lambda b: isinstance(b, Buffer))
        return i + 1, new_carry, ys

    _, carry, ys = while_loop(
        cond,
        body,
        (jnp.array(0, jnp.int32), init, ys0),
        max_steps=num,
        buffers=lambda s: s[2],
        kind="checkpointed",
        checkpoints=checkpoints,
    )
    return carry, ys
