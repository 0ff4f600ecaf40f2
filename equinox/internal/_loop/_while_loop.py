"""`while_loop`: `lax.while_loop` with reverse-mode differentiation
(`kind="checkpointed"` or `"bounded"`), a step bound and buffers.

The carry is flattened once: the kinds work on a list of array leaves, and
this module wraps/unwraps the user's pytree (with buffers as `Buffer`s)
around the user's `cond_fun` and `body_fun`.
"""

from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jax import lax
from jaxtyping import Array, Bool

from ._bounded import bounded_while_loop
from ._buffer import Buffer
from ._checkpointed import checkpointed_while_loop

_Carry = TypeVar("_Carry")
Leaves = list[Any]
_eval_shape = cast("Callable[..., Any]", jax.eval_shape)  # pyright: ignore[reportUnknownMemberType]  # partly untyped
Kind = Literal["lax", "checkpointed", "bounded"]


class _Position:
    """Stands in for carry leaf number `index` while locating buffers."""

    def __init__(self, index: int) -> None:
        self.index = index


def buffer_positions(
    buffers: Callable[[Any], Any] | None, treedef: Any, num_leaves: int
) -> frozenset[int]:
    """Which carry leaves `buffers(carry)` selects."""
    if buffers is None:
        return frozenset()
    probe = jtu.tree_unflatten(treedef, [_Position(i) for i in range(num_leaves)])
    chosen = jtu.tree_leaves(buffers(probe), is_leaf=lambda x: isinstance(x, _Position))
    positions: set[int] = set()
    for leaf in chosen:
        if not isinstance(leaf, _Position):
            raise ValueError(
                "`buffers` must return a part of the carry (its leaves must be leaves "
                f"of `init_val`); got {leaf!r}."
            )
        positions.add(leaf.index)
    return frozenset(positions)


def _describe(leaves: Sequence[Any]) -> list[str]:
    out: list[str] = []
    for x in leaves:
        dtype = jnp.result_type(x)
        out.append(f"{dtype.name}{list(jnp.shape(x))}")
    return out


class FlatLoop:
    """The user's functions, seen as functions of the list of carry leaves."""

    def __init__(
        self,
        cond_fun: Callable[[Any], Any],
        body_fun: Callable[[Any], Any],
        treedef: Any,
        positions: frozenset[int],
    ) -> None:
        self.cond_fun = cond_fun
        self.body_fun = body_fun
        self.treedef = treedef
        self.positions = positions

    def wrap(self, leaves: Leaves) -> Any:
        return jtu.tree_unflatten(
            self.treedef,
            [Buffer(x) if i in self.positions else x for i, x in enumerate(leaves)],
        )

    def cond(self, leaves: Leaves) -> Any:
        return self.cond_fun(self.wrap(leaves))

    def body(self, leaves: Leaves) -> Leaves:
        out = self.body_fun(self.wrap(leaves))
        out_leaves, out_treedef = jtu.tree_flatten(
            out, is_leaf=lambda x: isinstance(x, Buffer)
        )
        out_leaves = [x._array if isinstance(x, Buffer) else x for x in out_leaves]  # pyright: ignore[reportPrivateUsage]  # our own class
        if out_treedef != self.treedef:
            raise ValueError(
                "`body_fun` must have the same input and output structure. "
                f"Difference is: - {self.treedef} + {out_treedef}"
            )
        out_leaves = [jnp.asarray(x) for x in out_leaves]
        before, after = _describe(leaves), _describe(out_leaves)
        if before != after:
            diff = [
                f"- {b} + {a}" for b, a in zip(before, after, strict=True) if b != a
            ]
            raise ValueError(
                "`body_fun` must have the same input and output structure. "
                "Difference is: " + "; ".join(diff)
            )
        return [_match_weak(o, x) for o, x in zip(out_leaves, leaves, strict=True)]


def _match_weak(out: Any, like: Any) -> Any:
    """Give a body output the weak-typedness of its input (scan and cond need
    identical types)."""
    if getattr(jax.typeof(out), "weak_type", False) and not getattr(
        jax.typeof(like), "weak_type", False
    ):
        return jnp.asarray(out, jnp.result_type(like))
    return out


def _strengthen(loop: FlatLoop, leaves: Leaves) -> Leaves:
    """Where the body turns a weakly typed input into a strongly typed output,
    start from the strong type (as `lax.while_loop` does)."""

    def raw(ls: Leaves) -> Leaves:
        return _raw_body(loop, ls)

    structs: Any = _eval_shape(raw, leaves)
    result: Leaves = []
    for x, s in zip(leaves, structs, strict=True):
        weak_in = getattr(jax.typeof(x), "weak_type", False)
        if weak_in and not s.weak_type:
            x = jnp.asarray(x, s.dtype)
        result.append(x)
    return result


