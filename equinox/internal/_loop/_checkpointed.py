"""`kind="checkpointed"`: a while loop that is reverse-mode differentiable
in memory that does not grow with the number of steps.

Forward: a plain `lax.while_loop` that also counts the steps `n`. It saves
only the initial carry and `n`.

Backward (our own scheme, "bisection with a bounded stack"): the cotangents
must be pulled back through steps `n-1, …, 0`, each needing the carry
before that step. A stack of at most `checkpoints` carries (with their step
numbers) starts as `[(0, init)]`. Repeatedly, with `t` the next step to pull
back through and `(i, x_i)` the top of the stack:

- `i == t`: pull the cotangent back through step `t` (a `jax.vjp` of the
  body at `x_t`), pop, and move on to `t - 1`;
- a slot is free: run forward from `x_i` to the midpoint
  `m = i + ceil((t - i) / 2)` and push `(m, x_m)`;
- the stack is full: run forward from `x_i` to `x_t` without storing, pull
  back through step `t`, and move on to `t - 1`.

With `checkpoints >= log2(n) + 1` the stack never fills and the backward pass
re-runs about `n log2(n) / 2` steps; with fewer it falls back to re-running
from the deepest checkpoint. Memory is `checkpoints` carries throughout.
Gradients with respect to arrays the body closes over are accumulated along
the way (the body is closure-converted so they are explicit inputs).
"""

import math
from collections.abc import Callable
from typing import Any, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax import lax

from ..._closure_convert import filter_closure_convert
from ..._filters import combine, is_inexact_array, partition

Leaves = list[Any]

# Typed views of JAX functions that pyright sees as partly untyped.
_vjp = cast("Callable[..., tuple[Any, Callable[..., Any]]]", jax.vjp)  # pyright: ignore[reportUnknownMemberType]  # partly untyped
_switch = cast("Callable[..., Any]", lax.switch)  # pyright: ignore[reportUnknownMemberType]  # partly untyped


def default_checkpoints(max_steps: int) -> int:
    """Enough stack slots for the bisection never to run out of room."""
    return max(1, math.ceil(math.log2(max(max_steps, 1))) + 1)


def _zero_cotangent(x: Any) -> Any:
    if jnp.issubdtype(jnp.result_type(x), jnp.inexact):
        return jnp.zeros_like(x)
    return np.zeros(jnp.shape(x), jax.dtypes.float0)


def checkpointed_while_loop(
    cond_fun: Callable[[Leaves], Any],
    body_fun: Callable[[Leaves], Leaves],
    leaves: Leaves,
    *,
    max_steps: int | None,
    checkpoints: int | None,
) -> Leaves:
    if checkpoints is None:
        if max_steps is None:
            raise ValueError(
                "Must specify either `max_steps` or `checkpoints` in "
                "`equinox.internal.checkpointed_while_loop`."
            )
        checkpoints = default_checkpoints(max_steps)
    if checkpoints < 1:
        raise ValueError("Must have at least one checkpoint")
    # Closed-over values may be Python scalars (JAX's typed literals): as
    # arrays they get ordinary (not float0) cotangents.
    body = jtu.tree_map(jnp.asarray, filter_closure_convert(body_fun, leaves))
    cond = jtu.tree_map(jnp.asarray, filter_closure_convert(cond_fun, leaves))
    return _differentiable_loop(body, cond, leaves, max_steps, checkpoints)


def _forward(
    body: Any, cond: Any, leaves: Leaves, max_steps: int | None
) -> tuple[Leaves, Any]:
    def keep_going(state: tuple[Leaves, Any]) -> Any:
        carry, n = state
        pred = cond(carry)
        if max_steps is not None:
            pred = pred & (n < max_steps)
        return pred

    def step(state: tuple[Leaves, Any]) -> tuple[Leaves, Any]:
        carry, n = state
        return body(carry), n + 1

    out, n = lax.while_loop(keep_going, step, (leaves, jnp.array(0, jnp.int32)))
    return out, n


def _advance(body: Any, x: Leaves, steps: Any) -> Leaves:
    return lax.fori_loop(0, steps, lambda _, c: body(c), x)  # type: ignore[no-any-return]  # the carry


