"""Peak memory of reverse-mode autodiff through `equinox.internal.while_loop`.

The loop runs `steps` steps of `x <- sin(x) * a` on a 4096-float carry (the
number of steps is a run-time value). For each number of steps up to 10,000
the gradient with respect to `a` and `x0` is compiled and run, and the table
shows the compiled program's temporary memory (XLA's `memory_analysis`) next
to the carry size:

- `checkpointed` with `checkpoints=16` fixed: one compiled program serves every
  number of steps and its memory is constant (about `checkpoints` carries);
- `bounded` with `max_steps=steps`: memory grows with the number of steps
  (it stores every step's residuals), shown for contrast up to 1,000 steps.

Where both exist, the two gradients are compared (largest relative
difference), and the time per checkpointed gradient is printed. Run: python benchmarks/while_loop_memory.py
"""

import time
from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int

import equinox.internal as eqxi


def _block(x: Any) -> Any:
    return jax.block_until_ready(x)  # type: ignore[no-untyped-call]  # untyped in jax


SIZE = 4096
CHECKPOINTS = 16
CARRY_BYTES = SIZE * 4


def make_loss(kind: str, max_steps: int | None) -> Any:
    def loss(
        a: Float[Array, ""], x0: Float[Array, " n"], steps: Int[Array, ""]
    ) -> Float[Array, ""]:
        def cond(c: tuple[Int[Array, ""], Float[Array, " n"]]) -> Any:
            return c[0] < steps

        def body(
            c: tuple[Int[Array, ""], Float[Array, " n"]],
        ) -> tuple[Int[Array, ""], Float[Array, " n"]]:
            return c[0] + 1, jnp.sin(c[1]) * a

        init = (jnp.array(0), x0)
        if kind == "checkpointed":
            _, x = eqxi.while_loop(
                cond, body, init, kind="checkpointed", checkpoints=CHECKPOINTS
            )
        else:
            _, x = eqxi.while_loop(
                cond, body, init, kind="bounded", max_steps=max_steps
            )
        return jnp.sum(x)

    return jax.jit(jax.grad(loss, argnums=(0, 1)))


def temp_bytes(fn: Any, *args: Any) -> int:
    analysis = fn.lower(*args).compile().memory_analysis()
    return int(analysis.temp_size_in_bytes)


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    _block(fn(*args))
    start = time.perf_counter()
    out = _block(fn(*args))
    return out, time.perf_counter() - start


def main() -> None:
    a = jnp.array(1.001)
    x0 = jnp.linspace(0.1, 1.0, SIZE)
    checkpointed = make_loss("checkpointed", None)
    ckpt_bytes = temp_bytes(checkpointed, a, x0, jnp.array(1))
    print(f"carry: {CARRY_BYTES} bytes; checkpoints={CHECKPOINTS}")
    header = (
        f"{'steps':>7} | {'checkpointed temp':>17} | {'bounded temp':>13} | "
        f"{'ckpt s/grad':>11} | {'rel. diff':>10}"
    )
    print(header)
    print("-" * len(header))
    for steps in [10, 100, 1000, 10000]:
        n = jnp.array(steps)
        (ga, gx), t = timed(checkpointed, a, x0, n)
        bounded_col, diff_col = "-", "-"
        if steps <= 1000:
            bounded = make_loss("bounded", steps)
            bounded_col = str(temp_bytes(bounded, a, x0, n))
            ba, bx = bounded(a, x0, n)
            diff = max(
                float(jnp.abs(ga - ba) / jnp.abs(ba)),
                float(jnp.max(jnp.abs(gx - bx)) / jnp.max(jnp.abs(bx))),
            )
            diff_col = f"{diff:.2e}"
        print(
            f"{steps:>7} | {ckpt_bytes:>17} | {bounded_col:>13} | {t:>11.4f} | "
            f"{diff_col:>10}"
        )


if __name__ == "__main__":
    main()