def _raw_body(loop: FlatLoop, leaves: Leaves) -> Leaves:
    out = loop.body_fun(loop.wrap(leaves))
    out_leaves = jtu.tree_leaves(out, is_leaf=lambda x: isinstance(x, Buffer))
    return [jnp.asarray(x._array if isinstance(x, Buffer) else x) for x in out_leaves]  # pyright: ignore[reportPrivateUsage]  # our own class


def _lax_while_loop(loop: FlatLoop, leaves: Leaves, max_steps: int | None) -> Leaves:
    if max_steps is None:
        return lax.while_loop(loop.cond, loop.body, leaves)

    def cond(state: tuple[Any, Leaves]) -> Any:
        step, carry = state
        return (step < max_steps) & loop.cond(carry)

    def body(state: tuple[Any, Leaves]) -> tuple[Any, Leaves]:
        step, carry = state
        return step + 1, loop.body(carry)

    _, out = lax.while_loop(cond, body, (jnp.array(0, jnp.int32), leaves))
    return out


def while_loop(
    cond_fun: Callable[[_Carry], bool | Bool[Array, ""]],
    body_fun: Callable[[_Carry], _Carry],
    init_val: _Carry,
    *,
    max_steps: int | None = None,
    buffers: Callable[[_Carry], Any] | None = None,
    kind: Kind,
    checkpoints: int | None = None,
    base: int = 16,
) -> _Carry:
    """A better while loop, supporting (1) reverse-mode autodifferentiation;
    (2) checkpointing, with memory independent of the number of steps; (3)
    in-place writes to `buffers` (carry leaves read as `buf[i]` and written
    as `buf.at[i].set(x, pred=...)`).

    - `kind="lax"`: `lax.while_loop`; forward-mode differentiable only.
    - `kind="checkpointed"`: reverse-mode differentiable (not forward mode);
      keeps at most `checkpoints` carries (default from `max_steps`).
    - `kind="bounded"`: forward- and reverse-mode differentiable; needs an
      `int` `max_steps`; time and memory grow with it. `base` trades compile
      time (nesting depth `ceil(log_base(max_steps))`) against run time.

    `max_steps` bounds the number of steps: the loop stops unconditionally
    after it. Returns the final carry, as `lax.while_loop`.
    """
    if kind not in ("lax", "checkpointed", "bounded"):
        raise ValueError(f"Unrecognised kind of while loop '{kind}'")
    # Checked at run time: untyped callers may pass anything.
    if max_steps is not None and type(cast(object, max_steps)) is not int:
        raise ValueError("`max_steps` must be a Python integer")
    if kind == "bounded" and max_steps is None:
        raise ValueError("kind='bounded' requires `max_steps` to be specified")
    # A loop nested in another loop's body may carry the outer loop's
    # buffers: they stay buffers here, and are handed back as `Buffer`s.
    leaves, treedef = jtu.tree_flatten(init_val, is_leaf=_is_buffer)
    outer = frozenset(i for i, x in enumerate(leaves) if isinstance(x, Buffer))
    leaves = [jnp.asarray(x._array if isinstance(x, Buffer) else x) for x in leaves]  # pyright: ignore[reportPrivateUsage]  # our own class
    positions = buffer_positions(buffers, treedef, len(leaves)) | outer
    loop = FlatLoop(cond_fun, body_fun, treedef, positions)
    if max_steps is not None and max_steps <= 0:
        return cast("_Carry", _rebuild(treedef, leaves, outer))
    if kind == "lax":
        out = _lax_while_loop(loop, leaves, max_steps)
    elif kind == "bounded":
        assert max_steps is not None
        leaves = _strengthen(loop, leaves)
        out = bounded_while_loop(
            loop.cond, loop.body, leaves, max_steps=max_steps, base=base
        )
    else:
        leaves = _strengthen(loop, leaves)
        out = checkpointed_while_loop(
            loop.cond, loop.body, leaves, max_steps=max_steps, checkpoints=checkpoints
        )
    return cast("_Carry", _rebuild(treedef, out, outer))


def _is_buffer(x: object) -> bool:
    return isinstance(x, Buffer)


def _rebuild(treedef: Any, leaves: Leaves, outer: frozenset[int]) -> Any:
    return jtu.tree_unflatten(
        treedef, [Buffer(x) if i in outer else x for i, x in enumerate(leaves)]
    )
