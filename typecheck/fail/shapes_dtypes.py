# pyright: strict
"""dtype families that can never meet: Int where Float is wanted, and so on."""

import jax
import jax.numpy as jnp
from jaxtyping import (
    Array,
    Bool,
    Complex,
    Float,
    Float32,
    Float64,
    Inexact,
    Int,
    Int8,
    Integer,
    Key,
    Num,
    Real,
    UInt,
    UInt8,
)


def want_float(x: Float[Array, "n"]) -> Float[Array, "n"]:
    return x


def want_f32(x: Float32[Array, "n"]) -> Float32[Array, "n"]:
    return x


def want_int(x: Int[Array, "n"]) -> Int[Array, "n"]:
    return x


def want_uint(x: UInt[Array, "n"]) -> UInt[Array, "n"]:
    return x


def want_bool(x: Bool[Array, "n"]) -> Bool[Array, "n"]:
    return x


def want_num(x: Num[Array, "n"]) -> Num[Array, "n"]:
    return x


def want_real(x: Real[Array, "n"]) -> Real[Array, "n"]:
    return x


def want_inexact(x: Inexact[Array, "n"]) -> Inexact[Array, "n"]:
    return x


def want_integer(x: Integer[Array, "n"]) -> Integer[Array, "n"]:
    return x


def want_complex(x: Complex[Array, "n"]) -> Complex[Array, "n"]:
    return x


f3: Float[Array, "3"] = jnp.zeros(3)
f64: Float64[Array, "3"] = jnp.zeros(3)
i3: Int[Array, "3"] = jnp.zeros(3, dtype=jnp.int32)
i8: Int8[Array, "3"] = jnp.zeros(3, dtype=jnp.int8)
u8: UInt8[Array, "3"] = jnp.zeros(3, dtype=jnp.uint8)
b3: Bool[Array, "3"] = jnp.zeros(3, dtype=bool)
c3: Complex[Array, "3"] = jnp.zeros(3, dtype=jnp.complex64)
k: Key[Array, "3"] = jax.random.split(jax.random.key(0), 3)

want_float(i3)  # E: jaxtyping-dtype
want_float(b3)  # E: jaxtyping-dtype
want_float(u8)  # E: jaxtyping-dtype
want_float(c3)  # E: jaxtyping-dtype
want_f32(i3)  # E: jaxtyping-dtype
want_f32(f64)  # E: jaxtyping-dtype
want_int(f3)  # E: jaxtyping-dtype
want_int(u8)  # E: jaxtyping-dtype
want_uint(i8)  # E: jaxtyping-dtype
want_bool(f3)  # E: jaxtyping-dtype
want_num(b3)  # E: jaxtyping-dtype
want_num(k)  # E: jaxtyping-dtype
want_real(c3)  # E: jaxtyping-dtype
want_inexact(i3)  # E: jaxtyping-dtype
want_integer(f3)  # E: jaxtyping-dtype
want_complex(f3)  # E: jaxtyping-dtype
as_int: Int[Array, "3"] = f3  # E: jaxtyping-dtype
as_bool: Bool[Array, "3"] = i3  # E: jaxtyping-dtype


def leaks_float(x: Float[Array, "n"]) -> Int[Array, "n"]:
    return x  # E: jaxtyping-dtype


def leaks_bool(x: Bool[Array, "n"]) -> Float[Array, "n"]:
    y: Float[Array, "n"] = x  # noqa: UP037  # E: jaxtyping-dtype
    return y