def _differentiable_loop(
    body: Any, cond: Any, leaves: Leaves, max_steps: int | None, checkpoints: int
) -> Leaves:
    @jax.custom_vjp
    def loop(body: Any, cond: Any, leaves: Leaves) -> Leaves:
        return _forward(body, cond, leaves, max_steps)[0]

    def loop_fwd(body: Any, cond: Any, leaves: Leaves) -> tuple[Leaves, Any]:
        out, n = _forward(body, cond, leaves, max_steps)
        return out, (body, cond, leaves, n)

    def loop_bwd(residuals: Any, ct: Leaves) -> tuple[Any, Any, Leaves]:
        body, cond, init, n = residuals
        ct_body, ct_init = _backward(body, init, n, ct, checkpoints)
        return ct_body, jtu.tree_map(_zero_cotangent, cond), ct_init

    loop.defvjp(loop_fwd, loop_bwd)  # pyright: ignore[reportUnknownMemberType]  # jax leaves defvjp partly untyped
    run = cast("Callable[[Any, Any, Leaves], Leaves]", loop)
    return run(body, cond, leaves)


def _backward(
    body: Any, init: Leaves, n: Any, ct: Leaves, checkpoints: int
) -> tuple[Any, Leaves]:
    diff_pos = [i for i, x in enumerate(init) if is_inexact_array(x)]
    body_diff, body_static = partition(body, is_inexact_array)

    def pull_back(x: Leaves, ct_diff: Leaves) -> tuple[Any, Leaves]:
        def step(b_diff: Any, x_diff: Leaves) -> Leaves:
            full = list(x)
            for i, v in zip(diff_pos, x_diff, strict=True):
                full[i] = v
            out = combine(b_diff, body_static)(full)
            return [out[i] for i in diff_pos]

        _, vjp = _vjp(step, body_diff, [x[i] for i in diff_pos])
        d_body, d_x = vjp(ct_diff)
        return d_body, d_x

    stack_idx = jnp.zeros(checkpoints, jnp.int32)
    stack = [
        jnp.zeros((checkpoints, *jnp.shape(x)), jnp.result_type(x)).at[0].set(x)
        for x in init
    ]
    ct_diff0 = [jnp.asarray(ct[i], jnp.result_type(init[i])) for i in diff_pos]
    acc0 = jtu.tree_map(jnp.zeros_like, body_diff)
    state0 = (n - 1, jnp.array(1, jnp.int32), stack_idx, stack, ct_diff0, acc0)

    def not_done(state: Any) -> Any:
        return state[0] >= 0

    def one(state: Any) -> Any:
        t, top, idx, vals, ct_diff, acc = state
        i = idx[top - 1]
        x_i = [v[top - 1] for v in vals]

        def at_target(_: None) -> Any:
            d_body, d_x = pull_back(x_i, ct_diff)
            return t - 1, top - 1, idx, vals, d_x, jtu.tree_map(jnp.add, acc, d_body)

        def push(_: None) -> Any:
            m = i + (t - i + 1) // 2
            x_m = _advance(body, x_i, m - i)
            new_vals = [v.at[top].set(xm) for v, xm in zip(vals, x_m, strict=True)]
            return t, top + 1, idx.at[top].set(m), new_vals, ct_diff, acc

        def recompute(_: None) -> Any:
            x_t = _advance(body, x_i, t - i)
            d_body, d_x = pull_back(x_t, ct_diff)
            return t - 1, top, idx, vals, d_x, jtu.tree_map(jnp.add, acc, d_body)

        branch = jnp.where(i == t, 0, jnp.where(top < checkpoints, 1, 2))
        return _switch(branch, [at_target, push, recompute], None)

    final = lax.while_loop(not_done, one, state0)
    ct_diff, acc = final[4], final[5]
    ct_init = [_zero_cotangent(x) for x in init]
    for i, c in zip(diff_pos, ct_diff, strict=True):
        ct_init[i] = c

    # `acc` has `None` where `body` holds a non-differentiable leaf.
    def cotangent(x: Any, a: Any) -> Any:
        return _zero_cotangent(x) if a is None else a

    ct_body = jtu.tree_map(
        cotangent,
        body,
        acc,
        is_leaf=lambda x: x is None,
    )
    return ct_body, ct_init
