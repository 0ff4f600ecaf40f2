# pyright: strict
"""Gradual checking: plain arrays, Any and caller-side names never error."""

from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Float32, Inexact, Int, Num, Real, Shaped


def matmul(a: Float[Array, "n k"], b: Float[Array, "k m"]) -> Float[Array, "n m"]:
    return a @ b


def same(x: Float[Array, "n"], y: Float[Array, "n"]) -> Float[Array, "n"]:
    return x + y


def want_num(x: Num[Array, "..."]) -> Num[Array, "..."]:
    return x


def want_real(x: Real[Array, "n"]) -> Real[Array, "n"]:
    return x


def want_inexact(x: Inexact[Array, "n"]) -> Inexact[Array, "n"]:
    return x


def want_f32(x: Float32[Array, "n"]) -> Float32[Array, "n"]:
    return x


def load(name: str) -> Array:
    """An array whose shape the checker cannot know (read from disk, say)."""
    return jnp.ones((4, 4)) if name else jnp.ones(3)


plain = load("weights")
anything: Any = plain
f32: Float32[Array, "3"] = jnp.zeros(3, dtype=jnp.float32)
wide: Float[Array, "3"] = jnp.zeros(3)
i3: Int[Array, "3"] = jnp.zeros(3, dtype=jnp.int32)
shaped: Shaped[Array, "3"] = jnp.zeros(3)

c1 = matmul(plain, plain)
c2 = matmul(anything, plain)
c3 = matmul(load("a"), load("b"))  # unannotated: unknown sizes
c4 = same(plain, wide)
c5 = want_num(f32)
c6 = want_num(i3)
c7 = want_real(f32)
c8 = want_real(i3)
c9 = want_inexact(f32)
c10 = want_f32(wide)  # Float might be float32: allowed
c11 = want_f32(shaped)  # Shaped might be anything: allowed
c12 = same(jax.nn.relu(wide), wide)


def names(x: Float[Array, "a"], y: Float[Array, "b"]) -> Float[Array, "a"]:
    return same(x, y)  # a and b are not known to differ


def half_known(x: Float[Array, "n 3"], y: Float[Array, "3 m"]) -> Float[Array, "n m"]:
    return matmul(x, y)


def symbolic_sizes(x: Float[Array, "n"]) -> Float[Array, "n+1"]:
    return jnp.concatenate([x, x[:1]])


def reassigned(x: Float[Array, "3"]) -> Float[Array, "3"]:
    y = x
    y = jnp.zeros(3)
    return y
