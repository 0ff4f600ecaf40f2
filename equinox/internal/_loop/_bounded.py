"""`kind="bounded"`: a while loop of at most `max_steps` steps that is both
forward- and reverse-mode differentiable, built from nested `lax.scan`s.

`depth = ceil(log_base(max_steps))` levels of scans of length `base` give
`base**depth >= max_steps` potential steps. Each level (and each single
step) sits under a `lax.cond` on "the loop is still running", so once the
condition fails whole blocks are skipped rather than run. A step counter in
the carry stops the loop after exactly `max_steps` steps. Memory under
reverse mode grows with `max_steps` (scan saves each step's residuals).
"""

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
from jax import lax

Leaves = list[Any]
State = tuple[Any, Leaves]


def bounded_while_loop(
    cond_fun: Callable[[Leaves], Any],
    body_fun: Callable[[Leaves], Leaves],
    leaves: Leaves,
    *,
    max_steps: int,
    base: int,
) -> Leaves:
    if max_steps <= 0:
        return leaves
    if base < 2:
        raise ValueError(f"`base` must be an integer >= 2, got {base}")

    def running(state: State) -> Any:
        step, carry = state
        return (step < max_steps) & cond_fun(carry)

    def single(state: State) -> State:
        step, carry = state
        return step + 1, body_fun(carry)

    def level(size: int) -> Callable[[State], State]:
        if size == 1:
            inner = single
        else:
            sub = level(size // base)

            def inner(state: State) -> State:
                def scan_body(s: State, _: None) -> tuple[State, None]:
                    return sub(s), None

                out, _ = lax.scan(scan_body, state, None, length=base)
                return out

        def guarded(state: State) -> State:
            return lax.cond(running(state), inner, lambda s: s, state)  # type: ignore[no-any-return]  # cond keeps the carry

        return guarded

    size = 1
    while size < max_steps:
        size *= base
    _, out = level(size)((jnp.array(0, jnp.int32), leaves))
    return out
